#!/usr/bin/env bash
# Measures noida-db, the test bench's transactional Kafka broker, on this machine: one librdkafka
# producer writing COUNT records of SIZE bytes to one partition (idempotent, then transactional with
# a commit every 100 ms or 10,000 records), the broker's memory, its data folder, how long a stop
# (SIGTERM: it saves its state) and a start (until it answers) take with that data, and reading it all
# back read_committed. Each mode uses a fresh broker (scripts/noida-sandbox.sh) in a temporary folder.
#
#   scripts/bench-noida.sh [COUNT [SIZE]]        defaults: 1000000 records of 300 bytes
#
# The probe (scripts/kafka-probe.c, also useful by hand) is compiled into the temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-1000000}
size=${2:-300}
work=$(mktemp -d /tmp/binlogo-bench-noida.XXXXXX)
trap 'bash scripts/noida-sandbox.sh stop "$work/noida" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cc -O2 -o "$work/kafka-probe" scripts/kafka-probe.c $(pkg-config --cflags --libs rdkafka)
probe="$work/kafka-probe"

seconds_since() { echo "$(date +%s.%N) - $1" | bc; }
memory() { awk '/VmRSS|VmHWM/ {printf "%s %d MB  ", $1, $2 / 1024}' "/proc/$1/status"; }

for mode in idempotent transactional; do
  echo "== $mode: $count records of $size bytes, one producer, one partition"
  rm -rf "$work/noida"
  bash scripts/noida-sandbox.sh start "$work/noida" >/dev/null
  . "$work/noida/env"
  "$probe" produce "$BINLOGO_NOIDA_BOOTSTRAP" bench "$count" "$size" "$mode" 100 10000
  echo "noida-db after producing: $(memory "$BINLOGO_NOIDA_PID")"
  started=$(date +%s.%N)
  bash scripts/noida-sandbox.sh stop "$work/noida"
  echo "stop (SIGTERM, saves the state): $(seconds_since "$started") s; data folder: $(du -sm "$BINLOGO_NOIDA_DATADIR" | cut -f1) MB"
  started=$(date +%s.%N)
  bash scripts/noida-sandbox.sh start "$work/noida" >/dev/null
  echo "start until it answers a metadata request: $(seconds_since "$started") s"
  . "$work/noida/env"
  "$probe" consume "$BINLOGO_NOIDA_BOOTSTRAP" bench read_committed
  echo "noida-db after loading and serving the read: $(memory "$BINLOGO_NOIDA_PID")"
  bash scripts/noida-sandbox.sh stop "$work/noida"
done
