"""The do-it-yourself alternative binlogo is compared with: python-mysql-replication reading the
binlog and confluent-kafka producing one JSON message per row change (acks=all, idempotence),
the way a short in-house script would. Prints the row changes it sent.

    python3 scripts/bench_diy.py HOST PORT FILE POSITION BOOTSTRAP TOPIC
"""
import json
import sys

from confluent_kafka import Producer
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

host, port, log_file, log_pos, bootstrap, topic = sys.argv[1:7]
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True, "linger.ms": 5})
stream = BinLogStreamReader(
    connection_settings={"host": host, "port": int(port), "user": "root", "passwd": ""},
    server_id=9002, log_file=log_file, log_pos=int(log_pos), resume_stream=True, blocking=False,
    only_events=[WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent])


def plain(value):
    """MySQL's JSON columns come back with bytes keys, which json.dumps refuses."""
    if isinstance(value, dict):
        return {k.decode() if isinstance(k, bytes) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


sent = 0
for event in stream:
    kind = {WriteRowsEvent: "insert", UpdateRowsEvent: "update", DeleteRowsEvent: "delete"}[type(event)]
    for row in event.rows:
        data = {"new": row["after_values"], "old": row["before_values"]} if kind == "update" else \
            {"new": row["values"]} if kind == "insert" else {"old": row["values"]}
        image = data.get("new") or data.get("old")
        message = {"head": {"type": kind, "time": event.timestamp, "database": event.schema, "table": event.table,
                            "position": {"binlog_file": stream.log_file, "binlog_position": stream.log_pos}},
                   "data": data}
        value = json.dumps(plain(message), default=str)
        while True:
            try:
                producer.produce(topic, key=json.dumps({"id": image.get("id")}), value=value)
                break
            except BufferError:
                producer.poll(0.01)
        producer.poll(0)
        sent += 1
stream.close()
producer.flush(120)
print(sent)
