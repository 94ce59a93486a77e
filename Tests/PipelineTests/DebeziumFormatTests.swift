import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// `output.format: debezium` on the server under test: the envelope, the `source` block, the keys,
/// tombstones and a primary key change as Debezium's MySQL connector publishes them, with the values
/// the server itself shows.
@Suite struct DebeziumFormatTests {
    @Test func rowChangesHaveDebeziumsEnvelopeKeysAndTombstones() throws {
        let began = UInt64(Date().timeIntervalSince1970 * 1000)
        let harness = try PipelineHarness(prefix: "debez", partitions: 1) { $0.format = .debezium(DebeziumFormatOptions(tombstones: true)) }
        let connection = try harness.database.connect()
        try connection.execute(ItemsWorkload.createTable)
        try harness.start()
        defer { harness.runner.stop() }
        let row = try ItemsWorkload.run(on: harness.database, connection)
        try #require(row.count == 4)
        #expect(try harness.waitForCheckpointAtEnd())
        let ended = UInt64(Date().timeIntervalSince1970 * 1000)

        let messages = try harness.messages()
        // Tombstones have a null value; the others are Debezium's envelope.
        let shape = messages.map { $0.hasNullValue ? "tombstone \($0.keyText ?? "")" : "\(op($0)) \($0.keyText ?? "")" }
        #expect(shape == ["c {\"id\":1}", "c {\"id\":2}", "u {\"id\":1}", "d {\"id\":1}", "tombstone {\"id\":1}", "c {\"id\":3}",
                          "d {\"id\":2}", "tombstone {\"id\":2}"], "\(shape)")

        let values = try messages.filter { !$0.hasNullValue }.map { try JSONSerialization.jsonObject(with: Data($0.value)) as! [String: Any] }
        try #require(values.count == 6)
        #expect(values.allSatisfy { Set($0.keys) == ["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"] })
        #expect(values.allSatisfy { ($0["ts_ms"] as? UInt64).map { (began...ended).contains($0) } == true }, "ts_ms is when binlogo made it")
        #expect(values.allSatisfy { ($0["ts_us"] as? UInt64).map { $0 / 1000 } == $0["ts_ms"] as? UInt64 })
        #expect(values.allSatisfy { ($0["ts_ns"] as? UInt64).map { $0 / 1000 } == $0["ts_us"] as? UInt64 })
        // In Debezium's order: each field found after the one before.
        let order = ["before", "after", "source", "transaction", "op", "ts_ms", "ts_us", "ts_ns"]
        let text = messages[0].valueText
        // Each field once (a JSON reader keeps one of two): ts_ms in `source` and at the top.
        #expect(text.components(separatedBy: "\"ts_ms\":").count - 1 == 2 && text.components(separatedBy: "\"ts_us\":").count - 1 == 2,
                "\(text)")
        var rest = text[...]
        for field in order {
            guard let found = rest.range(of: "\"\(field)\":") else {
                Issue.record("\(field) is not after the fields before it: \(text)")
                break
            }
            rest = text[found.upperBound...]
        }
        #expect(values.allSatisfy { $0["transaction"] is NSNull })

        // The source block, against the server's own settings.
        let serverID = try #require(try connection.queryValue("SELECT @@server_id"))
        let gtidsOn = try ServerFlavor.underTest == .mariadb || connection.queryValue("SELECT @@global.gtid_mode") == "ON"
        for value in values {
            let source = try #require(value["source"] as? [String: Any])
            #expect(Set(source.keys) == ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "ts_us", "ts_ns", "table",
                                         "server_id", "gtid", "file", "pos", "row", "thread", "query"])
            #expect(source["ts_us"] as? UInt64 == (source["ts_ms"] as? UInt64).map { $0 * 1000 })
            #expect(source["version"] as? String == BinlogoVersion.current && source["connector"] as? String == "mysql")
            #expect(source["name"] as? String == "debez" && source["snapshot"] as? String == "false")
            #expect(source["db"] as? String == harness.database.name && source["table"] as? String == "items")
            #expect("\(source["server_id"] ?? "")" == serverID)
            #expect((source["file"] as? String)?.isEmpty == false && (source["pos"] as? Int ?? 0) > 4)
            #expect(((source["ts_ms"] as? UInt64) ?? 0) % 1000 == 0 && (began - 2000...ended).contains(source["ts_ms"] as? UInt64 ?? 0))
            #expect(gtidsOn ? source["gtid"] is String : source["gtid"] is NSNull)
            #expect(source["sequence"] is NSNull && source["thread"] is NSNull && source["query"] is NSNull)
        }
        // Both rows of the multi-row INSERT: one event, rows 0 and 1.
        #expect(values.prefix(2).map { ($0["source"] as? [String: Any])?["row"] as? Int } == [0, 1])

        let created = messages[0].valueText
        #expect(created.contains("\"price\":\(row[0]!)"), "\(created)")
        let after = try #require(values[0]["after"] as? [String: Any])
        #expect(after["seen"] as? String == row[1], "TIMESTAMP in UTC with a space, no zone")
        #expect(after["tags"] as? String == row[2], "SET as one string")
        let document = try #require(after["doc"] as? String, "JSON as text")
        let expected = try JSONSerialization.jsonObject(with: Data(row[3]!.utf8)) as? NSDictionary
        #expect(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? NSDictionary == expected)
        #expect(after["name"] as? String == "Kaffee ☕" && values[0]["before"] is NSNull)

        let update = values[2]
        #expect((update["before"] as? [String: Any])?["name"] as? String == "Kaffee ☕")
        #expect((update["after"] as? [String: Any])?["name"] as? String == "Espresso")
        // The key change: the old row deleted, the new one created.
        #expect((values[3]["before"] as? [String: Any])?["id"] as? Int == 1 && values[3]["after"] is NSNull)
        #expect((values[4]["after"] as? [String: Any])?["id"] as? Int == 3 && values[4]["before"] is NSNull)
        #expect((values[5]["before"] as? [String: Any])?["name"] as? String == "Tee")
    }

    @Test func withoutTombstonesAndWithoutAPrimaryKey() throws {
        let harness = try PipelineHarness(prefix: "debeznt", partitions: 1) { $0.format = .debezium(DebeziumFormatOptions(tombstones: false)) }
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE plain (id INT PRIMARY KEY, v INT)")
        try connection.execute("CREATE TABLE keyless (v INT)")
        try harness.start()
        defer { harness.runner.stop() }
        try connection.execute("INSERT INTO plain VALUES (1, 1)")
        try connection.execute("DELETE FROM plain")
        try connection.execute("INSERT INTO keyless VALUES (7)")
        try connection.execute("DELETE FROM keyless")
        #expect(try harness.waitForCheckpointAtEnd())
        let messages = try harness.messages()
        #expect(messages.map(op) == ["c", "d", "c", "d"], "no tombstone")
        #expect(messages.map(\.keyText) == ["{\"id\":1}", "{\"id\":1}", nil, nil], "a table without a primary key: no key, as Debezium")
    }

    @Test func ddlIsASchemaChangeEventOnThePipelinesTopic() throws {
        let cluster = try KafkaMockProcess.shared()
        let pipeline = "debezddl\(UUID().uuidString.prefix(6).lowercased())"
        try cluster.control("create-topic \(pipeline) 1 1")
        let harness = try PipelineHarness(prefix: pipeline, partitions: 1) { $0.format = .debezium(DebeziumFormatOptions(tombstones: true)) }
        let connection = try harness.database.connect()
        try harness.start()
        defer { harness.runner.stop() }
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        #expect(try harness.waitForCheckpointAtEnd())
        let messages = try harness.messages(topic: pipeline)
        try #require(messages.count == 1)
        #expect(messages[0].keyText == "{\"databaseName\":\"\(harness.database.name)\"}")
        let value = try #require(try JSONSerialization.jsonObject(with: Data(messages[0].value)) as? [String: Any])
        #expect(value["databaseName"] as? String == harness.database.name && value["schemaName"] is NSNull)
        #expect((value["ddl"] as? String)?.contains("CREATE TABLE t") == true && (value["tableChanges"] as? [Any])?.isEmpty == true)
        #expect((value["source"] as? [String: Any])?["table"] as? String == "t")
        #expect(try harness.messages().isEmpty, "no snapshot markers or DDL among the rows")
    }

    @Test func snapshotRowsAreReadsWithoutMarkers() throws {
        let harness = try PipelineHarness(prefix: "debezsnap", partitions: 1) {
            $0.format = .debezium(DebeziumFormatOptions(tombstones: true))
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 20)
        }
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)")
        try connection.execute("INSERT INTO items SELECT seq, seq * 10 FROM \(numbers(1...50))")
        try harness.start()
        defer { harness.runner.stop() }
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true })
        let expected = try connection.query("SELECT id, v FROM items ORDER BY id").map { "\($0[0]!)=\($0[1]!)" }
        let messages = try harness.messages()
        let values = try messages.map { try JSONSerialization.jsonObject(with: Data($0.value)) as! [String: Any] }
        #expect(values.allSatisfy { $0["op"] as? String == "r" && $0["before"] is NSNull }, "reads only: no markers, no tombstones")
        #expect(values.allSatisfy { ($0["source"] as? [String: Any])?["snapshot"] as? String == "true" })
        let read = values.compactMap { $0["after"] as? [String: Any] }.map { "\($0["id"] ?? "")=\($0["v"] ?? "")" }
        #expect(read == expected)
        #expect(messages.map(\.keyText) == (1...50).map { "{\"id\":\($0)}" })
    }

    /// `transaction_metadata: true`: each row message names its transaction as the server logged it (the GTID,
    /// or without GTIDs `file=…,pos=…` of its BEGIN, read from SHOW BINLOG EVENTS) and its place in it, per
    /// table too; a key change counts as two messages, a tombstone as none; the next transaction starts over.
    @Test(arguments: [true, false]) func transactionMetadataNumbersEachTransactionsMessages(gtids: Bool) throws {
        let flavor = try ServerFlavor.underTest
        guard gtids || flavor == .mysql else { return }  // MariaDB always logs GTIDs
        let sandbox = gtids ? nil : try SandboxServer.start(.mysql, options: ["--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"])
        defer { try? sandbox?.stop() }
        let pipeline = "debeztx\(gtids ? "g" : "n")\(UUID().uuidString.prefix(6).lowercased())"
        try KafkaMockProcess.shared().control("create-topic \(pipeline).transaction 1 1")
        let harness = try PipelineHarness(prefix: pipeline, sandbox: sandbox, partitions: 1) {
            $0.format = .debezium(DebeziumFormatOptions(transactionMetadata: true))
        }
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE a (id INT PRIMARY KEY)")
        try connection.execute("CREATE TABLE b (id INT PRIMARY KEY)")
        try harness.start()
        defer { harness.runner.stop() }
        let start = try connection.currentBinlogPosition()
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO a VALUES (1), (2)")
        try connection.execute("INSERT INTO b VALUES (1)")
        try connection.execute("UPDATE a SET id = 3 WHERE id = 1")
        try connection.execute("COMMIT")
        try connection.execute("INSERT INTO b VALUES (2)")
        #expect(try harness.waitForCheckpointAtEnd())
        // MySQL's anonymous transactions give the stored position no GTID (not "ANONYMOUS", not "").
        #expect(gtids || harness.runner.savedCheckpoint?.gtid == nil, "\(String(describing: harness.runner.savedCheckpoint))")

        // The server's identities of the transactions with rows of this database, in order: a GTID event's, else
        // its BEGIN's place (other tests write to the same server meanwhile).
        let events = try connection.serverBinlogEvents(in: start.file, from: start.position)
        var identities: [String] = [], current = ""
        for event in events {
            let type = event[2] ?? "", info = event[5] ?? ""
            if gtids, type == "Gtid" {
                // MariaDB: "BEGIN GTID 0-1-7"; MySQL: "SET @@SESSION.GTID_NEXT= 'uuid:7'".
                current = info.hasPrefix("BEGIN GTID ") ? String(info.dropFirst("BEGIN GTID ".count))
                    : info.split(separator: "'").dropFirst().first.map(String.init) ?? ""
            } else if !gtids, type == "Query", info == "BEGIN" {
                current = "file=\(start.file),pos=\(event[1] ?? "")"
            } else if type == "Table_map", info.contains("(\(harness.database.name).") || info.contains("`\(harness.database.name)`."),
                      identities.last != current {
                identities.append(current)
            }
        }
        try #require(identities.count == 2, "\(events)")

        let values = try PipelineHarness.values(try harness.messages().filter { !$0.hasNullValue })
        let table = { (value: [String: Any]) in (value["source"] as? [String: Any])?["table"] as? String }
        let a = values.filter { table($0) == "a" }, b = values.filter { table($0) == "b" }
        let transaction = { (value: [String: Any]) -> String in
            let block = value["transaction"] as? [String: Any] ?? [:]
            return "\(block["id"] ?? "-") \(block["total_order"] ?? "-") \(block["data_collection_order"] ?? "-")"
        }
        let (first, second) = (identities[0], identities[1])
        #expect(a.map(transaction) == ["\(first) 1 1", "\(first) 2 2", "\(first) 4 3", "\(first) 5 4"], "\(a.map(transaction))")
        #expect(b.map(transaction) == ["\(first) 3 1", "\(second) 1 1"], "\(b.map(transaction))")
        let sourceGTIDs = Set(values.map { "\((($0["source"] as? [String: Any])?["gtid"]) ?? "-")" })
        #expect(sourceGTIDs == (gtids ? [first, second] : ["<null>"]), "source.gtid: \(sourceGTIDs)")

        // Each transaction's BEGIN and END on `{pipeline}.transaction`, keyed by its id; END with the counts.
        let boundaries = try harness.messages(topic: "\(pipeline).transaction")
        #expect(boundaries.map(\.keyText) == [first, first, second, second].map { "{\"id\":\"\($0)\"}" })
        let bodies = try PipelineHarness.values(boundaries).map { value -> String in
            let collections = (value["data_collections"] as? [[String: Any]])?.map { "\($0["data_collection"] ?? "")=\($0["event_count"] ?? "")" }
            return "\(value["status"] ?? "") \(value["id"] ?? "") \(value["event_count"] ?? "-") \(collections ?? [])"
        }
        let (tableA, tableB) = ("\(harness.database.name).a", "\(harness.database.name).b")
        #expect(bodies == ["BEGIN \(first) <null> []", "END \(first) 5 [\"\(tableA)=4\", \"\(tableB)=1\"]",
                           "BEGIN \(second) <null> []", "END \(second) 1 [\"\(tableB)=1\"]"], "\(bodies)")
        #expect(try PipelineHarness.values(boundaries).allSatisfy { Set($0.keys) == ["status", "id", "event_count", "data_collections", "ts_ms"] })
    }

    private func op(_ message: ConsumedMessage) -> String {
        guard let value = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any] else { return "?" }
        return value["op"] as? String ?? "?"
    }
}
