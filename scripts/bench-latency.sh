#!/usr/bin/env bash
# Commit-to-arrival latency alone (scripts/bench.sh runs it too): binlogo (release build, default
# linger.ms) into the mock cluster at a steady rate (default 5000 rows/s for 20 s), measured by
# scripts/bench_latency.py.
#
#   bash scripts/bench-latency.sh [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
rate=${1:-5000} duration=${2:-20}

bench_start bench-latency
bench_latency "$rate" "$duration"
printf 'machine: %s\n' "$(machine)"
echo "$bench_latency"
