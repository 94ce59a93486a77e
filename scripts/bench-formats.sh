#!/usr/bin/env bash
# The message formats' cost (Docs/benchmarks.md, "Message formats"): the Bulk workload end to end into
# the mock cluster in each `output.format`, alternately, ROUNDS times; each format's best run. The
# formats' target: none slower than binlogo's own by more than 15 %. bench.sh runs it as its last step.
#
#   bash scripts/bench-formats.sh [--rows 500000] [--rounds 3] [--server mysql]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=500000 rounds=3 bench_server=mariadb
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=${2:?--rows takes a number}; shift ;;
    --rounds) rounds=${2:?--rounds takes a number}; shift ;;
    --server) bench_server=${2:?--server takes mariadb or mysql}; shift ;;
    *) echo "usage: bash scripts/bench-formats.sh [--rows 500000] [--rounds 3] [--server mysql]" >&2; exit 2 ;;
  esac
  shift
done
. scripts/bench-lib.sh
bench_start formats
calc() { printf "%.${1}f" "$(echo "$2" | bc -l)"; }
thousands() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

bench_generate bulk "$rows"
# binlogo's messages (rows and DDL), its row changes, and the deletes (Debezium follows each with a tombstone).
read -r changes messages deletes < <("$bin/binlogo" dump --binlog-file "$bench_file" \
  | awk '/"type":"(insert|update|delete)"/ { rows++ } /"type":"delete"/ { deletes++ } END { print rows + 0, NR, deletes + 0 }')
kafka_control "create-topic e2e 1 1" || true  # Debezium's DDL goes to the topic named like the pipeline
formats=(binlogo debezium maxwell canal)
declare -A expected=([binlogo]=$messages [debezium]=$((messages + deletes)) [maxwell]=$changes [canal]=$messages)
declare -A best cpu rss
for round in $(seq 1 "$rounds"); do
  for format in "${formats[@]}"; do
    BINLOGO_BENCH_OUTPUT_OPTIONS="format: $format" bench_e2e "bench.bulk" "$bench_start_pos" "${expected[$format]}" 9006
    printf 'bench-formats: round %s %-8s %.2f s, %.2f CPU-s (%s)\n' "$round" "$format" "$bench_e2e_seconds" "$bench_e2e_cpu" "$bench_e2e_threads" >&2
    if [ -z "${best[$format]:-}" ] || [ "$(calc 0 "$bench_e2e_seconds < ${best[$format]}")" = 1 ]; then
      best[$format]=$bench_e2e_seconds cpu[$format]=$bench_e2e_cpu rss[$format]=$bench_e2e_rss_mib
    fi
  done
done

printf '\nBulk (%s row changes) end to end into the mock cluster by output.format, best of %s, %s:\n\n' \
  "$(thousands "$changes")" "$rounds" "$(machine)"
printf '| %-9s | %9s | %12s | %8s | %13s | %12s |\n' format messages "e2e rows/s" CPU-s/M "peak RSS MiB" "vs binlogo"
printf '| %-9s | %9s | %12s | %8s | %13s | %12s |\n' --- ---: ---: ---: ---: ---:
for format in "${formats[@]}"; do
  printf '| %-9s | %9s | %12s | %8s | %13s | %12s |\n' "$format" "$(thousands "${expected[$format]}")" \
    "$(thousands "$(calc 0 "$changes / ${best[$format]}")")" "$(calc 2 "${cpu[$format]} * 1000000 / $changes")" "${rss[$format]}" \
    "$(calc 2 "${best[binlogo]} / ${best[$format]}")x"
done
