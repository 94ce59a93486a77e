#!/usr/bin/env python3
"""The formats test's workload and its check with Apache Flink's own readers (scripts/flink-formats.sh).

  flink_formats.py prepare HOST PORT            creates flinkcheck.types and its first rows (for the snapshot)
  flink_formats.py workload HOST PORT           inserts, updates (a key change too) and deletes while the daemon runs
  flink_formats.py check HOST PORT FORMAT FILE  feeds FILE (one message per line) to Flink's FORMAT reader
                                                (debezium-json, maxwell-json or canal-json) in streaming mode, applies the
                                                changelog by primary key, and compares the table with SELECT *

The expected rows come from the server (SELECT, in UTC), never from binlogo. Prints one line per
difference and a summary; exits 1 when the tables differ.
"""
import base64
import datetime
import decimal
import json
import os
import random
import shutil
import struct
import sys
import tempfile

import pymysql

# The table: every column type Flink has a SQL type for, and the Flink type each format reads it as.
COLUMNS = [
    ("c_tinyint", "TINYINT", "TINYINT"),
    ("c_smallint", "SMALLINT", "SMALLINT"),
    ("c_mediumint", "MEDIUMINT", "INT"),
    ("c_int", "INT", "INT"),
    ("c_bigint", "BIGINT", "BIGINT"),
    ("c_ubigint", "BIGINT UNSIGNED", "DECIMAL(20, 0)"),
    ("c_bool", "TINYINT(1)", "TINYINT"),
    ("c_decimal", "DECIMAL(12,4)", "DECIMAL(12, 4)"),
    ("c_float", "FLOAT", "FLOAT"),
    ("c_double", "DOUBLE", "DOUBLE"),
    ("c_char", "CHAR(10)", "STRING"),
    ("c_varchar", "VARCHAR(50)", "STRING"),
    ("c_text", "TEXT", "STRING"),
    ("c_binary", "BINARY(4)", "BYTES"),
    ("c_varbinary", "VARBINARY(20)", "BYTES"),
    ("c_blob", "BLOB", "BYTES"),
    ("c_date", "DATE", "DATE"),
    ("c_datetime", "DATETIME", "TIMESTAMP(0)"),
    ("c_datetime6", "DATETIME(6)", "TIMESTAMP(6)"),
    ("c_timestamp", "TIMESTAMP(3) NULL", "TIMESTAMP(3)"),
    ("c_time", "TIME", "TIME(0)"),
    ("c_year", "YEAR", "INT"),
    ("c_enum", "ENUM('x','y','z')", "STRING"),
    ("c_set", "SET('a','b','c')", {"debezium-json": "STRING", "maxwell-json": "ARRAY<STRING>", "canal-json": "STRING"}),
    ("c_json", "JSON", "STRING"),
    ("c_bit", "BIT(8)", "BIGINT"),
]


# Flink's TIMESTAMP columns, read back as text: PyFlink hands timestamps to Python in milliseconds.
TIMESTAMPS = {"c_datetime", "c_datetime6", "c_timestamp"}


def connect(host, port):
    connection = pymysql.connect(host=host, port=int(port), user="root", autocommit=True, binary_prefix=True)
    with connection.cursor() as cursor:
        cursor.execute("SET time_zone = '+00:00'")
    return connection


def random_row(rng, key):
    """A row of mixed values: edges, NULLs, non-ASCII text, binary with zero bytes."""
    def maybe(value):
        return None if rng.random() < 0.15 else value
    day = datetime.date(1970, 1, 2) + datetime.timedelta(days=rng.randrange(0, 24000))
    return {
        "id": key,
        "c_tinyint": maybe(rng.choice([-128, 0, 127, rng.randrange(-128, 128)])),
        "c_smallint": maybe(rng.randrange(-32768, 32768)),
        "c_mediumint": maybe(rng.choice([-8388608, 8388607, rng.randrange(-8388608, 8388608)])),
        "c_int": maybe(rng.randrange(-2**31, 2**31)),
        "c_bigint": maybe(rng.choice([-2**63, 2**63 - 1, rng.randrange(-2**63, 2**63)])),
        "c_ubigint": maybe(rng.choice([0, 2**64 - 1, rng.randrange(0, 2**64)])),
        "c_bool": maybe(rng.choice([0, 1, 5])),
        "c_decimal": maybe(decimal.Decimal(rng.randrange(-10**12 + 1, 10**12)) / 10000),
        "c_float": maybe(rng.choice([0.0, 3.25, -1.5e10, rng.uniform(-1e6, 1e6)])),
        "c_double": maybe(rng.choice([0.0, 1e-300, -2.5e300, rng.uniform(-1e9, 1e9)])),
        "c_char": maybe(rng.choice(["", "abc", "Grüße", "☕ x"])),
        "c_varchar": maybe(rng.choice(["", "plain", "quote \" and \\ back", "line\nbreak", "日本語 テキスト", "emoji 😀"])),
        "c_text": maybe("text " * rng.randrange(0, 50)),
        "c_binary": maybe(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 5)))),
        "c_varbinary": maybe(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 21)))),
        "c_blob": maybe(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))),
        "c_date": maybe(day),
        "c_datetime": maybe(datetime.datetime.combine(day, datetime.time(rng.randrange(24), rng.randrange(60), rng.randrange(60)))),
        "c_datetime6": maybe(datetime.datetime.combine(day, datetime.time(rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                                                          rng.randrange(1000000)))),
        "c_timestamp": maybe(datetime.datetime(2001, 1, 1) + datetime.timedelta(seconds=rng.randrange(0, 10**9),
                                                                                 milliseconds=rng.randrange(1000))),
        "c_time": maybe(datetime.timedelta(seconds=rng.randrange(0, 86400))),
        "c_year": maybe(rng.choice([1901, 2155, rng.randrange(1901, 2156)])),
        "c_enum": maybe(rng.choice(["x", "y", "z"])),
        "c_set": maybe(rng.choice(["", "a", "a,c", "a,b,c"])),
        "c_json": maybe(json.dumps(rng.choice([{"a": [1, 2.5, None, True]}, [], "text", 42, {"nested": {"k": "v ☕"}}]))),
        "c_bit": maybe(rng.randrange(256)),
    }


def insert(cursor, row):
    names = list(row)
    cursor.execute(f"INSERT INTO flinkcheck.types ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})",
                   [row[name] for name in names])


def prepare(host, port):
    connection = connect(host, port)
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS flinkcheck")
        cursor.execute("CREATE DATABASE flinkcheck")
        columns = ", ".join(f"{name} {sql}" for name, sql, _ in COLUMNS)
        cursor.execute(f"CREATE TABLE flinkcheck.types (id INT PRIMARY KEY, {columns})")
        rng = random.Random(1)
        for key in range(1, 101):
            insert(cursor, random_row(rng, key))


def workload(host, port):
    connection = connect(host, port)
    rng = random.Random(2)
    next_key = 101
    with connection.cursor() as cursor:
        for _ in range(400):
            choice = rng.random()
            cursor.execute("SELECT id FROM flinkcheck.types ORDER BY RAND(%s) LIMIT 1", [rng.randrange(10**6)])
            found = cursor.fetchone()
            if choice < 0.35 or found is None:
                insert(cursor, random_row(rng, next_key))
                next_key += 1
            elif choice < 0.75:
                row = random_row(rng, found[0])
                changed = rng.sample([name for name, _, _ in COLUMNS], 4)
                cursor.execute(f"UPDATE flinkcheck.types SET {', '.join(f'{name} = %s' for name in changed)} WHERE id = %s",
                               [row[name] for name in changed] + [found[0]])
            elif choice < 0.85:
                cursor.execute("UPDATE flinkcheck.types SET id = %s WHERE id = %s", [next_key, found[0]])
                next_key += 1
            else:
                cursor.execute("DELETE FROM flinkcheck.types WHERE id = %s", [found[0]])


def canonical(name, value):
    """A column's value from either side as one comparable form."""
    if value is None:
        return None
    if name == "c_float":
        return struct.unpack("f", struct.pack("f", float(value)))[0]
    if name == "c_ubigint":
        return int(value)
    if name in ("c_binary", "c_varbinary", "c_blob"):
        return base64.b64encode(bytes(value)).decode()
    if name == "c_bit":
        return int.from_bytes(value, "big") if isinstance(value, (bytes, bytearray)) else int(value)
    if name == "c_time":
        if isinstance(value, datetime.timedelta):
            seconds = int(value.total_seconds())
            return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"
        return value.strftime("%H:%M:%S")
    if name == "c_set":
        return ",".join(value) if isinstance(value, (list, tuple)) else value
    if name == "c_json":
        # Flink's STRING of an embedded JSON value (Maxwell's, MySQL's JSON type) is an object's or array's
        # text, but a string scalar's content without its quotes.
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, (bytes, bytearray)):
        return value.decode()
    if name in TIMESTAMPS and isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def server_rows(host, port):
    connection = connect(host, port)
    names = ["id"] + [name for name, _, _ in COLUMNS]
    with connection.cursor() as cursor:
        # FLOAT through a double: the server prints a FLOAT with 6 digits, not the value it holds.
        select = ["c_float + 0e0" if name == "c_float" else name for name in names]
        cursor.execute(f"SELECT {', '.join(select)} FROM flinkcheck.types")
        return {row[0]: {name: canonical(name, value) for name, value in zip(names, row)} for row in cursor.fetchall()}


def flink_rows(format_name, messages_file):
    from pyflink.table import EnvironmentSettings, TableEnvironment
    from pyflink.common import RowKind
    data = tempfile.mkdtemp(prefix="binlogo-flink-")
    shutil.copy(messages_file, os.path.join(data, "messages.json"))
    environment = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
    environment.get_config().set("parallelism.default", "1")
    columns = ", ".join(f"{name} {flink if isinstance(flink, str) else flink[format_name]}" for name, _, flink in COLUMNS)
    environment.execute_sql(f"""CREATE TABLE types (id INT, {columns}, PRIMARY KEY (id) NOT ENFORCED)
        WITH ('connector' = 'filesystem', 'path' = '{data}', 'format' = '{format_name}')""")
    names = ["id"] + [name for name, _, _ in COLUMNS]
    table = {}
    changes = 0
    select = ", ".join(f"CAST({name} AS STRING)" if name in TIMESTAMPS else name for name in names)
    with environment.execute_sql(f"SELECT {select} FROM types").collect() as results:
        for row in results:
            changes += 1
            values = {name: canonical(name, value) for name, value in zip(names, row)}
            if row.get_row_kind() in (RowKind.INSERT, RowKind.UPDATE_AFTER):
                table[values["id"]] = values
            else:
                table.pop(values["id"], None)
    shutil.rmtree(data)
    return table, changes


def check(host, port, format_name, messages_file):
    expected = server_rows(host, port)
    rebuilt, changes = flink_rows(format_name, messages_file)
    differences = []
    for key in sorted(set(expected) | set(rebuilt)):
        if key not in rebuilt:
            differences.append(f"row {key}: missing from Flink's table")
        elif key not in expected:
            differences.append(f"row {key}: in Flink's table, not on the server")
        else:
            for name in expected[key]:
                if expected[key][name] != rebuilt[key][name]:
                    differences.append(f"row {key} {name}: server {expected[key][name]!r}, Flink {rebuilt[key][name]!r}")
    for line in differences[:20]:
        print(f"  {line}")
    by_column = {}
    for line in differences:
        column = line.split()[2] if line.split()[2].startswith("c_") else "rows"
        by_column[column] = by_column.get(column, 0) + 1
    if by_column:
        print(f"  differences by column: {by_column}")
    print(f"{format_name}: {changes} changelog rows from Flink, {len(rebuilt)} rows rebuilt, {len(expected)} on the server, "
          f"{len(COLUMNS) + 1} columns: {'EQUAL' if not differences else f'{len(differences)} differences'}")
    return not differences


if __name__ == "__main__":
    command, host, port = sys.argv[1:4]
    if command == "prepare":
        prepare(host, port)
    elif command == "workload":
        workload(host, port)
    elif command == "check":
        sys.exit(0 if check(host, port, sys.argv[4], sys.argv[5]) else 1)
    else:
        sys.exit(f"unknown command {command}")
