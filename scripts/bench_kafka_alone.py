"""The Kafka side alone, for "what bounds end to end": COUNT ready-made messages of BYTES bytes in
all, produced through librdkafka (confluent-kafka) with the daemon's idempotent settings (acks=all,
idempotence, retries 10, linger.ms 5, one producer, librdkafka's buffer capped at 16 MiB and
50,000 messages) into the mock cluster, until the last is acknowledged. Prints the seconds from the first produce to
the end of the flush. With small messages Python's loop, not Kafka, sets the pace: a bound from above.
(confluent-kafka from PyPI brings its own librdkafka, newer than the daemon's 2.0.2.)

    python3 scripts/bench_kafka_alone.py BOOTSTRAP TOPIC COUNT BYTES
"""
import sys
import time

from confluent_kafka import Producer

bootstrap, topic, count, total = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
value = b"x" * max(1, total // count)
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "retries": 10, "linger.ms": 5,
                     "queue.buffering.max.kbytes": 16384, "queue.buffering.max.messages": 50000})
producer.list_topics(topic, timeout=10)  # connected and the topic known before the clock starts
began = time.monotonic()
for index in range(count):
    while True:
        try:
            producer.produce(topic, key=b'{"id":%d}' % index, value=value)
            break
        except BufferError:
            producer.poll(0.001)
    producer.poll(0)
left = producer.flush(120)
if left:
    sys.exit(f"bench_kafka_alone: {left} messages not acknowledged")
print(f"{time.monotonic() - began:.4f}")
