import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// `output.format: maxwell` on the server under test: Maxwell's fields, `old` with the changed columns
/// only, its keys, `commit` on a transaction's last row, no DDL, and snapshots as bootstrap messages, with
/// the values the server itself shows.
@Suite struct MaxwellFormatTests {
    @Test func rowChangesHaveMaxwellsFieldsAndKeys() throws {
        let harness = try PipelineHarness(prefix: "maxwell", partitions: 1) { $0.format = .maxwell(MaxwellFormatOptions(details: true, snapshotAsInsert: false)) }
        let connection = try harness.database.connect()
        try connection.execute(ItemsWorkload.createTable)
        try connection.execute("CREATE TABLE keyless (v INT)")
        try harness.start()
        defer { harness.runner.stop() }
        let row = try ItemsWorkload.run(on: harness.database, connection)
        try #require(row.count == 4)
        try connection.execute("ALTER TABLE items ADD COLUMN note VARCHAR(10)")
        try connection.execute("INSERT INTO keyless VALUES (7)")
        #expect(try harness.waitForCheckpointAtEnd())

        let messages = try harness.messages()
        let values = try PipelineHarness.values(messages)
        let database = harness.database.name
        #expect(values.map { "\($0["table"] ?? "") \($0["type"] ?? "")" }
                == ["items insert", "items insert", "items update", "items update", "items delete", "keyless insert"], "no DDL")
        func key(_ id: Int) -> String { "{\"database\":\"\(database)\",\"table\":\"items\",\"pk.id\":\(id)}" }
        #expect(Array(messages.prefix(5).map(\.keyText)) == [key(1), key(2), key(1), key(3), key(2)])
        let keyless = try #require(messages.last?.keyText)
        #expect(keyless.hasPrefix("{\"database\":\"\(database)\",\"table\":\"keyless\",\"_uuid\":\"") && keyless.count > 80)

        // `commit` and `xid` on each transaction's last row only: the two-row INSERT's second.
        #expect(values.map { $0["commit"] as? Bool } == [nil, true, true, true, true, true])
        #expect(values.map { $0["xid"] is Int } == [false, true, true, true, true, true])
        let serverID = try #require(try connection.queryValue("SELECT @@server_id"))
        for value in values {
            #expect(value["database"] as? String == database && value["ts"] is Int)
            #expect("\(value["server_id"] ?? "")" == serverID && (value["position"] as? String)?.contains(":") == true)
        }
        #expect(values.prefix(5).map { $0["primary_key_columns"] as? [String] } == Array(repeating: ["id"], count: 5))
        #expect(values.prefix(5).map { ($0["primary_key"] as? [Int])?.first } == [1, 2, 1, 3, 2])

        let created = try #require(values.first?["data"] as? [String: Any])
        #expect(messages[0].valueText.contains("\"price\":\(row[0]!)"), "\(messages[0].valueText)")
        #expect(created["seen"] as? String == row[1], "TIMESTAMP in UTC with a space")
        #expect(created["tags"] as? [String] == ["a", "c"], "SET as an array")
        if try ServerFlavor.underTest == .mysql {
            let expected = try JSONSerialization.jsonObject(with: Data(row[3]!.utf8)) as? NSDictionary
            #expect(created["doc"] as? NSDictionary == expected, "JSON embedded")
        }
        // `old`: the changed columns only, with their values before.
        #expect(values[2]["old"] as? NSDictionary == ["name": "Kaffee ☕", "price": 4.5] as NSDictionary)
        #expect((values[2]["data"] as? [String: Any])?["name"] as? String == "Espresso")
        #expect(values[3]["old"] as? NSDictionary == ["id": 1] as NSDictionary, "the key change, one update under the new key")
        #expect((values[4]["data"] as? [String: Any])?["name"] as? String == "Tee" && values[4]["old"] == nil)
    }

    @Test func snapshotsAreBootstrapsOrInsertsForFlink() throws {
        for asInsert in [false, true] {
            let harness = try PipelineHarness(prefix: "maxwellsnap", partitions: 1) {
                $0.format = .maxwell(MaxwellFormatOptions(details: false, snapshotAsInsert: asInsert))
                $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 20)
            }
            let connection = try harness.database.connect()
            try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)")
            try connection.execute("INSERT INTO items SELECT seq, seq * 10 FROM \(numbers(1...30))")
            try harness.start()
            #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true })
            harness.runner.stop()
            let expected = try connection.query("SELECT id, v FROM items ORDER BY id").map { "\($0[0]!)=\($0[1]!)" }
            let values = try PipelineHarness.values(harness.messages())
            let types = values.compactMap { $0["type"] as? String }
            #expect(types == (asInsert ? [] : ["bootstrap-start"]) + Array(repeating: asInsert ? "insert" : "bootstrap-insert", count: 30)
                    + (asInsert ? [] : ["bootstrap-complete"]))
            let rows = values.filter { ($0["data"] as? [String: Any])?.isEmpty == false }
                .compactMap { $0["data"] as? [String: Any] }.map { "\($0["id"] ?? "")=\($0["v"] ?? "")" }
            #expect(rows == expected)
            #expect(values.allSatisfy { $0["commit"] == nil && $0["position"] == nil }, "no details unless asked")
        }
    }
}
