"""Commit-to-arrival latency through binlogo at a steady rate: a writer commits transactions of
ROWS_PER_COMMIT rows at RATE rows/s into DATABASE.t and records each row's commit time; a consumer
(read_committed: under the exactly_once profile, a row arrives when its Kafka transaction commits)
records when each row's message arrives in Kafka. Prints p50/p99/max in milliseconds.

    python3 scripts/bench_latency.py HOST PORT BOOTSTRAP TOPIC [RATE] [SECONDS] [DATABASE]
"""
import json
import sys
import threading
import time

import pymysql
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

host, port, bootstrap, topic = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rate = int(sys.argv[5]) if len(sys.argv) > 5 else 5000
duration = float(sys.argv[6]) if len(sys.argv) > 6 else 20
database = sys.argv[7] if len(sys.argv) > 7 else "latency"
rows_per_commit = 10

committed = {}
arrived = {}
done = threading.Event()


def partitions_of(consumer):
    """The topic's partitions, the topic created first (8 partitions) when the broker does not know it:
    the mock cluster's is made at its start, noida-db creates none before binlogo's first message, and a
    consumer assigned no partition would wait for nothing."""
    for _ in range(100):
        metadata = consumer.list_topics(topic, timeout=10).topics[topic]
        if metadata.error is None and metadata.partitions:
            return sorted(metadata.partitions)
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for future in admin.create_topics([NewTopic(topic, num_partitions=8, replication_factor=1)]).values():
            try:
                future.result(10)
            except Exception as error:  # made meanwhile by binlogo or another run: fine, asked again above
                print(f"bench_latency: create topic {topic}: {error}", file=sys.stderr)
        time.sleep(0.1)
    sys.exit(f"bench_latency: topic {topic} has no partitions on {bootstrap}")


def consume(consumer):
    while not (done.is_set() and len(arrived) >= len(committed)):
        message = consumer.poll(0.05)
        if message is None or message.error():
            continue
        now = time.monotonic()
        row = json.loads(message.value())["data"].get("new")
        if row:
            arrived.setdefault(row["id"], now)
    consumer.close()


# Fetch at once rather than waiting up to fetch.wait.max.ms (500 ms) for more data: measure binlogo, not the consumer.
# Large responses allowed: noida-db answers a fetch with everything it holds after the offset.
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "latency", "enable.auto.commit": False,
                     "fetch.wait.max.ms": 5, "fetch.error.backoff.ms": 5, "isolation.level": "read_committed",
                     "receive.message.max.bytes": 1000000000})
partitions = partitions_of(consumer)
# From the end, only new messages: each partition's end asked for (noida-db does not resolve OFFSET_END).
ends = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions]
consumer.assign([TopicPartition(topic, p, end) for p, end in zip(partitions, ends)])
reader = threading.Thread(target=consume, args=(consumer,))
reader.start()
time.sleep(2)  # the consumer is assigned before the first write
connection = pymysql.connect(host=host, port=port, user="root", database=database, autocommit=False)
cursor = connection.cursor()
interval = rows_per_commit / rate
next_id, started = 1, time.monotonic()
while time.monotonic() - started < duration:
    values = ",".join(f"({i})" for i in range(next_id, next_id + rows_per_commit))
    cursor.execute(f"INSERT INTO t (id) VALUES {values}")
    connection.commit()
    now = time.monotonic()
    for i in range(next_id, next_id + rows_per_commit):
        committed[i] = now
    next_id += rows_per_commit
    delay = started + (next_id - 1) / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
done.set()
reader.join(60)
latencies = sorted((arrived[i] - committed[i]) * 1000 for i in committed if i in arrived)
missing = len(committed) - len(latencies)
if not latencies:
    sys.exit(f"bench_latency: none of {len(committed)} rows reached {topic} on {bootstrap} within 60 s of the last commit")
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"latency at {rate} rows/s for {duration:.0f} s ({len(committed)} rows, {missing} not arrived): "
      f"p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
