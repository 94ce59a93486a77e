# Sourced by test.sh, demo.sh and the benchmark scripts: one sandbox MariaDB and one mock Kafka
# cluster in a temporary folder (and a sandbox MySQL and a transactional broker when asked), stopped
# (with a daemon the script started) when the script exits.
#
#   . scripts/bench-servers.sh
#   servers_start PREFIX MOCK_BINARY [binlogo-kafka-mock options…] [-- mariadbd options…]
#   servers_start_mysql [mysqld options…]     after servers_start
#   servers_start_noida                       after servers_start
#
# Afterwards: $work, $kafka_pid, and BINLOGO_MYSQL_* (MariaDB) / BINLOGO_KAFKA_* exported,
# BINLOGO_MYSQL9_* (MySQL) after servers_start_mysql and BINLOGO_NOIDA_* (noida-db, a broker with
# Kafka transactions) after servers_start_noida; set $daemon_pid for a daemon that should be stopped
# first.

work="" kafka_pid="" daemon_pid="" mysql_started="" noida_started=""

# Every step runs whatever the one before it returned (a process ended by the signal makes `wait` fail,
# which under `set -e` would end the trap there and leave the servers running).
servers_stop() {
  if [ -n "$daemon_pid" ]; then kill -TERM "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  if [ -n "$kafka_pid" ]; then kill -TERM "$kafka_pid" 2>/dev/null || true; wait "$kafka_pid" 2>/dev/null || true; fi
  [ -n "$mysql_started" ] && { bash scripts/mysql-sandbox.sh stop "$work/mysql" >/dev/null || true; }
  [ -n "$noida_started" ] && { bash scripts/noida-sandbox.sh stop "$work/noida" >/dev/null || true; }
  [ -n "$work" ] && { bash scripts/mariadb-sandbox.sh stop "$work/mariadb" >/dev/null || true; rm -rf "$work"; }
  return 0
}

servers_start() {
  local prefix=$1 mock=$2
  shift 2
  local mock_options=() mariadb_options=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do mock_options+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift && mariadb_options=("$@")
  work=$(mktemp -d "/tmp/binlogo-$prefix.XXXXXX")
  trap servers_stop EXIT
  bash scripts/mariadb-sandbox.sh start "$work/mariadb" ${mariadb_options[@]+"${mariadb_options[@]}"} >/dev/null
  "$mock" --brokers 3 ${mock_options[@]+"${mock_options[@]}"} --info-file "$work/kafka.env" >"$work/kafka.log" 2>&1 &
  kafka_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/kafka.env" ] && break; sleep 0.1; done
  [ -s "$work/kafka.env" ] || { echo "$prefix: the mock Kafka cluster did not start:" >&2; cat "$work/kafka.log" >&2; exit 1; }
  set -a
  . "$work/mariadb/env"
  . "$work/kafka.env"
  set +a
}

# A sandbox MySQL beside the MariaDB one, exported as BINLOGO_MYSQL9_HOST/PORT/SOCKET/DATADIR/FLAVOR/VERSION.
servers_start_mysql() {
  mysql_started=1
  bash scripts/mysql-sandbox.sh start "$work/mysql" "$@" >/dev/null
  local name value
  while IFS='=' read -r name value; do
    export "BINLOGO_MYSQL9_${name#BINLOGO_MYSQL_}=$value"
  done <"$work/mysql/env"
}

# A noida-db broker (scripts/noida-sandbox.sh), exported as BINLOGO_NOIDA_BOOTSTRAP/PID/DATADIR:
# the tests of Kafka transactions use it (TransactionalKafkaBroker.shared()).
servers_start_noida() {
  noida_started=1
  bash scripts/noida-sandbox.sh start "$work/noida" >/dev/null
  set -a
  . "$work/noida/env"
  set +a
}
