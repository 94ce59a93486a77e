import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// `output.format: canal` on the server under test: Canal's flat message, one row each, every value a
/// string as the server prints it, `old` with the changed columns, the column types, and DDL.
@Suite struct CanalFormatTests {
    @Test func rowChangesAreCanalFlatMessages() throws {
        let began = UInt64(Date().timeIntervalSince1970 * 1000)
        let harness = try PipelineHarness(prefix: "canal", partitions: 1) { $0.format = .canal(CanalFormatOptions()) }
        let connection = try harness.database.connect()
        try connection.execute(ItemsWorkload.createTable)
        try harness.start()
        defer { harness.runner.stop() }
        let row = try ItemsWorkload.run(on: harness.database, connection)
        try #require(row.count == 4)
        try connection.execute("ALTER TABLE items ADD COLUMN note VARCHAR(10)")
        try connection.execute("INSERT INTO items (id, note) VALUES (9, 'after')")
        #expect(try harness.waitForCheckpointAtEnd())
        let ended = UInt64(Date().timeIntervalSince1970 * 1000)

        let messages = try harness.messages()
        let values = try PipelineHarness.values(messages)
        #expect(values.map { $0["type"] as? String } == ["INSERT", "INSERT", "UPDATE", "UPDATE", "DELETE", "ALTER", "INSERT"])
        let fields = ["data", "database", "es", "gtid", "id", "isDdl", "mysqlType", "old", "pkNames", "sql", "sqlType", "table", "ts", "type"]
        #expect(values.allSatisfy { Set($0.keys) == Set(fields) })
        // In the order Canal's JSON has them: each field found after the one before.
        let text = messages[0].valueText
        var rest = text[...]
        #expect(text.hasPrefix("{\"data\":["))
        for field in fields.dropFirst() {
            guard let found = rest.range(of: ",\"\(field)\":") else {
                Issue.record("\(field) is not after the fields before it: \(text)")
                break
            }
            rest = text[found.upperBound...]
        }

        let rows = values.prefix(5)
        #expect(rows.allSatisfy { $0["isDdl"] as? Bool == false && $0["sql"] as? String == "" && $0["pkNames"] as? [String] == ["id"] })
        #expect(rows.allSatisfy { $0["database"] as? String == harness.database.name && $0["table"] as? String == "items" })
        #expect(rows.allSatisfy { (($0["es"] as? UInt64) ?? 1) % 1000 == 0 && ($0["ts"] as? UInt64).map { (began...ended).contains($0) } == true })
        #expect(rows.allSatisfy { ($0["data"] as? [[String: Any]])?.count == 1 })

        // Every value a string, as the server prints it; NULL stays null.
        let created = try #require((values[0]["data"] as? [[String: Any]])?.first)
        #expect(created["id"] as? String == "1" && created["name"] as? String == "Kaffee ☕")
        #expect(created["price"] as? String == row[0] && created["seen"] as? String == row[1] && created["tags"] as? String == row[2])
        let document = try #require(created["doc"] as? String)
        #expect(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? NSDictionary
                == JSONSerialization.jsonObject(with: Data(row[3]!.utf8)) as? NSDictionary)
        let second = try #require((values[1]["data"] as? [[String: Any]])?.first)
        #expect(second["seen"] is NSNull && second["doc"] is NSNull && second["tags"] as? String == "")
        // `old`: the changed columns only; the key change is one UPDATE.
        #expect((values[2]["old"] as? [NSDictionary])?.first == ["name": "Kaffee ☕", "price": "4.50"] as NSDictionary)
        #expect((values[3]["old"] as? [NSDictionary])?.first == ["id": "1"] as NSDictionary)
        #expect(values[0]["old"] is NSNull && values[4]["old"] is NSNull)
        #expect(((values[4]["data"] as? [[String: Any]])?.first?["name"] as? String) == "Tee", "a delete's data is the row deleted")

        try expectItemsColumnTypes(values[0])

        let ddl = values[5]
        #expect(ddl["isDdl"] as? Bool == true && (ddl["sql"] as? String)?.contains("ADD COLUMN note") == true)
        #expect(ddl["data"] is NSNull && ddl["mysqlType"] is NSNull && ddl["table"] as? String == "items")
        // The column types follow the ALTER.
        #expect((values[6]["mysqlType"] as? [String: String])?["note"] == "varchar" && (values[6]["sqlType"] as? [String: Int])?["note"] == 12)
    }

    /// On the servers' default `binlog_row_metadata` (MariaDB NO_LOG, MySQL MINIMAL, with MySQL's GTIDs off too), the
    /// column names, types and primary key come from information_schema: the same messages as with FULL.
    @Test func columnTypesAndKeysOnTheServersDefaults() throws {
        let flavor = try ServerFlavor.underTest
        let sandbox = try SandboxServer.start(flavor, options: flavor == .mysql
            ? ["--binlog-row-metadata=MINIMAL", "--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"] : ["--binlog-row-metadata=NO_LOG"])
        defer { try? sandbox.stop() }
        #expect(try sandbox.connect().queryValue("SELECT @@global.binlog_row_metadata") == (flavor == .mysql ? "MINIMAL" : "NO_LOG"))
        let harness = try PipelineHarness(prefix: "canaldefaults", sandbox: sandbox, partitions: 1) { $0.format = .canal(CanalFormatOptions()) }
        let connection = try harness.database.connect()
        try connection.execute(ItemsWorkload.createTable)
        try harness.start()
        defer { harness.runner.stop() }
        let row = try ItemsWorkload.run(on: harness.database, connection)
        #expect(try harness.waitForCheckpointAtEnd())
        let values = try PipelineHarness.values(try harness.messages())
        #expect(values.map { $0["type"] as? String } == ["INSERT", "INSERT", "UPDATE", "UPDATE", "DELETE"])
        #expect(values.allSatisfy { $0["pkNames"] as? [String] == ["id"] })
        #expect(values.allSatisfy { flavor == .mariadb || $0["gtid"] as? String == "" }, "no GTID: not MySQL's ANONYMOUS")
        for value in values { try expectItemsColumnTypes(value) }
        let created = try #require((values[0]["data"] as? [[String: Any]])?.first)
        #expect(created["price"] as? String == row[0] && created["seen"] as? String == row[1] && created["tags"] as? String == row[2])
        #expect((values[2]["old"] as? [NSDictionary])?.first == ["name": "Kaffee ☕", "price": "4.50"] as NSDictionary)
    }

    /// `mysqlType` and `sqlType` of `ItemsWorkload`'s table, as Canal gives them.
    private func expectItemsColumnTypes(_ value: [String: Any]) throws {
        let isMySQL = try ServerFlavor.underTest == .mysql
        let mysqlType = try #require(value["mysqlType"] as? [String: String])
        #expect(mysqlType == ["id": "int", "name": "varchar", "price": "decimal(8,2)", "seen": "timestamp(3)", "tags": "set('a','b','c')",
                              "doc": isMySQL ? "json" : "longtext"])
        let sqlType = try #require(value["sqlType"] as? [String: Int])
        #expect(sqlType == ["id": 4, "name": 12, "price": 3, "seen": 93, "tags": -7, "doc": isMySQL ? 12 : 2005])
    }
}
