"""A writer's commit latency: single-row UPDATEs, each its own transaction (autocommit), at RATE
commits/s for SECONDS against DATABASE.TABLE (ids 1…ROWS, column score). Prints
`p50 p99 max commits` (milliseconds), for the snapshot benchmark: run alone, then during a snapshot.

    python3 scripts/bench_writer.py HOST PORT DATABASE TABLE ROWS RATE SECONDS
"""
import random
import sys
import time

import pymysql

host, port, database, table = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows, rate, duration = int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])

connection = pymysql.connect(host=host, port=port, user="root", database=database, autocommit=True)
cursor = connection.cursor()
generator = random.Random(7)
latencies = []
began = time.monotonic()
next_at = began
while time.monotonic() - began < duration:
    now = time.monotonic()
    if now < next_at:
        time.sleep(next_at - now)
    next_at += 1 / rate
    started = time.monotonic()
    cursor.execute(f"UPDATE {table} SET score = score + 1 WHERE id = %s", (generator.randint(1, rows),))
    latencies.append((time.monotonic() - started) * 1000)
latencies.sort()


def percentile(fraction):
    return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))]


print(f"{percentile(0.5):.2f} {percentile(0.99):.2f} {latencies[-1]:.2f} {len(latencies)}")
