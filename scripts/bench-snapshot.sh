#!/usr/bin/env bash
# Snapshot speed and its cost to writers (Docs/benchmarks.md, "Snapshots"): a table of ROWS rows with
# the Bulk workload's 11 mixed columns, read
#   - by the server's own dump tool to /dev/null, in one consistent read (mariadb-dump, or MySQL's
#     mysqldump, --single-transaction), and
#   - by `binlogo run` with `snapshot: initial` (chunks of 10,000 rows) into the mock cluster, timed until
#     Kafka acknowledged every row; the daemon's peak RSS;
#   - the same into `output: stdout` sent to /dev/null, where the dump tool writes;
# then a writer's commit latency (200 single-row UPDATEs a second) alone, while the dump tool reads the
# table over and over (the reference), and while a second snapshot of the table runs (at full speed, or
# at --rows-per-second, the setting that spreads a snapshot's load).
#
#   bash scripts/bench-snapshot.sh [--rows 2000000] [--server mysql] [--rows-per-second N]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=2000000
bench_server=mariadb
limit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=${2:?--rows takes a number}; shift ;;
    --server) bench_server=${2:?--server takes mariadb or mysql}; shift ;;
    --rows-per-second) limit=${2:?--rows-per-second takes a number}; shift ;;
    *) echo "usage: bash scripts/bench-snapshot.sh [--rows 2000000] [--server mysql] [--rows-per-second N]" >&2; exit 2 ;;
  esac
  shift
done
. scripts/bench-lib.sh
bench_start snapshot

log() { printf 'bench-snapshot: %s\n' "$*" >&2; }
calc() { printf "%.${1}f" "$(echo "$2" | bc -l)"; }
thousands() { printf '%s' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
log "filling bench.snap with $rows rows"
bench_snapshot_fill snap "$rows"
log "filled in $(calc 1 "$bench_snapshot_fill_seconds") s"
dump_tool=mariadb-dump; [ "$bench_server" = mysql ] && dump_tool=mysqldump
bench_snapshot_dump snap
bench_snapshot_dump snap  # the second read, with the table in the buffer pool as for the snapshot
dump_seconds=$bench_snapshot_dump_seconds
log "$dump_tool --single-transaction: $(calc 2 "$dump_seconds") s"
bench_snapshot snap "$rows"
snapshot_seconds=$bench_e2e_seconds snapshot_rss=$bench_e2e_rss_mib
log "binlogo snapshot: $(calc 2 "$snapshot_seconds") s, peak RSS $snapshot_rss MiB (daemon CPU $(calc 1 "$bench_e2e_cpu") s: $bench_e2e_threads)"
# The like-for-like of the dump tool: the same snapshot written to /dev/null (output: stdout).
BINLOGO_BENCH_STDOUT=1 bench_snapshot snap "$rows"
stdout_seconds=$bench_e2e_seconds stdout_rss=$bench_e2e_rss_mib
log "binlogo snapshot to /dev/null: $(calc 2 "$stdout_seconds") s, peak RSS $stdout_rss MiB (daemon CPU $(calc 1 "$bench_e2e_cpu") s: $bench_e2e_threads)"

bench_writer_latency snap "$rows" 10
alone=$bench_writer
# The reference: the same writer while the dump tool reads the table again and again.
python3 scripts/bench_writer.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" bench snap "$rows" 200 10 >"$work/writer-dump.out" &
writer_pid=$!
while kill -0 "$writer_pid" 2>/dev/null; do bench_snapshot_dump snap; done
wait "$writer_pid"
during_dump=$(cat "$work/writer-dump.out")
python3 scripts/bench_writer.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" bench snap "$rows" 200 10 >"$work/writer.out" &
writer_pid=$!
bench_snapshot snap "$(( limit ? (rows < limit * 10 ? rows : limit * 10) : rows ))" 9102 "$limit"
wait "$writer_pid"
during=$(cat "$work/writer.out")

# The same three writer runs with the server on a core of its own, as where the daemon and Kafka run on
# other machines: the server and the writer (the application) on core 1; the daemon, the mock cluster and
# the dump tool on core 0. What is left of the writer's slowdown is the snapshot's load on the server
# (its reads, and any lock), without the daemon's and Kafka's CPU taking the server's core.
cores=$(nproc)
if [ "$cores" -ge 2 ]; then
  server_pid=$(cat "$server_dir/mysqld.pid")
  taskset -a -cp 1 "$server_pid" >/dev/null
  taskset -a -cp 0 "$kafka_pid" >/dev/null
  taskset -cp 0 $$ >/dev/null  # this script, and so the dump tool and the daemon it starts
  separate_writer() { taskset -c 1 python3 scripts/bench_writer.py 127.0.0.1 "$BINLOGO_MYSQL_PORT" bench snap "$rows" 200 10; }
  separate_alone=$(separate_writer)
  separate_writer >"$work/writer-dump-separate.out" &
  writer_pid=$!
  while kill -0 "$writer_pid" 2>/dev/null; do bench_snapshot_dump snap; done
  wait "$writer_pid"
  separate_dump=$(cat "$work/writer-dump-separate.out")
  separate_writer >"$work/writer-separate.out" &
  writer_pid=$!
  bench_snapshot snap "$(( limit ? (rows < limit * 10 ? rows : limit * 10) : rows ))" 9103 "$limit"
  wait "$writer_pid"
  separate_during=$(cat "$work/writer-separate.out")
  for pid in "$server_pid" "$kafka_pid" $$; do taskset -a -cp "0-$((cores - 1))" "$pid" >/dev/null; done
fi

dump_rate=$(calc 0 "$rows / $dump_seconds")
snapshot_rate=$(calc 0 "$rows / $snapshot_seconds")
stdout_rate=$(calc 0 "$rows / $stdout_seconds")
printf '\nsnapshot of %s rows (%s), %s:\n' "$(thousands "$rows")" "$bench_server" "$(machine)"
printf '  %-48s %12s rows/s\n' "$dump_tool --single-transaction > /dev/null" "$(thousands "$dump_rate")"
printf '  %-48s %12s rows/s   ratio %s   peak RSS %s MiB\n' "binlogo snapshot: initial → mock cluster" "$(thousands "$snapshot_rate")" \
  "$(calc 2 "$snapshot_rate / $dump_rate")" "$snapshot_rss"
printf '  %-48s %12s rows/s   ratio %s   peak RSS %s MiB\n' "binlogo snapshot: initial → stdout > /dev/null" "$(thousands "$stdout_rate")" \
  "$(calc 2 "$stdout_rate / $dump_rate")" "$stdout_rss"
read -r a50 a99 amax acount <<<"$alone"
read -r d50 d99 dmax dcount <<<"$during"
read -r r50 r99 rmax rcount <<<"$during_dump"
printf '  writer commit latency, 200/s: alone p50 %s ms p99 %s ms (%s commits); during a snapshot%s p50 %s ms p99 %s ms (%s commits); p99 ratio %s\n' \
  "$a50" "$a99" "$acount" "${limit:+ at $limit rows/s}" "$d50" "$d99" "$dcount" "$(calc 2 "$d99 / $a99")"
printf '  writer commit latency during %s (the reference): p50 %s ms p99 %s ms (%s commits); p99 ratio %s\n' \
  "$dump_tool" "$r50" "$r99" "$rcount" "$(calc 2 "$r99 / $a99")"
if [ -n "${separate_alone:-}" ]; then
  read -r a50 a99 amax acount <<<"$separate_alone"
  read -r d50 d99 dmax dcount <<<"$separate_during"
  read -r r50 r99 rmax rcount <<<"$separate_dump"
  printf '  the server and the writer on core 1, the rest on core 0: writer alone p50 %s ms p99 %s ms; during a snapshot%s p50 %s ms p99 %s ms, p99 ratio %s; during %s p50 %s ms p99 %s ms, p99 ratio %s\n' \
    "$a50" "$a99" "${limit:+ at $limit rows/s}" "$d50" "$d99" "$(calc 2 "$d99 / $a99")" "$dump_tool" "$r50" "$r99" "$(calc 2 "$r99 / $a99")"
fi
