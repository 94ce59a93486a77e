#!/usr/bin/env bash
# The main job on an embedded default: installs what is missing, builds binlogo in release mode,
# starts a sandbox MariaDB and the mock Kafka cluster, runs the daemon with the sample pipeline
# (config/pipelines.d/shop.yaml, pointed at the sandbox and the mock cluster), makes a few sample
# writes and shows the JSON messages that reached Kafka.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)

. scripts/bench-servers.sh
servers_start demo "$bin/binlogo-kafka-mock"
echo "demo: MariaDB sandbox on $BINLOGO_MYSQL_HOST:$BINLOGO_MYSQL_PORT, Kafka mock cluster at $BINLOGO_KAFKA_BOOTSTRAP"

# The sample pipeline, with the sandbox's address and user and the mock cluster's brokers.
mkdir -p "$work/config/pipelines.d"
sed -e "s/^  port: 3306/  port: $BINLOGO_MYSQL_PORT/" \
    -e "s/^  user: binlogo .*/  user: root/" \
    -e "/^  password_file:/d" \
    -e "s/^  server_id: .*/  server_id: 1001/" \
    -e "s/brokers: \[.*\]/brokers: [\"$BINLOGO_KAFKA_BOOTSTRAP\"]/" \
    config/pipelines.d/shop.yaml >"$work/config/pipelines.d/shop.yaml"
cat >"$work/config/binlogo.yaml" <<YAML
node_name: demo
state_dir: $work/state
log: {level: info, format: text}
http: {enabled: false}
YAML
"$bin/binlogo" check --config "$work/config/binlogo.yaml"

sql() { mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot "$@"; }
sql -e "CREATE DATABASE shop; CREATE TABLE shop.products (
  id BIGINT UNSIGNED PRIMARY KEY, name VARCHAR(100) NOT NULL, price DECIMAL(10,2) NOT NULL,
  tags SET('new','sale','eco'), added DATETIME(3) NOT NULL)"

"$bin/binlogo" run --config "$work/config/binlogo.yaml" 2>"$work/daemon.log" &
daemon_pid=$!
for _ in $(seq 1 100); do grep -q streaming "$work/daemon.log" && break; sleep 0.1; done
echo "demo: binlogo is streaming (log: $work/daemon.log)"

sql <<'SQL'
INSERT INTO shop.products VALUES
  (1, 'Kaffee ☕', 4.50, 'new,eco', '2026-11-25 09:00:00.125'),
  (2, 'Tee', 3.20, '', '2026-11-25 09:01:00.000');
BEGIN;
UPDATE shop.products SET price = 4.90, tags = 'sale' WHERE id = 1;
DELETE FROM shop.products WHERE id = 2;
COMMIT;
SQL
echo "demo: sample writes done; the messages in topic binlogo.shop.products:"
sleep 2
kcat -C -b "$BINLOGO_KAFKA_BOOTSTRAP" -t binlogo.shop.products -o beginning -e -q \
  -f 'partition %p offset %o key %k\n%s\n\n'
kill -TERM "$daemon_pid" && wait "$daemon_pid" && daemon_pid=""
echo "demo: binlogo stopped cleanly; its checkpoint: $(cat "$work/state/shop.position.json")"
