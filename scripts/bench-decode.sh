#!/usr/bin/env bash
# Decode benchmark: binlogo dump vs mariadb-binlog on the same binlog file, in one run.
#
#   bash scripts/bench-decode.sh [ROWS]        (default 500000 inserted rows)
#
# Generates a binlog in a sandbox MariaDB: ROWS rows of 11 mixed columns inserted by multi-row
# INSERTs, then ROWS/5 UPDATEs and ROWS/10 DELETEs; then decodes the file with
#   binlogo dump --binlog-file F > /dev/null
#   mariadb-binlog --verbose --base64-output=decode-rows F > /dev/null
# on one core (taskset), best of 3 each, and prints row changes/s, MB/s and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-500000}

bash scripts/install-deps.sh
swift build -c release --product binlogo >/dev/null
bin=$(swift build -c release --show-bin-path)

work=$(mktemp -d /tmp/binlogo-bench.XXXXXX)
trap 'bash scripts/mariadb-sandbox.sh stop "$work/mariadb" >/dev/null || true; rm -rf "$work"' EXIT
bash scripts/mariadb-sandbox.sh start "$work/mariadb" --max-binlog-size=1G >/dev/null
. "$work/mariadb/env"
sql() { mariadb --no-defaults --socket="$BINLOGO_MYSQL_SOCKET" -uroot "$@"; }

file=$(sql -N -e "FLUSH BINARY LOGS; SHOW MASTER STATUS" | cut -f1)
sql <<SQL
CREATE DATABASE bench;
USE bench;
CREATE TABLE bench.orders (
  id BIGINT PRIMARY KEY, customer INT NOT NULL, status ENUM('new','paid','shipped','cancelled') NOT NULL,
  amount DECIMAL(12,2) NOT NULL, code CHAR(8) NOT NULL, note VARCHAR(200), created DATETIME(6) NOT NULL,
  updated TIMESTAMP(3) NULL, flags BIT(8) NOT NULL, attrs JSON, score DOUBLE NOT NULL
);
SET SESSION max_heap_table_size = 1073741824;
INSERT INTO bench.orders
  SELECT seq, seq % 10007, ELT(1 + seq % 4, 'new','paid','shipped','cancelled'), (seq % 100000) / 100 + 0.5,
         LPAD(HEX(seq), 8, '0'), CONCAT('order note ', seq, ' ünïcödé'), '2026-11-25 10:00:00.123456' + INTERVAL seq SECOND,
         '2026-11-25 10:00:00.5' + INTERVAL seq SECOND, seq % 256, CONCAT('{"seq": ', seq, ', "tags": ["a", "b"]}'), seq / 7
  FROM seq_1_to_${rows};
UPDATE bench.orders SET status = 'paid', amount = amount + 1, updated = NOW(3) WHERE id % 5 = 0;
DELETE FROM bench.orders WHERE id % 10 = 1;
FLUSH BINARY LOGS;
SQL
binlog="$BINLOGO_MYSQL_DATADIR/$file"
size=$(stat -c %s "$binlog")
changes=$((rows + rows / 5 + rows / 10))

best() {  # best wall time of 3 runs of "$@", in seconds
  local best_time=""
  for _ in 1 2 3; do
    local start end
    start=$(date +%s.%N)
    taskset -c 0 "$@" >/dev/null
    end=$(date +%s.%N)
    local elapsed
    elapsed=$(echo "$end - $start" | bc -l)
    if [ -z "$best_time" ] || [ "$(echo "$elapsed < $best_time" | bc -l)" = 1 ]; then best_time=$elapsed; fi
  done
  echo "$best_time"
}

messages=$("$bin/binlogo" dump --binlog-file "$binlog" | grep -c '"type":"\(insert\|update\|delete\)"')
binlogo_time=$(best "$bin/binlogo" dump --binlog-file "$binlog")
mariadb_time=$(best mariadb-binlog --no-defaults --verbose --base64-output=decode-rows "$binlog")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
printf 'machine: %s cores, %s\n' "$(nproc)" "$cpu"
printf 'binlog: %s bytes, %s row changes (binlogo decoded %s)\n' "$size" "$changes" "$messages"
printf '%-16s %10s %14s %10s\n' tool seconds "row changes/s" "MB/s"
for tool in binlogo mariadb-binlog; do
  t=$binlogo_time; [ "$tool" = mariadb-binlog ] && t=$mariadb_time
  printf '%-16s %10.3f %14.0f %10.1f\n' "$tool" "$t" "$(echo "$changes / $t" | bc -l)" "$(echo "$size / $t / 1000000" | bc -l)"
done
printf 'ratio binlogo / mariadb-binlog (throughput): %.2f\n' "$(echo "$mariadb_time / $binlogo_time" | bc -l)"
