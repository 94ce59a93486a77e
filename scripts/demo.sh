#!/usr/bin/env bash
# The main job on an embedded default: installs what is missing, builds binlogo in release
# mode, starts a sandbox MariaDB and the mock Kafka cluster, makes a few sample writes and
# shows the resulting JSON messages.
#
# Until the daemon lands (pipelines issue), the messages are shown by `binlogo dump` over the
# sandbox's binlog file, in the same format the Kafka output will publish.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d /tmp/binlogo-demo.XXXXXX)
kafka_pid=""
cleanup() {
  [ -n "$kafka_pid" ] && kill -TERM "$kafka_pid" 2>/dev/null && wait "$kafka_pid" 2>/dev/null
  bash scripts/mariadb-sandbox.sh stop "$work/mariadb" || true
  rm -rf "$work"
}
trap cleanup EXIT

bash scripts/mariadb-sandbox.sh start "$work/mariadb"
. "$work/mariadb/env"
"$bin/binlogo-kafka-mock" --brokers 3 --info-file "$work/kafka.env" >"$work/kafka.log" 2>&1 &
kafka_pid=$!
for _ in $(seq 1 100); do [ -s "$work/kafka.env" ] && break; sleep 0.1; done
. "$work/kafka.env"
echo "demo: MariaDB sandbox on $BINLOGO_MYSQL_HOST:$BINLOGO_MYSQL_PORT, Kafka mock cluster at $BINLOGO_KAFKA_BOOTSTRAP"

sql() { mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot "$@"; }
first_binlog=$(sql -N -e "SHOW MASTER STATUS" | cut -f1)
sql <<'SQL'
CREATE DATABASE shop;
CREATE TABLE shop.products (
  id BIGINT UNSIGNED PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  tags SET('new','sale','eco'),
  added DATETIME(3) NOT NULL
);
INSERT INTO shop.products VALUES
  (1, 'Kaffee ☕', 4.50, 'new,eco', '2026-11-25 09:00:00.125'),
  (2, 'Tee', 3.20, '', '2026-11-25 09:01:00.000');
BEGIN;
UPDATE shop.products SET price = 4.90, tags = 'sale' WHERE id = 1;
DELETE FROM shop.products WHERE id = 2;
COMMIT;
SQL
echo "demo: sample writes done in database shop"

if "$bin/binlogo" dump --help >/dev/null 2>&1; then
  echo "demo: the row changes as binlogo's JSON messages:"
  "$bin/binlogo" dump --binlog-file "$BINLOGO_MYSQL_DATADIR/$first_binlog" | grep '"database":"shop"' 
else
  echo "demo: binlogo is built and the sandbox runs; \`binlogo dump\` and the daemon are not there yet, so no messages to show."
fi
