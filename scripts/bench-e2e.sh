#!/usr/bin/env bash
# End-to-end catch-up benchmark: the binlog already written, binlogo started at its beginning,
# streaming through the daemon into the mock Kafka cluster with acks=all and idempotence, until the
# last transaction is acknowledged (the checkpoint reaches the end of the binlog).
#
#   bash scripts/bench-e2e.sh [ROWS]        (default 500000: the Bulk workload of Docs/benchmarks.md)
#
# Then the same catch-up by scripts/bench_diy.py (python-mysql-replication + confluent-kafka, from
# PyPI), the alternative users would write themselves, and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-500000}

bash scripts/install-deps.sh
swift build -c release --product binlogo >/dev/null
swift build -c release --product binlogo-kafka-mock >/dev/null
bin=$(swift build -c release --show-bin-path)

. scripts/bench-servers.sh
servers_start bench-e2e "$bin/binlogo-kafka-mock" --topic bench:32:1 -- --max-binlog-size=1G
sql() { mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot "$@"; }

start=$(sql -N -e "FLUSH BINARY LOGS; SHOW MASTER STATUS" | awk '{print $1":"$2}')
sed -n '/^CREATE DATABASE bench;/,/^FLUSH BINARY LOGS;$/p' scripts/bench-decode.sh | sed "s/\${rows}/$rows/" \
  | grep -v '^FLUSH BINARY LOGS;$' | sql
end=$(sql -N -e "SHOW MASTER STATUS" | awk '{print $1":"$2}')
binlog_bytes=$(( ${end#*:} - ${start#*:} ))
changes=$((rows + rows / 5 + rows / 10))

http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
cat >"$work/binlogo.yaml" <<YAML
node_name: bench
state_dir: $work/state
log: {level: warning, format: text}
http: {enabled: true, listen: "127.0.0.1:$http_port"}
pipelines:
  - name: bench
    mysql: {host: 127.0.0.1, port: $BINLOGO_MYSQL_PORT, user: root, server_id: 9001, start: "$start"}
    filters: {include: ["bench.*"]}
    output:
      kafka: {brokers: ["$BINLOGO_KAFKA_BOOTSTRAP"], profile: idempotent, topic: bench}
YAML
began=$(date +%s.%N)
${BINLOGO_BENCH_WRAPPER:-} "$bin/binlogo" run --config "$work/binlogo.yaml" 2>"$work/daemon.log" &
daemon_pid=$!
# Done when Kafka acknowledged every change (the daemon's own counter, polled every 20 ms).
acknowledged() {
  exec 3<>"/dev/tcp/127.0.0.1/$http_port" || { echo 0; return; }
  printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
  sed -n 's/^binlogo_messages_acknowledged_total{pipeline="bench"} \([0-9]*\).*/\1/p' <&3
  exec 3>&-
}
while true; do
  count=$(acknowledged 2>/dev/null || true)
  [ -n "$count" ] && [ "$count" -ge "$changes" ] && break
  kill -0 "$daemon_pid" 2>/dev/null || { echo "bench: the daemon exited:" >&2; cat "$work/daemon.log" >&2; exit 1; }
  sleep 0.02
done
ended=$(date +%s.%N)
read -r utime stime < <(awk '{print $14, $15}' "/proc/$daemon_pid/stat")
ticks=$(getconf CLK_TCK)
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
seconds=$(echo "$ended - $began" | bc -l)
cpu=$(echo "($utime + $stime) / $ticks" | bc -l)

# The DIY alternative over the same binlog, in the same invocation: python-mysql-replication + confluent-kafka.
kill -TERM "$daemon_pid" && wait "$daemon_pid" || true
daemon_pid=""
python_seconds=""
if python3 -c 'import pymysqlreplication, confluent_kafka' 2>/dev/null || \
   pip install -q mysql-replication confluent-kafka >/dev/null 2>&1; then
  python_began=$(date +%s.%N)
  python_sent=$(python3 scripts/bench_diy.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" "${start%%:*}" "${start#*:}" "$BINLOGO_KAFKA_BOOTSTRAP" bench-python)
  python_seconds=$(echo "$(date +%s.%N) - $python_began" | bc -l)
fi

printf 'machine: %s cores, %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf 'workload: %s inserts, %s updates, %s deletes; %s bytes of binlog\n' "$rows" $((rows / 5)) $((rows / 10)) "$binlog_bytes"
printf 'catch-up to the last acknowledgement (acks=all, idempotence): %.2f s\n' "$seconds"
printf 'throughput: %.0f row changes/s, %.1f MB/s of binlog\n' "$(echo "$changes / $seconds" | bc -l)" "$(echo "$binlog_bytes / $seconds / 1000000" | bc -l)"
printf 'daemon CPU: %.2f s (%.2f CPU-seconds per million row changes); peak RSS %d MiB\n' \
  "$cpu" "$(echo "$cpu * 1000000 / $changes" | bc -l)" $((peak_kib / 1024))
if [ -n "$python_seconds" ]; then
  printf 'DIY python-mysql-replication + confluent-kafka: %s changes in %.2f s, %.0f row changes/s; binlogo / DIY: %.1fx\n' \
    "$python_sent" "$python_seconds" "$(echo "$python_sent / $python_seconds" | bc -l)" "$(echo "$python_seconds / $seconds" | bc -l)"
fi
