#!/usr/bin/env bash
# Decode benchmark alone: binlogo dump vs mariadb-binlog on the Bulk binlog (scripts/bench.sh runs it
# for every workload and prints the whole table).
#
#   bash scripts/bench-decode.sh [ROWS]        (default 500000 inserted rows)
#
# Generates the Bulk workload in a sandbox MariaDB (ROWS rows of 11 mixed columns inserted by
# multi-row INSERTs, then ROWS/5 UPDATEs and ROWS/10 DELETEs; see bench-lib.sh), then decodes the
# file with
#   binlogo dump --binlog-file F > /dev/null
#   mariadb-binlog --verbose --base64-output=decode-rows F > /dev/null
# on one core (taskset), best of 3 each, and prints row changes/s, MB/s and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
rows=${1:-500000}

bench_start bench-decode
bench_generate bulk "$rows"
bench_decode "$bench_file"

printf 'machine: %s\n' "$(machine)"
printf 'binlog: %s bytes, %s row changes (binlogo decoded %s)\n' "$bench_bytes" "$bench_changes" "$bench_dump_changes"
printf '%-16s %10s %14s %10s\n' tool seconds "row changes/s" "MB/s"
for tool in binlogo mariadb-binlog; do
  t=$bench_dump_seconds; [ "$tool" = mariadb-binlog ] && t=$bench_mariadb_binlog_seconds
  printf '%-16s %10.3f %14.0f %10.1f\n' "$tool" "$t" "$(echo "$bench_changes / $t" | bc -l)" "$(echo "$bench_bytes / $t / 1000000" | bc -l)"
done
printf 'ratio binlogo / mariadb-binlog (throughput): %.2f\n' "$(echo "$bench_mariadb_binlog_seconds / $bench_dump_seconds" | bc -l)"
