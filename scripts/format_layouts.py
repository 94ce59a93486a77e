#!/usr/bin/env python3
"""Each message of a format, field by field, against the layout the original tool documents
(scripts/flink-formats.sh runs it on the Flink workload's messages; Docs/message-format.md).

  format_layouts.py FORMAT VALUES FILE    FORMAT debezium, maxwell or canal; VALUES flink or original;
                                          FILE one message per line (the row topic: no tombstones, no DDL
                                          unless the format puts DDL there)

The layouts are written from the tools' own documentation and source, never from binlogo's output:
- Debezium's MySQL connector (3.x) with Kafka Connect's JsonConverter and schemas.enable=false: the
  envelope and `source` fields in schema order (`SchemaFactory.datatypeEnvelopeSchema`,
  `AbstractSourceInfoStructMaker.commonSchemaBuilder`, `MySqlSourceInfoStructMaker`), and the MySQL
  connector's data type mappings (its documentation's "Data type mappings").
- Maxwell's RowMap.toJSON field order and its documented data format (docs/dataformat.md).
- Canal's FlatMessage as fastjson writes it (fields in alphabetical order), values as strings.

Per message: every documented field present, in order, of its documented JSON type; nothing else; each
column's value of the JSON type the tool's type mapping gives. A difference binlogo documents (the
list below, each with where Docs/ says why) is counted apart; any other fails. Prints a summary per
message kind; exits 1 on an undocumented difference.
"""
import collections
import decimal
import json
import re
import sys

from flink_formats import COLUMNS

STR, INT, BOOL, OBJ, LIST, NULL, NUM = "string", "integer", "boolean", "object", "array", "null", "number"

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
SPACED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
CLOCK = re.compile(r"^-?\d{2,3}:\d\d:\d\d(\.\d+)?$")
BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def json_type(value):
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, (float, decimal.Decimal)):
        return NUM
    if isinstance(value, str):
        return STR
    if isinstance(value, list):
        return LIST
    return OBJ


# Debezium: the envelope and `source`, in schema order, each with the JSON types its schema allows.
DEBEZIUM_ENVELOPE = [("before", {OBJ, NULL}), ("after", {OBJ, NULL}), ("source", {OBJ}), ("transaction", {OBJ, NULL}),
                     ("op", {STR}), ("ts_ms", {INT}), ("ts_us", {INT}), ("ts_ns", {INT})]
DEBEZIUM_SOURCE = [("version", {STR}), ("connector", {STR}), ("name", {STR}), ("ts_ms", {INT}), ("snapshot", {STR}),
                   ("db", {STR}), ("sequence", {STR, NULL}), ("ts_us", {INT}), ("ts_ns", {INT}), ("table", {STR, NULL}),
                   ("server_id", {INT}), ("gtid", {STR, NULL}), ("file", {STR}), ("pos", {INT}), ("row", {INT}),
                   ("thread", {INT, NULL}), ("query", {STR, NULL})]
DEBEZIUM_SNAPSHOT = {"true", "false", "first", "first_in_data_collection", "last_in_data_collection", "last", "incremental"}

# Maxwell's RowMap.toJSON, in order; the optional ones only where Maxwell writes them.
MAXWELL_FIELDS = [("database", {STR}, True), ("table", {STR}, True), ("type", {STR}, True), ("ts", {INT}, True),
                  ("xid", {INT}, False), ("xoffset", {INT}, False), ("commit", {BOOL}, False), ("position", {STR}, False),
                  ("gtid", {STR}, False), ("server_id", {INT}, False), ("thread_id", {INT}, False),
                  ("primary_key", {LIST}, False), ("primary_key_columns", {LIST}, False), ("data", {OBJ}, True),
                  ("old", {OBJ}, False)]

# Canal's FlatMessage: fastjson writes the fields sorted by name.
CANAL_FIELDS = [("data", {LIST, NULL}), ("database", {STR}), ("es", {INT}), ("gtid", {STR}), ("id", {INT}),
                ("isDdl", {BOOL}), ("mysqlType", {OBJ, NULL}), ("old", {LIST, NULL}), ("pkNames", {LIST, NULL}),
                ("sql", {STR}), ("sqlType", {OBJ, NULL}), ("table", {STR}), ("ts", {INT}), ("type", {STR})]


def column_types(format_name):
    """Each column's JSON types (and a pattern for strings) as the tool's type mapping gives them, default settings."""
    numbers = {NUM, INT}
    if format_name == "canal":
        return {name: ({STR}, None) for name, _, _ in COLUMNS}
    types = {
        "c_tinyint": ({INT}, None), "c_smallint": ({INT}, None), "c_mediumint": ({INT}, None), "c_int": ({INT}, None),
        "c_bigint": ({INT}, None), "c_ubigint": ({INT}, None), "c_bool": ({INT}, None), "c_decimal": (numbers, None),
        "c_float": (numbers, None), "c_double": (numbers, None), "c_char": ({STR}, None), "c_varchar": ({STR}, None),
        "c_text": ({STR}, None), "c_binary": ({STR}, BASE64), "c_varbinary": ({STR}, BASE64), "c_blob": ({STR}, BASE64),
        "c_date": ({STR}, DATE), "c_datetime": ({STR}, SPACED), "c_datetime6": ({STR}, SPACED),
        "c_timestamp": ({STR}, SPACED), "c_time": ({STR}, CLOCK), "c_year": ({INT}, None), "c_enum": ({STR}, None),
        "c_set": ({LIST}, None), "c_json": ({OBJ, LIST, STR, INT, NUM, BOOL}, None), "c_bit": ({INT}, None),
    }
    if format_name == "debezium":
        # Debezium's MySQL type mapping: DECIMAL precise, time.precision.mode adaptive_time_microseconds.
        types.update({"c_decimal": ({STR}, BASE64), "c_date": ({INT}, None), "c_datetime": ({INT}, None),
                      "c_datetime6": ({INT}, None), "c_timestamp": ({STR}, ISO_UTC), "c_time": ({INT}, None),
                      "c_bit": ({STR}, BASE64), "c_set": ({STR}, None), "c_json": ({STR}, None)})
    return types


# Differences binlogo documents, by (format, values, field or column), each with where Docs/ says why:
# `values: flink` writes what Flink reads where Debezium's own types fail it (message-format.md#debezium,
# types.md#values-per-format).
DOCUMENTED = {("debezium", "flink", column): "types.md#values-per-format"
              for column in ("c_decimal", "c_date", "c_datetime", "c_datetime6", "c_timestamp", "c_time", "c_bit")}


def check_fields(message, layout, path, differences, optional=()):
    """Field names in order and their JSON types; `optional` names may be absent."""
    names = list(message)
    expected = [name for name, _ in layout]
    present = [name for name in expected if name in message]
    missing = [name for name in expected if name not in message and name not in optional]
    extra = [name for name in names if name not in expected]
    if missing:
        differences.append((f"{path}missing", ",".join(missing)))
    if extra:
        differences.append((f"{path}extra", ",".join(extra)))
    if [name for name in names if name in expected] != present:
        differences.append((f"{path}order", ",".join(names)))
    for name, types in layout:
        if name in message and json_type(message[name]) not in types:
            differences.append((f"{path}{name}", f"{json_type(message[name])}, documented {sorted(types)}"))


def check_row(image, types, differences, path):
    for name, (allowed, pattern) in types.items():
        if name not in image:
            differences.append((f"{path}{name}", "missing"))
            continue
        value = image[name]
        if value is None:
            continue
        if json_type(value) not in allowed or (pattern and isinstance(value, str) and not pattern.match(value)):
            differences.append((name, f"{json_type(value)} {str(value)[:40]!r}"))


def unique(pairs, repeated):
    """An object's fields, noting each name given twice (which a JSON reader would silently collapse)."""
    names = [name for name, _ in pairs]
    repeated.extend(name for name in set(names) if names.count(name) > 1)
    return dict(pairs)


def kind_of(format_name, message):
    if format_name == "debezium":
        return f"op {message.get('op')}"
    return f"type {message.get('type')}"


def check(format_name, values, path):
    types = column_types(format_name)
    counts, undocumented, documented = collections.Counter(), collections.Counter(), collections.Counter()
    examples = {}
    with open(path) as lines:
        for line in lines:
            if not line.strip():
                continue
            repeated = []
            message = json.loads(line, parse_float=decimal.Decimal, object_pairs_hook=lambda pairs: unique(pairs, repeated))
            kind = kind_of(format_name, message)
            counts[kind] += 1
            differences = [("repeated field", name) for name in repeated]
            if format_name == "debezium":
                check_fields(message, DEBEZIUM_ENVELOPE, "", differences)
                check_fields(message.get("source") or {}, DEBEZIUM_SOURCE, "source.", differences)
                if message.get("op") not in ("c", "u", "d", "r"):
                    differences.append(("op", repr(message.get("op"))))
                if (message.get("source") or {}).get("snapshot") not in DEBEZIUM_SNAPSHOT:
                    differences.append(("source.snapshot", repr(message["source"].get("snapshot"))))
                if (message.get("source") or {}).get("connector") != "mysql":
                    differences.append(("source.connector", repr(message["source"].get("connector"))))
                for image in ("before", "after"):
                    if isinstance(message.get(image), dict):
                        check_row(message[image], types, differences, f"{image}.")
            elif format_name == "maxwell":
                layout = [(name, allowed) for name, allowed, _ in MAXWELL_FIELDS]
                optional = {name for name, _, required in MAXWELL_FIELDS if not required}
                check_fields(message, layout, "", differences, optional)
                if message.get("type") not in ("insert", "update", "delete", "bootstrap-insert"):
                    differences.append(("type", repr(message.get("type"))))
                if ("old" in message) != (message.get("type") == "update"):
                    differences.append(("old", "present" if "old" in message else "absent on an update"))
                check_row(message.get("data") or {}, types, differences, "data.")
            else:
                check_fields(message, CANAL_FIELDS, "", differences)
                rows = message.get("data") or []
                if len(rows) != 1:
                    differences.append(("data", f"{len(rows)} rows"))
                for row in rows:
                    check_row(row, types, differences, "data.")
                for name, value in (message.get("sqlType") or {}).items():
                    if json_type(value) != INT:
                        differences.append(("sqlType", f"{name}: {value!r}"))
                if message.get("type") not in ("INSERT", "UPDATE", "DELETE"):
                    differences.append(("type", repr(message.get("type"))))
            for field, detail in differences:
                if (format_name, values, field) in DOCUMENTED:
                    documented[field] += 1
                else:
                    undocumented[field] += 1
                    examples.setdefault(field, f"{kind}: {detail}")
    total = sum(counts.values())
    print(f"{format_name} ({values} values): {total} messages, "
          + ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) + "; "
          + (f"documented differences: {dict(documented)}; " if documented else "")
          + ("layout EQUAL" if not undocumented else f"{sum(undocumented.values())} undocumented differences"))
    for field, example in examples.items():
        print(f"  {field}: {undocumented[field]} messages, e.g. {example}")
    return total > 0 and not undocumented


if __name__ == "__main__":
    format_name, values, path = sys.argv[1:4]
    sys.exit(0 if check(format_name, values, path) else 1)
