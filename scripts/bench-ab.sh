#!/usr/bin/env bash
# Compares two builds of the daemon on the same binlog, alternately, in one invocation: on these
# noisy hosts only runs taken side by side say whether a change made the catch-up faster.
#
#   bash scripts/bench-ab.sh BASELINE_BIN_DIR [WORKLOAD] [ROWS] [ROUNDS]
#       e.g. git worktree add /tmp/base HEAD~1 && (cd /tmp/base && swift build -c release --product binlogo)
#            bash scripts/bench-ab.sh /tmp/base/.build/release bulk 500000 4
#
# A is the daemon in BASELINE_BIN_DIR, B the release build of this checkout. WORKLOAD is one of
# scripts/bench-lib.sh's (bulk, oltp, large, wide; default bulk). Each round runs the end-to-end
# catch-up of A then B and prints seconds, changes/s, the daemon's CPU seconds per million changes
# and the CPU of its threads.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
baseline=${1:?usage: bash scripts/bench-ab.sh BASELINE_BIN_DIR [WORKLOAD] [ROWS] [ROUNDS]}
workload=${2:-bulk} rows=${3:-500000} rounds=${4:-4}
[ -x "$baseline/binlogo" ] || { echo "bench-ab: no binlogo in $baseline" >&2; exit 2; }

bench_start ab
bench_generate "$workload" "$rows"
bench_decode "$bench_file"  # counts the messages the daemon will send
candidate=$bin
for round in $(seq 1 "$rounds"); do
  for variant in A B; do
    if [ $variant = A ]; then bin=$baseline; else bin=$candidate; fi
    bench_e2e "bench.$workload" "$bench_start_pos" "$bench_dump_messages"
    printf '%s round %s: %.2f s, %.0f changes/s, %.2f CPU-s per million; %s\n' $variant "$round" "$bench_e2e_seconds" \
      "$(echo "$bench_changes / $bench_e2e_seconds" | bc -l)" "$(echo "$bench_e2e_cpu * 1000000 / $bench_changes" | bc -l)" \
      "$bench_e2e_threads"
  done
done
