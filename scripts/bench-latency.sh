#!/usr/bin/env bash
# Commit-to-arrival latency alone (scripts/bench.sh runs it too): binlogo (release build, default
# linger.ms) into the mock cluster at a steady rate (default 5000 rows/s for 20 s), measured by
# scripts/bench_latency.py.
#
#   bash scripts/bench-latency.sh [RATE] [SECONDS] [PROFILE]
#
# PROFILE exactly_once: into noida-db, read back read_committed (commit to visible).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
rate=${1:-5000} duration=${2:-20} profile=${3:-idempotent}

bench_start bench-latency
bench_latency "$rate" "$duration" "$profile"
printf 'machine: %s\n' "$(machine)"
echo "$bench_latency"
