#!/usr/bin/env bash
# Installs what is missing, starts the test bench (a sandbox MariaDB and the mock Kafka
# cluster), runs the whole test suite with `swift test`, and stops the bench again.
#
#   scripts/test.sh [swift test arguments…]     e.g. scripts/test.sh --filter Decoder
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --build-tests

work=$(mktemp -d /tmp/binlogo-test.XXXXXX)
kafka_pid=""
cleanup() {
  [ -n "$kafka_pid" ] && kill -TERM "$kafka_pid" 2>/dev/null && wait "$kafka_pid" 2>/dev/null
  bash scripts/mariadb-sandbox.sh stop "$work/mariadb" || true
  rm -rf "$work"
}
trap cleanup EXIT

bash scripts/mariadb-sandbox.sh start "$work/mariadb"
"$(swift build --show-bin-path)/binlogo-kafka-mock" --brokers 3 --info-file "$work/kafka.env" >"$work/kafka.log" 2>&1 &
kafka_pid=$!
for _ in $(seq 1 100); do [ -s "$work/kafka.env" ] && break; sleep 0.1; done
[ -s "$work/kafka.env" ] || { echo "test: the mock Kafka cluster did not start:" >&2; cat "$work/kafka.log" >&2; exit 1; }

set -a
. "$work/mariadb/env"
. "$work/kafka.env"
set +a
echo "test: MariaDB on $BINLOGO_MYSQL_HOST:$BINLOGO_MYSQL_PORT, Kafka mock at $BINLOGO_KAFKA_BOOTSTRAP"
swift test "$@"
