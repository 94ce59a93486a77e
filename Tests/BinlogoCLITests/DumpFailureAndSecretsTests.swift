import Foundation
import MySQLSource
import TestBench
import Testing

/// `binlogo dump` on a file it fails on prints every message before the failure, then one line; and
/// it never prints an account-management statement, whose text carries passwords or their hashes.
@Suite(.serialized) struct DumpFailureAndSecretsTests {
    private func messages(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test func aDamagedEventStillLetsEveryMessageBeforeItOut() throws {
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "dumpfail", on: sandbox)
        let connection = try database.connect()
        try connection.execute("FLUSH BINARY LOGS")
        let file = try connection.currentBinlogPosition().file
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")
        for id in 1...5 { try connection.execute("INSERT INTO t VALUES (\(id), 'v\(id)')") }
        try connection.execute("INSERT INTO t VALUES (6, 'damaged')")
        try connection.execute("FLUSH BINARY LOGS")
        let path = sandbox.directory + "/data/" + file

        // The server's list of the file's events: the last rows event is the one to damage.
        let events = try connection.serverBinlogEvents(in: file)
        let lastRows = try #require(events.last { $0[2] == "Write_rows_v1" || $0[2] == "Write_rows" })
        let damagedAt = try #require(lastRows[1].flatMap { Int($0) })
        let insertedBefore = events.filter { ($0[2] ?? "").hasPrefix("Write_rows") && Int($0[1] ?? "") ?? .max < damagedAt }.count
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[damagedAt + 25] ^= 0x5a
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("damaged-\(UUID().uuidString.prefix(6)).000001").path
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        defer { try? FileManager.default.removeItem(atPath: copy) }

        let result = try runProduct("binlogo", ["dump", "--binlog-file", copy])
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1 && result.standardError.contains(":\(damagedAt) "), "\(result.standardError)")
        let printed = try messages(result.standardOutput)
        let inserts = printed.filter { $0.head["type"] as? String == "insert" }
        #expect(inserts.count == insertedBefore && insertedBefore == 5, "the rows before the damaged event: \(inserts.count)")
        #expect(inserts.compactMap { $0.newImage?["id"] as? Int } == Array(1...5))
        #expect(printed.first?.head["type"] as? String == "ddl")
    }

    @Test func accountStatementsNeverReachTheDump() throws {
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let connection = try sandbox.connect()
        try connection.execute("FLUSH BINARY LOGS")
        let file = try connection.currentBinlogPosition().file
        let password = "pw-\(UUID().uuidString.prefix(12))"
        let accounts = PasswordStatements(flavor: sandbox.flavor, user: "dumpuser", password: password, database: "mysql")
        for statement in accounts.statements + ["CREATE DATABASE after_accounts", "CREATE TABLE after_accounts.t (id INT PRIMARY KEY)"] {
            try connection.execute(statement)
        }
        let hash = try accounts.loggedSecret(over: connection)
        try connection.execute("FLUSH BINARY LOGS")
        let path = sandbox.directory + "/data/" + file
        let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(raw.contains(hash), "the binlog itself holds the secrets")

        let result = try runProduct("binlogo", ["dump", "--binlog-file", path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try messages(result.standardOutput).contains { $0.head["table"] as? String == "t" }, "the DDL after them is printed")
        #expect(!result.standardOutput.contains(password) && !result.standardOutput.contains(hash) && !result.standardOutput.contains("dumpuser"))
        #expect(!result.standardError.contains(password))
    }
}

private extension Dictionary where Key == String, Value == Any {
    var head: [String: Any] { self["head"] as? [String: Any] ?? [:] }
    var newImage: [String: Any]? { (self["data"] as? [String: Any])?["new"] as? [String: Any] }
}
