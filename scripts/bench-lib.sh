# Sourced by the benchmark scripts (bench.sh, bench-decode.sh, bench-e2e.sh, bench-latency.sh), from
# the repository root: the release build, the servers, the four workloads of Docs/benchmarks.md and
# one function per measurement. Functions that measure set bench_* variables rather than printing.
#
#   . scripts/bench-lib.sh
#   bench_server=mysql                      # optional, before bench_start: the workloads on MySQL 9.x
#   bench_start PREFIX                      # deps, release build ($bin), sandbox MariaDB + mock cluster
#   bench_generate bulk 500000              # one workload into its own binlog file: $bench_start_pos, $bench_file, …
#   bench_decode "$bench_file"              # binlogo dump vs mariadb-binlog (mysqlbinlog on MySQL)
#   bench_e2e bench.bulk "$bench_start_pos" "$bench_dump_messages"
#   bench_diy "$bench_start_pos"
#   bench_latency 5000 20
. scripts/bench-servers.sh

# The server the workloads run on: mariadb (the default) or mysql (a sandbox MySQL beside the MariaDB
# one, scripts/mysql-sandbox.sh; its own mysqlbinlog is the decode column's reference).
bench_server=${bench_server:-mariadb}

# The server's own binlog tool, the decode column's reference (set for MySQL by bench_start).
reference_binlog=(mariadb-binlog)

sql() { mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot "$@"; }
# binlog_status: FILE:POSITION of the server's current binlog (MySQL 8.4 removed SHOW MASTER STATUS).
binlog_status() {
  local statement="SHOW MASTER STATUS"
  [ "$bench_server" = mysql ] && statement="SHOW BINARY LOG STATUS"
  sql -N -e "$statement" | awk '{print $1":"$2}'
}
# numbers FIRST LAST: a table of the integers FIRST…LAST in column seq: MariaDB's sequence engine, a
# recursive common table expression on MySQL (its sandbox allows the recursion depth).
numbers() {
  if [ "$bench_server" = mysql ]; then
    echo "(WITH RECURSIVE numbers (seq) AS (SELECT $1 UNION ALL SELECT seq + 1 FROM numbers WHERE seq < $2) SELECT seq FROM numbers) AS numbers"
  else
    echo "seq_$1_to_$2"
  fi
}
elapsed_since() { echo "$(date +%s.%N) - $1" | bc -l; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
machine() { printf '%s cores, %s' "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"; }

# ---------------------------------------------------------------------------------------------------
# Setup

# The Debian packages, the Python packages of the DIY alternative and the latency probe, and the
# release build of the daemon and the mock cluster; sets $bin.
bench_build() {
  bash scripts/install-deps.sh
  python3 -c 'import pymysqlreplication, pymysql, confluent_kafka' 2>/dev/null \
    || pip install -q mysql-replication confluent-kafka >/dev/null 2>&1 \
    || pip install -q --break-system-packages mysql-replication confluent-kafka >/dev/null
  swift build -c release --product binlogo >/dev/null
  swift build -c release --product binlogo-kafka-mock >/dev/null
  bin=$(swift build -c release --show-bin-path)
}

# bench_start PREFIX: build, then start the sandbox MariaDB (binlog files up to 1 GiB, so that each
# workload fits in one file; InnoDB's log flushed once a second rather than at each commit, which
# speeds up generating the OLTP workload and changes nothing in the binlog), the mock cluster
# (3 brokers; topics for binlogo, the DIY script and the latency probe) and noida-db (a broker with
# real transactions, for the exactly_once latency read back read_committed).
bench_start() {
  bench_build
  servers_start "$1" "$bin/binlogo-kafka-mock" --topic bench:32:1 --topic bench-python:32:1 --topic latency:8:1 \
    -- --max-binlog-size=1G --innodb-flush-log-at-trx-commit=2
  servers_start_noida
  server_dir=$work/mariadb
  if [ "$bench_server" = mysql ]; then
    # The workloads and the daemon use the MySQL sandbox: BINLOGO_MYSQL_* name it from here on.
    servers_start_mysql --max-binlog-size=1G --innodb-flush-log-at-trx-commit=2
    reference_binlog=("$(bash scripts/install-mysql.sh)/bin/mysqlbinlog")
    server_dir=$work/mysql
    export BINLOGO_MYSQL_HOST=$BINLOGO_MYSQL9_HOST BINLOGO_MYSQL_PORT=$BINLOGO_MYSQL9_PORT \
      BINLOGO_MYSQL_SOCKET=$BINLOGO_MYSQL9_SOCKET BINLOGO_MYSQL_DATADIR=$BINLOGO_MYSQL9_DATADIR
  fi
  sql -e "CREATE DATABASE bench"
}

# kafka_control COMMAND: one command on the mock cluster's control port (e.g. "broker-rtt 1 50").
kafka_control() {
  local reply
  exec 4<>"/dev/tcp/${BINLOGO_KAFKA_CONTROL%:*}/${BINLOGO_KAFKA_CONTROL#*:}"
  printf '%s\n' "$1" >&4
  read -r reply <&4
  exec 4>&-
  [ "$reply" = ok ] || { echo "bench: mock cluster control: $1: $reply" >&2; return 1; }
}

# kafka_rtt MILLISECONDS: every broker of the mock cluster answers that much later.
kafka_rtt() { local broker; for broker in 1 2 3; do kafka_control "broker-rtt $broker $1"; done; }

# ---------------------------------------------------------------------------------------------------
# Workloads: each prints the SQL that generates it into table bench.TABLE.

# The 11 mixed columns of the Bulk, OLTP and large-transaction tables.
orders_table() {
  cat <<SQL
CREATE TABLE bench.$1 (
  id BIGINT PRIMARY KEY, customer INT NOT NULL, status ENUM('new','paid','shipped','cancelled') NOT NULL,
  amount DECIMAL(12,2) NOT NULL, code CHAR(8) NOT NULL, note VARCHAR(200), created DATETIME(6) NOT NULL,
  updated TIMESTAMP(3) NULL, flags BIT(8) NOT NULL, attrs JSON, score DOUBLE NOT NULL
);
SQL
}

# orders_values X: the values of row X of that table (X an SQL expression: seq, a variable).
orders_values() {
  local x=$1
  printf "%s" "$x, $x % 10007, ELT(1 + $x % 4, 'new','paid','shipped','cancelled'), ($x % 100000) / 100 + 0.5,"
  printf "%s" " LPAD(HEX($x), 8, '0'), CONCAT('order note ', $x, ' ünïcödé'), '2026-11-25 10:00:00.123456' + INTERVAL $x SECOND,"
  printf "%s" " '2026-11-25 10:00:00.5' + INTERVAL $x SECOND, $x % 256, CONCAT('{\"seq\": ', $x, ', \"tags\": [\"a\", \"b\"]}'), $x / 7"
}

# Bulk: ROWS rows inserted by multi-row INSERTs of 1,000 rows, then ROWS/5 rows updated and ROWS/10
# deleted, each by one statement. Values are fixed (no NOW()), so the binlog is the same at each run.
workload_bulk() {
  local table=$1 rows=$2 first last
  orders_table "$table"
  for ((first = 1; first <= rows; first += 1000)); do
    last=$((first + 999 < rows ? first + 999 : rows))
    echo "INSERT INTO bench.$table SELECT $(orders_values seq) FROM $(numbers "$first" "$last");"
  done
  echo "UPDATE bench.$table SET status = 'paid', amount = amount + 1, updated = '2026-11-26 12:00:00.000' WHERE id % 5 = 0;"
  echo "DELETE FROM bench.$table WHERE id % 10 = 1;"
}

# OLTP: ROWS single-row transactions, each its own COMMIT (autocommit, one statement each), made by
# a stored procedure in blocks of 10: 6 INSERTs, 3 UPDATEs of rows just inserted, 1 DELETE.
workload_oltp() {
  local table=$1 rows=$2
  orders_table "$table"
  cat <<SQL
DELIMITER //
CREATE PROCEDURE bench.${table}_load(blocks INT)
BEGIN
  DECLARE b, j, i BIGINT DEFAULT 0;
  WHILE b < blocks DO
    SET j = 1;
    WHILE j <= 6 DO
      SET i = b * 6 + j;
      INSERT INTO bench.$table VALUES ($(orders_values i));
      SET j = j + 1;
    END WHILE;
    UPDATE bench.$table SET status = 'paid', amount = amount + 1 WHERE id = b * 6 + 1;
    UPDATE bench.$table SET status = 'shipped', note = 'sent' WHERE id = b * 6 + 2;
    UPDATE bench.$table SET score = score * 2, flags = 255 WHERE id = b * 6 + 3;
    DELETE FROM bench.$table WHERE id = b * 6 + 4;
    SET b = b + 1;
  END WHILE;
END//
DELIMITER ;
SET autocommit = 1;
CALL bench.${table}_load($((rows / 10)));
SQL
}

# Large transaction: ROWS rows inserted by one statement, so one transaction.
workload_large() {
  local table=$1 rows=$2
  orders_table "$table"
  echo "INSERT INTO bench.$table SELECT $(orders_values seq) FROM $(numbers 1 "$rows");"
}

# Wide rows: 100 columns (id, 98 columns of 7 types in turn, a TEXT of 65,535 bytes: 64 KiB), ROWS
# rows inserted 100 at a time, then ROWS/5 updated (a small column: both full images carry the TEXT)
# and ROWS/10 deleted.
workload_wide() {
  local table=$1 rows=$2 k columns="" values="" first last
  local types=(BIGINT INT "VARCHAR(32)" DOUBLE "DECIMAL(12,2)" "DATETIME(3)" TINYINT)
  local exprs=("seq * 1000 + K" "(seq * K) % 1000003" "CONCAT('v', K, '-', seq)" "seq / K"
               "(seq % 10000) / 100 + K" "'2026-11-25 10:00:00.250' + INTERVAL seq + K SECOND" "(seq + K) % 128")
  for ((k = 1; k <= 98; k++)); do
    columns+=" c$k ${types[k % 7]},"
    values+=" ${exprs[k % 7]//K/$k},"
  done
  echo "CREATE TABLE bench.$table (id BIGINT PRIMARY KEY,$columns body TEXT);"
  for ((first = 1; first <= rows; first += 100)); do
    last=$((first + 99 < rows ? first + 99 : rows))
    echo "INSERT INTO bench.$table SELECT seq,$values RPAD(CONCAT('row ', seq, ': '), 65535, 'lorem ipsum dolor sit amet, ') FROM $(numbers "$first" "$last");"
  done
  echo "UPDATE bench.$table SET c1 = c1 + 1 WHERE id % 5 = 0;"
  echo "DELETE FROM bench.$table WHERE id % 10 = 1;"
}

# workload_changes NAME ROWS: the row changes the workload makes.
workload_changes() {
  case $1 in
    bulk | wide) echo $(($2 + $2 / 5 + ($2 + 9) / 10)) ;;
    oltp) echo $(($2 / 10 * 10)) ;;
    large) echo "$2" ;;
  esac
}

# bench_generate NAME ROWS [TABLE]: generates workload NAME into bench.TABLE (default NAME), alone in a
# binlog file of its own. Sets bench_start_pos (FILE:POSITION where it begins), bench_file (the
# file's path), bench_bytes (its binlog bytes), bench_changes and bench_generate_seconds.
bench_generate() {
  local name=$1 rows=$2 table=${3:-$1} began end
  sql -e "FLUSH BINARY LOGS"
  bench_start_pos=$(binlog_status)
  began=$(date +%s.%N)
  "workload_$name" "$table" "$rows" | sql bench
  bench_generate_seconds=$(elapsed_since "$began")
  end=$(binlog_status)
  sql -e "FLUSH BINARY LOGS"
  [ "${end%%:*}" = "${bench_start_pos%%:*}" ] || { echo "bench: workload $name spans binlog files" >&2; exit 1; }
  bench_file="$BINLOGO_MYSQL_DATADIR/${bench_start_pos%%:*}"
  bench_bytes=$((${end#*:} - ${bench_start_pos#*:}))
  bench_changes=$(workload_changes "$name" "$rows")
}

# ---------------------------------------------------------------------------------------------------
# Decode: binlogo dump vs mariadb-binlog on one file.

# best_of_3 COMMAND…: the best wall time of 3 runs on one core (taskset -c 0), output discarded.
best_of_3() {
  local best="" began t
  for _ in 1 2 3; do
    began=$(date +%s.%N)
    taskset -c 0 "$@" >/dev/null
    t=$(elapsed_since "$began")
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

# bench_decode FILE: sets bench_dump_seconds and bench_mariadb_binlog_seconds (mysqlbinlog's on MySQL), bench_dump_changes (the
# row-change messages binlogo decoded, to check against the workload's count) and bench_dump_messages
# (all its messages: the DDL statements' too, as the daemon sends them).
bench_decode() {
  read -r bench_dump_changes bench_dump_messages < <("$bin/binlogo" dump --binlog-file "$1" \
    | awk '/"type":"(insert|update|delete)"/ { rows++ } END { print rows + 0, NR }')
  bench_dump_seconds=$(best_of_3 "$bin/binlogo" dump --binlog-file "$1")
  bench_mariadb_binlog_seconds=$(best_of_3 "${reference_binlog[@]}" --no-defaults --verbose --base64-output=decode-rows "$1")
}

# bench_callgrind FILE: instructions executed (callgrind's Ir) by `binlogo dump` and by mariadb-binlog
# on FILE; sets bench_dump_ir and bench_mariadb_binlog_ir. binlogo runs as a copy without debug
# information (valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes; the code is the
# same) and with Swift's hashing made deterministic, so that the count repeats.
bench_callgrind() {
  local log="$work/callgrind.log" binary="$work/binlogo-no-debug-info"
  objcopy --strip-debug "$bin/binlogo" "$binary"
  SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$binary" dump --binlog-file "$1" 2>"$log" >/dev/null || { cat "$log" >&2; return 1; }
  bench_dump_ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log")
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    mariadb-binlog --no-defaults --verbose --base64-output=decode-rows "$1" 2>"$log" >/dev/null || { cat "$log" >&2; return 1; }
  bench_mariadb_binlog_ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log")
}

# ---------------------------------------------------------------------------------------------------
# End to end: binlogo run from a position into the mock cluster.

# daemon_config FILE PIPELINE START INCLUDE TOPIC SERVER_ID HTTP_PORT [PROFILE] [BOOTSTRAP]: a daemon with
# one pipeline, the idempotent profile (acks=all, idempotence) unless PROFILE names another, keyed by
# primary key, into the mock cluster unless BOOTSTRAP names another broker, a fresh state directory
# (and, under exactly_once, a positions topic of its own).
# To try settings: $BINLOGO_BENCH_PIPELINE_OPTIONS adds keys to the pipeline (e.g. "queue: {max_messages:
# 2000}"), $BINLOGO_BENCH_KAFKA_OPTIONS to its Kafka output (e.g. "properties: {linger.ms: 20}").
# BINLOGO_BENCH_STDOUT=1: `output: {stdout: {}}` instead of Kafka (bench_e2e sends the daemon's stdout to /dev/null).
daemon_config() {
  rm -rf "$work/state-$2"
  cat >"$1" <<YAML
node_name: bench
state_dir: $work/state-$2
log: {level: warning, format: text}
http: {enabled: true, listen: "127.0.0.1:$7"}
pipelines:
  - name: $2
    mysql: {host: 127.0.0.1, port: $BINLOGO_MYSQL_PORT, user: root, server_id: $6, start: "$3"}
    filters: {include: ["$4"]}
    output:
      ${BINLOGO_BENCH_OUTPUT_OPTIONS:-}
      $(if [ -n "${BINLOGO_BENCH_STDOUT:-}" ]; then printf 'stdout: {topic: %s}' "$5"; else printf 'kafka: {brokers: ["%s"], profile: %s, topic: %s%s%s}' "${9:-$BINLOGO_KAFKA_BOOTSTRAP}" "${8:-idempotent}" "$5" "$([ "${8:-}" = exactly_once ] && printf ', transactions: {positions_topic: positions-%s-%s}' "$2" "$RANDOM$RANDOM")" "${BINLOGO_BENCH_KAFKA_OPTIONS:+, $BINLOGO_BENCH_KAFKA_OPTIONS}"; fi)
    ${BINLOGO_BENCH_PIPELINE_OPTIONS:-}
YAML
}

# read_acknowledged PORT PIPELINE [METRIC]: sets $acknowledged to the daemon's own count of messages Kafka
# acknowledged (its /metrics; METRIC another counter, binlogo_messages_committed_total under
# exactly_once), empty when the daemon does not answer yet. Bash builtins only, so that polling it forks
# nothing beside a daemon that is being measured.
read_acknowledged() {
  local line prefix="${3:-binlogo_messages_acknowledged_total}{pipeline=\"$2\"} "
  acknowledged=""
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 0
  printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3
  while IFS= read -r line <&3; do
    [[ $line == "$prefix"* ]] && acknowledged=${line#"$prefix"} && acknowledged=${acknowledged%%[!0-9]*}
  done
  exec 3>&-
}

# cpu_ticks PID: user + system CPU time of a process (or a thread, /proc/PID/task/TID), in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
ticks_to_seconds() { echo "$1 / $(getconf CLK_TCK)" | bc -l; }

# thread_split PID: the process's CPU seconds per thread name, most first, each with the seconds it
# waited for a core while runnable (/proc/…/schedstat), as "name seconds (+waiting), …". In the
# daemon: binlogo-source reads, decodes and encodes; dispatch (Dispatch's worker threads) hands the
# messages to librdkafka (rd_kafka_produce); rdk:broker* (summed) send them; binlogo-kpoll takes
# the delivery reports; binlogo-ckpt writes checkpoints; binlogo is the main thread and the HTTP server.
thread_split() {
  local task
  for task in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(sed -e 's/rdk:broker.*/rdk:broker*/' -e 's/.*qos.*/dispatch/' "$task/comm")" "$(cat "$task/schedstat")"
  done | awk '{ cpu[$1] += $2; wait[$1] += $3 }
              END { for (n in cpu) printf "%s %.2f %.2f\n", n, cpu[n] / 1e9, wait[n] / 1e9 }' \
    | sort -k2 -rn | awk '$2 + $3 >= 0.005 { printf "%s%s %s (+%s)", (n++ ? ", " : ""), $1, $2, $3 }'
}

# run_queue_wait PID: seconds the process's threads waited for a core while runnable, so far.
run_queue_wait() { cat /proc/"$1"/task/*/schedstat | awk '{ w += $2 } END { printf "%.2f", w / 1e9 }'; }

# machine_ticks: "busy total" clock ticks of all cores since boot (/proc/stat), every process counted.
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# bench_e2e INCLUDE START MESSAGES [SERVER_ID] [PROFILE] [BOOTSTRAP]: starts `binlogo run` (release build;
# $BINLOGO_BENCH_WRAPPER in front of it if set, e.g. a profiler) at START with a filter on INCLUDE (e.g.
# bench.bulk), into the mock cluster (or BOOTSTRAP), and stops the clock when Kafka acknowledged MESSAGES
# messages (row changes and DDL statements; under PROFILE exactly_once, when MESSAGES messages are in
# committed transactions). Sets
# bench_e2e_seconds, bench_e2e_cpu (the daemon's CPU seconds), bench_e2e_rss_mib (its peak RSS),
# bench_e2e_acked, bench_e2e_threads (thread_split), bench_e2e_wait (seconds the daemon's threads waited
# for a core), bench_e2e_server_cpu and bench_e2e_mock_cpu (CPU seconds of mariadbd and the mock
# cluster meanwhile: the three share the machine's cores) and bench_e2e_machine_busy (the share of all
# cores busy meanwhile, in %, whoever used them).
bench_e2e() {
  local include=$1 start=$2 messages=$3 server_id=${4:-9001} profile=${5:-idempotent} metric=binlogo_messages_acknowledged_total
  local port began server_pid server0 mock0 busy0 total0 busy1 total1
  [ "$profile" = exactly_once ] && metric=binlogo_messages_committed_total
  port=$(free_port)
  daemon_config "$work/e2e.yaml" e2e "$start" "$include" bench "$server_id" "$port" "$profile" "${6:-}"
  server_pid=$(cat "$server_dir/mysqld.pid")
  server0=$(cpu_ticks "$server_pid")
  mock0=$(cpu_ticks "$kafka_pid")
  read -r busy0 total0 < <(machine_ticks)
  exec 5<> <(:)  # a pipe nobody writes to: `read -t` on it waits without forking a sleep
  began=$(date +%s.%N)
  ${BINLOGO_BENCH_WRAPPER:-} "$bin/binlogo" run --config "$work/e2e.yaml" >/dev/null 2>"$work/daemon.log" &
  daemon_pid=$!
  while true; do  # the daemon's acknowledgement counter, polled every 10 ms
    read_acknowledged "$port" e2e "$metric" 2>/dev/null
    [ -n "$acknowledged" ] && [ "$acknowledged" -ge "$messages" ] && break
    kill -0 "$daemon_pid" 2>/dev/null || { echo "bench: the daemon exited:" >&2; cat "$work/daemon.log" >&2; exit 1; }
    read -r -t 0.01 -u 5 || true
  done
  exec 5>&-
  bench_e2e_seconds=$(elapsed_since "$began")
  read -r busy1 total1 < <(machine_ticks)
  bench_e2e_machine_busy=$((100 * (busy1 - busy0) / (total1 - total0)))
  bench_e2e_wait=$(run_queue_wait "$daemon_pid")
  bench_e2e_cpu=$(ticks_to_seconds "$(cpu_ticks "$daemon_pid")")
  bench_e2e_server_cpu=$(ticks_to_seconds $(($(cpu_ticks "$server_pid") - server0)))
  bench_e2e_mock_cpu=$(ticks_to_seconds $(($(cpu_ticks "$kafka_pid") - mock0)))
  bench_e2e_threads=$(thread_split "$daemon_pid")
  bench_e2e_rss_mib=$(($(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status") / 1024))
  sleep 0.2  # a count past MESSAGES would be wrong
  read_acknowledged "$port" e2e "$metric" 2>/dev/null
  bench_e2e_acked=${acknowledged:-"no answer"}
  kill -TERM "$daemon_pid" && wait "$daemon_pid" || true
  daemon_pid=""
}

# bench_diy START: the DIY alternative (scripts/bench_diy.py: python-mysql-replication +
# confluent-kafka, acks=all and idempotence) from START to the end of the binlog. Sets
# bench_diy_seconds and bench_diy_sent.
bench_diy() {
  local began
  began=$(date +%s.%N)
  bench_diy_sent=$(python3 scripts/bench_diy.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" "${1%%:*}" "${1#*:}" \
    "$BINLOGO_KAFKA_BOOTSTRAP" bench-python)
  bench_diy_seconds=$(elapsed_since "$began")
}

# bench_server_send FILE_NAME: seconds the server takes to send that binlog file to a client that
# only writes it to memory (mariadb-binlog --read-from-remote-server --raw into /dev/shm): the
# server's own pace. (Written to disk, it timed the disk: 0.6-0.7 s for the wide-row file against
# 0.17 s into memory.)
bench_server_send() {
  local began raw
  raw=$(mktemp -d /dev/shm/binlogo-raw.XXXXXX)
  began=$(date +%s.%N)
  "${reference_binlog[@]}" --no-defaults --read-from-remote-server --host=127.0.0.1 --port="$BINLOGO_MYSQL_PORT" -uroot \
    --raw --result-file="$raw/" "$1"
  elapsed_since "$began"
  rm -rf "$raw"
}

# noida_fresh: noida-db again with an empty state (it rewrites its whole state file at least once a
# second, which would take a core from the run after a large one); BINLOGO_NOIDA_BOOTSTRAP names it.
# Its state is thrown away, so it is killed rather than stopped (a stop saves the state first: seconds).
noida_fresh() {
  kill -KILL "$BINLOGO_NOIDA_PID" 2>/dev/null || true
  bash scripts/noida-sandbox.sh stop "$work/noida" >/dev/null
  rm -rf "$work/noida"
  servers_start_noida
}

# ---------------------------------------------------------------------------------------------------
# Latency: commit-to-arrival at a steady rate (scripts/bench_latency.py) through a daemon started at
# the current position, with librdkafka's default linger.ms (5 ms), into the mock cluster; with PROFILE
# exactly_once, into noida-db and read back read_committed (commit to visible). Sets bench_latency (its summary).
bench_latency() {
  local rate=$1 seconds=$2 profile=${3:-idempotent} bootstrap=$BINLOGO_KAFKA_BOOTSTRAP database=latency
  if [ "$profile" = exactly_once ]; then
    noida_fresh  # not the catch-up runs' state, whose saves every second would stall it
    bootstrap=$BINLOGO_NOIDA_BOOTSTRAP database=latency_eos
  fi
  sql -e "CREATE DATABASE IF NOT EXISTS $database; CREATE TABLE $database.t (id INT PRIMARY KEY)"
  daemon_config "$work/latency.yaml" "$database" current "$database.*" latency 9003 "$(free_port)" "$profile" "$bootstrap"
  "$bin/binlogo" run --config "$work/latency.yaml" 2>"$work/daemon.log" &
  daemon_pid=$!
  sleep 1
  bench_latency=$(python3 scripts/bench_latency.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" "$bootstrap" \
    latency "$rate" "$seconds" "$database")
  kill -TERM "$daemon_pid" && wait "$daemon_pid" || true
  daemon_pid=""
}

# ---------------------------------------------------------------------------------------------------
# Snapshots: a table of the Bulk workload's 11 columns read by `snapshot: initial`, beside the
# server's own dump tool, and a writer's commit latency with and without a snapshot running.

# mysql_tool NAME: runs MySQL's client program NAME (mysqldump, …) of the sandbox's installation,
# through Debian sid's loader as the launchers of scripts/install-mysql.sh do.
mysql_tool() {
  local name=$1 dir root loader libraries
  shift
  dir=$(bash scripts/install-mysql.sh)
  root=$dir/root
  libraries=$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
  loader=$(ls "$libraries"/ld-linux*.so.* | head -1)
  "$loader" --inhibit-cache --library-path "$libraries" "$root/usr/bin/$name" "$@"
}

# bench_snapshot_fill TABLE ROWS: the table, filled by INSERT … SELECT in blocks of 100,000 rows.
bench_snapshot_fill() {
  local table=$1 rows=$2 first last began
  began=$(date +%s.%N)
  {
    echo "USE bench;"
    orders_table "$table"
    for ((first = 1; first <= rows; first += 100000)); do
      last=$((first + 99999 < rows ? first + 99999 : rows))
      echo "INSERT INTO bench.$table SELECT $(orders_values seq) FROM $(numbers "$first" "$last");"
    done
  } | sql
  bench_snapshot_fill_seconds=$(elapsed_since "$began")
}

# bench_snapshot_dump TABLE: seconds the server's dump tool takes to write the table to /dev/null in
# one consistent read (mariadb-dump, or MySQL's mysqldump, --single-transaction).
bench_snapshot_dump() {
  local began
  began=$(date +%s.%N)
  if [ "$bench_server" = mysql ]; then
    mysql_tool mysqldump --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot --single-transaction --set-gtid-purged=OFF bench "$1" >/dev/null
  else
    mariadb-dump --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot --single-transaction bench "$1" >/dev/null
  fi
  bench_snapshot_dump_seconds=$(elapsed_since "$began")
}

# bench_snapshot TABLE ROWS [SERVER_ID] [ROWS_PER_SECOND]: `binlogo run` with `snapshot: initial` on
# bench.TABLE into the mock cluster, timed from its start until Kafka acknowledged ROWS messages (the rows
# and the table's start marker; its end marker comes after); sets bench_e2e_seconds, bench_e2e_rss_mib, …
# as bench_e2e does.
# With BINLOGO_BENCH_STDOUT=1, into `output: {stdout: {}}` sent to /dev/null, timed until it wrote ROWS messages.
bench_snapshot() {
  BINLOGO_BENCH_PIPELINE_OPTIONS="snapshot: {mode: initial, chunk_rows: 10000${4:+, rows_per_second: $4}}" \
    bench_e2e "bench.$1" current "$2" "${3:-9101}"
}

# bench_writer_latency TABLE ROWS SECONDS: a writer's commit latency (scripts/bench_writer.py, 200
# single-row UPDATEs a second); sets bench_writer ("p50 p99 max commits", milliseconds).
bench_writer_latency() {
  bench_writer=$(python3 scripts/bench_writer.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" bench "$1" "$2" 200 "$3")
}
