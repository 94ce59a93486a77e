#!/usr/bin/env bash
# Commit-to-arrival latency through binlogo (release build, default linger.ms) into the mock cluster
# at a steady rate (default 5000 rows/s for 20 s), measured by scripts/bench_latency.py.
#
#   bash scripts/bench-latency.sh [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-5000} duration=${2:-20}

bash scripts/install-deps.sh
python3 -c 'import pymysql, confluent_kafka' 2>/dev/null || pip install -q mysql-replication confluent-kafka >/dev/null
swift build -c release --product binlogo >/dev/null
swift build -c release --product binlogo-kafka-mock >/dev/null
bin=$(swift build -c release --show-bin-path)

. scripts/bench-servers.sh
servers_start bench-latency "$bin/binlogo-kafka-mock" --topic latency:8:1
mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot -e "CREATE DATABASE latency; CREATE TABLE latency.t (id INT PRIMARY KEY)"
cat >"$work/binlogo.yaml" <<YAML
node_name: latency
state_dir: $work/state
log: {level: warning, format: text}
http: {enabled: false}
pipelines:
  - name: latency
    mysql: {host: 127.0.0.1, port: $BINLOGO_MYSQL_PORT, user: root, server_id: 9003, start: current}
    filters: {include: ["latency.*"]}
    output:
      kafka: {brokers: ["$BINLOGO_KAFKA_BOOTSTRAP"], profile: idempotent, topic: latency}
YAML
"$bin/binlogo" run --config "$work/binlogo.yaml" 2>"$work/daemon.log" &
daemon_pid=$!
sleep 1
printf 'machine: %s cores, %s\n' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
python3 scripts/bench_latency.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" "$BINLOGO_KAFKA_BOOTSTRAP" latency "$rate" "$duration"
