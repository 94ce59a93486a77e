#!/usr/bin/env bash
# The formats' proof with Apache Flink's own readers (issue 18; Docs/message-format.md, "Read by Flink"):
# a table of every column type Flink has a SQL type for gets 100 rows, then `binlogo run` with
# `snapshot: initial` and each format on stdout reads them while a workload inserts, updates (a primary
# key change too) and deletes 400 times; Flink's `debezium-json` / `maxwell-json` / `canal-json` read the messages
# (a filesystem table, streaming mode, bounded), the changelog is applied by primary key, and the table
# Flink rebuilt must equal SELECT * on the server (scripts/flink_formats.py). Each message is also
# compared, field by field, with the original tool's documented layout (scripts/format_layouts.py).
# With `--values original` (the tools' own encodings, which Flink's readers do not all take) only the
# layouts are compared.
#
#   bash scripts/flink-formats.sh [--server mysql] [--formats debezium,maxwell,canal] [--values original]
#
# Needs PyPI's apache-flink (pinned below; it runs on the machine's Java 17) and about a minute per format.
set -euo pipefail
cd "$(dirname "$0")/.."
bench_server=mariadb
formats=debezium,maxwell,canal
values=flink
while [ $# -gt 0 ]; do
  case "$1" in
    --server) bench_server=${2:?--server takes mariadb or mysql}; shift ;;
    --formats) formats=${2:?--formats takes a list}; shift ;;
    --values) values=${2:?--values takes flink or original}; shift ;;
    *) echo "usage: bash scripts/flink-formats.sh [--server mysql] [--formats debezium,maxwell,canal] [--values original]" >&2; exit 2 ;;
  esac
  shift
done
flink_version=2.3.0
installed=$(python3 -c 'import importlib.metadata as m; print(m.version("apache-flink"))' 2>/dev/null || true)
if [ "$installed" != "$flink_version" ]; then
  echo "flink-formats: installing apache-flink $flink_version" >&2
  python3 -m pip install --quiet "apache-flink==$flink_version"
fi
. scripts/bench-lib.sh
bench_start flink

failed=0
for format in ${formats//,/ }; do
  case "$format" in
    debezium) reader=debezium-json options="format: debezium" ;;
    # Flink's maxwell-json reads no bootstrap messages: the snapshot's rows as plain inserts.
    maxwell) reader=maxwell-json options="format: maxwell, snapshot_as_insert: true" ;;
    canal) reader=canal-json options="format: canal" ;;
    *) echo "flink-formats: unknown format $format" >&2; exit 2 ;;
  esac
  python3 scripts/flink_formats.py prepare 127.0.0.1 "$BINLOGO_MYSQL_PORT"
  port=$(free_port)
  cat >"$work/flink.yaml" <<YAML
node_name: flink
state_dir: $work/state-flink-$format
log: {level: warning, format: text}
http: {enabled: true, listen: "127.0.0.1:$port"}
pipelines:
  - name: flink
    mysql: {host: 127.0.0.1, port: $BINLOGO_MYSQL_PORT, user: root, server_id: 9301, start: current}
    filters: {include: ["flinkcheck.types"]}
    snapshot: {mode: initial, chunk_rows: 30}
    output: {$options, values: $values, stdout: {}}
YAML
  rm -rf "$work/state-flink-$format"
  "$bin/binlogo" run --config "$work/flink.yaml" >"$work/messages-$format.all" 2>"$work/daemon.log" &
  daemon_pid=$!
  python3 scripts/flink_formats.py workload 127.0.0.1 "$BINLOGO_MYSQL_PORT"
  # Until the daemon's count of written messages stays put for a second.
  last=-1
  while true; do
    read_acknowledged "$port" flink
    [ -n "$acknowledged" ] && [ "$acknowledged" = "$last" ] && break
    last=${acknowledged:--1}
    sleep 1
  done
  kill -TERM "$daemon_pid" && wait "$daemon_pid" || true
  daemon_pid=""
  # Tombstones (null values) are Kafka's; Flink's Kafka source skips them, a file has no such thing.
  grep -v '^null$' "$work/messages-$format.all" >"$work/messages-$format.json"
  python3 scripts/format_layouts.py "$format" "$values" "$work/messages-$format.json" || failed=1
  if [ "$values" = flink ]; then
    printf '%s (%s messages): ' "$format" "$(wc -l <"$work/messages-$format.json")"
    python3 scripts/flink_formats.py check 127.0.0.1 "$BINLOGO_MYSQL_PORT" "$reader" "$work/messages-$format.json" 2>"$work/flink.log" \
      || { failed=1; tail -5 "$work/flink.log" >&2; }
  fi
done
exit "$failed"
