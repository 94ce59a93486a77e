#!/usr/bin/env bash
# End-to-end catch-up benchmark alone, on the Bulk workload (scripts/bench.sh runs it for every
# workload and prints the whole table): the binlog already written, binlogo started at its beginning,
# streaming through the daemon into the mock Kafka cluster with acks=all and idempotence, until Kafka
# acknowledged the last message.
#
#   bash scripts/bench-e2e.sh [ROWS]        (default 500000 inserted rows)
#
# Then the same catch-up by scripts/bench_diy.py (python-mysql-replication + confluent-kafka, from
# PyPI), the alternative users would write themselves, and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-lib.sh
rows=${1:-500000}

bench_start bench-e2e
bench_generate bulk "$rows"
bench_decode "$bench_file"  # counts the messages the daemon will send (and times the decode)
bench_e2e bench.bulk "$bench_start_pos" "$bench_dump_messages"
bench_diy "$bench_start_pos"

changes=$bench_changes seconds=$bench_e2e_seconds
printf 'machine: %s\n' "$(machine)"
printf 'workload: %s inserts, %s updates, %s deletes; %s bytes of binlog\n' "$rows" $((rows / 5)) $(((rows + 9) / 10)) "$bench_bytes"
printf 'catch-up to the last acknowledgement (acks=all, idempotence): %.2f s (%s messages acknowledged)\n' "$seconds" "$bench_e2e_acked"
printf 'throughput: %.0f row changes/s, %.1f MB/s of binlog\n' "$(echo "$changes / $seconds" | bc -l)" "$(echo "$bench_bytes / $seconds / 1000000" | bc -l)"
printf 'daemon CPU: %.2f s (%.2f CPU-seconds per million row changes; by thread: %s); peak RSS %d MiB\n' \
  "$bench_e2e_cpu" "$(echo "$bench_e2e_cpu * 1000000 / $changes" | bc -l)" "$bench_e2e_threads" "$bench_e2e_rss_mib"
printf 'meanwhile: mariadbd %.2f CPU-s, mock cluster %.2f CPU-s\n' "$bench_e2e_server_cpu" "$bench_e2e_mock_cpu"
printf 'DIY python-mysql-replication + confluent-kafka: %s changes in %.2f s, %.0f row changes/s; binlogo / DIY: %.1fx\n' \
  "$bench_diy_sent" "$bench_diy_seconds" "$(echo "$bench_diy_sent / $bench_diy_seconds" | bc -l)" "$(echo "$bench_diy_seconds / $seconds" | bc -l)"
