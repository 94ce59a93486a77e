import Foundation
import MySQLSource
import TestBench
import Testing

/// `binlogo dump` run as a separate process on binlog files a server of its own wrote.
@Suite(.serialized) struct DumpCommandTests {
    /// A closed binlog file holding a DDL statement and one transaction of each change kind.
    private static func writeBinlog() throws -> BinlogFixture {
        let sandbox = try MariaDBSandbox.start()
        let database = try TestDatabase.create(prefix: "dump", on: sandbox)
        let connection = try database.connect()
        try connection.execute("FLUSH BINARY LOGS")
        let file = try connection.currentBinlogPosition().file
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))")
        try connection.execute("INSERT INTO items VALUES (1, 'Kaffee ☕', 4.50), (2, 'Tee', 3.20)")
        try connection.execute("BEGIN")
        try connection.execute("UPDATE items SET price = 4.90 WHERE id = 1")
        try connection.execute("DELETE FROM items WHERE id = 2")
        try connection.execute("COMMIT")
        try connection.execute("FLUSH BINARY LOGS")
        let datadir = URL(fileURLWithPath: sandbox.directory).appendingPathComponent("data").path
        return BinlogFixture(sandbox: sandbox, path: datadir + "/" + file, name: file, database: database.name)
    }

    struct BinlogFixture {
        let sandbox: MariaDBSandbox
        let path: String
        let name: String
        let database: String
    }

    private func messages(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func dumpPrintsOneMessagePerChangeAndDDL() throws {
        let fixture = try Self.writeBinlog()
        let (sandbox, file, database) = (fixture.sandbox, fixture.path, fixture.database)
        defer { try? sandbox.stop() }
        let result = try runProduct("binlogo", ["dump", "--binlog-file", file, "--pipeline-name", "offline"])
        #expect(result.status == 0, "\(result.standardError)")
        let all = try messages(result.standardOutput)
        let ours = all.filter { ($0["head"] as? [String: Any])?["database"] as? String == database }
        let heads = ours.map { $0["head"] as! [String: Any] }
        #expect(heads.map { $0["type"] as? String } == ["ddl", "insert", "insert", "update", "delete"])
        #expect(heads.allSatisfy { ($0["position"] as? [String: Any])?["pipeline_name"] as? String == "offline" })
        #expect(heads.map { $0["commit"] as? Bool } == [true, false, true, false, true])
        #expect(heads.map { ($0["position"] as? [String: Any])?["consume_rows"] as? Int } == [1, 1, 2, 1, 2])
        let data = ours.map { $0["data"] as! [String: Any] }
        #expect((data[0]["sql"] as? String)?.hasPrefix("CREATE TABLE items") == true)
        #expect((data[1]["new"] as? [String: Any])?["name"] as? String == "Kaffee ☕")
        #expect(((data[3]["old"] as? [String: Any])?["price"] as? NSNumber)?.doubleValue == 4.5)
        #expect(((data[3]["new"] as? [String: Any])?["price"] as? NSNumber)?.doubleValue == 4.9)
        #expect((data[4]["old"] as? [String: Any])?["id"] as? Int == 2)
        // The exact DECIMAL text, never a float.
        #expect(result.standardOutput.contains("\"price\":4.50"))
        // Each row at the position of its own rows event, as the server lists them (the update and the delete
        // share a transaction, and each message's head is written once per event).
        let rowsEvents = try sandbox.connect().serverBinlogEvents(in: fixture.name).filter {
            $0[2]?.contains("_rows") == true && $0[2]?.hasPrefix("Annotate") == false
        }
        let rowPositions = heads.dropFirst().map { ($0["position"] as? [String: Any])?["binlog_position"] as? Int }
        #expect(rowPositions == [0, 0, 1, 2].map { rowsEvents.count == 3 ? rowsEvents[$0][1].flatMap { Int($0) } : nil },
                "\(rowPositions) against \(rowsEvents.map { "\($0[1] ?? "") \($0[2] ?? "")" })")

        // From the start of the update's transaction (its GTID event, as the server lists it), only the update and the delete.
        let updatePosition = (heads[3]["position"] as! [String: Any])["binlog_position"] as! Int
        let events = try sandbox.connect().serverBinlogEvents(in: fixture.name)
        let transactionStart = try #require(events.compactMap { row -> Int? in
            guard row[2] == "Gtid", let position = row[1].flatMap({ Int($0) }), position < updatePosition else { return nil }
            return position
        }.last)
        let later = try runProduct("binlogo", ["dump", "--binlog-file", file, "--start-position", String(transactionStart)])
        #expect(later.status == 0, "\(later.standardError)")
        let laterTypes = try messages(later.standardOutput).map { ($0["head"] as! [String: Any])["type"] as? String }
        #expect(laterTypes == ["update", "delete"])
    }

    /// A MySQL 9.7 binlog file with a compressed, tagged transaction and an incident: the transaction's
    /// changes come out as if it were not compressed, at the payload event's position, and the incident
    /// is said on stderr.
    @Test func dumpReadsMySQLCompressedTransactionsAndIncidents() throws {
        let sandbox = try SandboxServer.start(.mysql, options: ["--max-binlog-stmt-cache-size=4096", "--binlog-stmt-cache-size=4096"])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "dump", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))")
        try connection.execute("CREATE TABLE notes (id INT PRIMARY KEY, v VARCHAR(500)) ENGINE=MyISAM")
        try connection.execute("FLUSH BINARY LOGS")
        let file = try connection.currentBinlogPosition().file
        try connection.execute("SET SESSION binlog_transaction_compression = ON")
        try connection.execute("SET gtid_next = 'AUTOMATIC:dumped'")
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO items VALUES (1, 'Kaffee ☕', 4.50), (2, 'Tee', 3.20), (3, 'Kakao', 2.10)")
        try connection.execute("UPDATE items SET price = 4.90 WHERE id = 1")
        try connection.execute("DELETE FROM items WHERE id = 2")
        try connection.execute("COMMIT")
        try connection.execute("SET gtid_next = 'AUTOMATIC'")
        // Too large for the statement cache: the rows stay in the MyISAM table, the binlog gets an incident.
        #expect(throws: MySQLError.self) {
            try connection.execute("INSERT INTO notes WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) SELECT n, REPEAT('x', 400) FROM s")
        }
        let events = try connection.serverBinlogEvents(in: file)
        let payload = try #require(events.first { $0[2] == "Transaction_payload" }?[1].flatMap { Int($0) })
        let incident = try #require(events.first { $0[2] == "Incident" }?[1].flatMap { Int($0) })
        let path = URL(fileURLWithPath: sandbox.directory).appendingPathComponent("data/\(file)").path

        let result = try runProduct("binlogo", ["dump", "--binlog-file", path])
        #expect(result.status == 0, "\(result.standardError)")
        let ours = try messages(result.standardOutput).filter { ($0["head"] as? [String: Any])?["database"] as? String == database.name }
        let heads = ours.map { $0["head"] as! [String: Any] }
        #expect(heads.map { $0["type"] as? String } == ["insert", "insert", "insert", "update", "delete"])
        try #require(ours.count == 5)
        #expect(heads.map { $0["commit"] as? Bool } == [false, false, false, false, true])
        let positions = heads.map { $0["position"] as! [String: Any] }
        #expect(positions.allSatisfy { $0["binlog_position"] as? Int == payload })
        #expect(positions.allSatisfy { ($0["gtid_set"] as? String)?.contains(":dumped:") == true })
        // The rows as the table holds them now: the update's new image, the inserts that were not deleted.
        let selected = try connection.query("SELECT id, name, price FROM items ORDER BY id")
        let updated = ours[3]["data"] as! [String: Any]
        #expect((updated["new"] as? [String: Any])?["id"] as? Int == Int(selected[0][0] ?? ""))
        #expect(result.standardOutput.contains("\"price\":\(selected[0][2] ?? "")"))
        #expect(((ours[2]["data"] as? [String: Any])?["new"] as? [String: Any])?["name"] as? String == selected[1][1])
        #expect(result.standardError.contains("binlogo dump: \(file):\(incident) INCIDENT 1 \""), "\(result.standardError)")
    }

    @Test func badInputGivesOneLineErrorsAndAFailingStatus() throws {
        let fixture = try Self.writeBinlog()
        let file = fixture.path
        defer { try? fixture.sandbox.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-dump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let missing = try runProduct("binlogo", ["dump", "--binlog-file", directory.path + "/nope.000001"])
        let notBinlog = directory.path + "/text.000001"
        try "hello".write(toFile: notBinlog, atomically: true, encoding: .utf8)
        let wrongFormat = try runProduct("binlogo", ["dump", "--binlog-file", notBinlog])
        let badStart = try runProduct("binlogo", ["dump", "--binlog-file", file, "--start-position", "999999999"])
        let noFile = try runProduct("binlogo", ["dump"])

        // A flipped byte inside the last rows event fails its checksum, named by file and position.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count - 60] ^= 0x01
        let corruptPath = directory.path + "/corrupt.000001"
        try Data(bytes).write(to: URL(fileURLWithPath: corruptPath))
        let corrupt = try runProduct("binlogo", ["dump", "--binlog-file", corruptPath])
        // Cut inside the last event, as a disk copy interrupted midway would leave it.
        let truncatedPath = directory.path + "/truncated.000001"
        try Data(try Data(contentsOf: URL(fileURLWithPath: file)).dropLast(20)).write(to: URL(fileURLWithPath: truncatedPath))
        let truncated = try runProduct("binlogo", ["dump", "--binlog-file", truncatedPath])

        for (result, expected) in [(missing, "nope.000001"), (wrongFormat, "is not a binlog file"), (badStart, "start position 999999999"),
                                   (noFile, "--binlog-file"), (corrupt, "corrupt.000001:"), (truncated, "truncated.000001:")] {
            #expect(result.status != 0)
            let lines = result.standardError.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(result.standardError)")
            #expect(result.standardError.contains(expected), "\(result.standardError)")
        }
        #expect(corrupt.standardError.contains("checksum mismatch"), "\(corrupt.standardError)")
        #expect(truncated.standardError.contains("runs past the end of the file"), "\(truncated.standardError)")
    }
}
