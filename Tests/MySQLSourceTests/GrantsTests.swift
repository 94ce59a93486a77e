import Foundation
import MySQLSource
import TestBench
import Testing

/// The user setup the README documents for MySQL 8.4/9, exactly: REPLICATION SLAVE and REPLICATION CLIENT
/// on *.*, SELECT on the captured database, caching_sha2_password. It streams with MINIMAL metadata (names
/// from information_schema); without any one of those grants, the source stops with one line naming it
/// and the GRANT to paste, which fixes it.
@Suite(.serialized) struct GrantsTests {
    static let password = "Grants-pw_4kT!"

    @Test func theDocumentedMySQLGrantsAreEnoughAndEachIsNeeded() throws {
        let sandbox = try SandboxServer.start(.mysql, options: ["--binlog-row-metadata=MINIMAL"])
        defer { try? sandbox.stop() }
        let admin = try sandbox.connect()
        let database = try TestDatabase.create(prefix: "grants", on: sandbox)
        try database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        let user = "binlogo_\(UUID().uuidString.prefix(6).lowercased())"
        let account = "'\(user)'@'%'"
        // As in the README:
        try admin.execute("CREATE USER \(account) IDENTIFIED WITH caching_sha2_password BY '\(Self.password)'")
        try admin.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO \(account)")
        try admin.execute("GRANT SELECT ON `\(database.name)`.* TO \(account)")

        let key = try #require(try admin.query("SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key'").first?[1])
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-grants-\(UUID().uuidString.prefix(8)).pem").path
        try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        var configuration = sandbox.sourceConfiguration(start: .earliest, user: user, password: .inline(Self.password), maximumAttempts: 3)
        configuration.connection.serverPublicKeyFile = keyFile

        // What `start: current` and `earliest` ask, as this user.
        var asUser = configuration.connection
        asUser.password = Self.password
        let userConnection = try MySQLConnection(asUser)
        let statement = try MySQLServerVersion(of: userConnection).binlogStatusStatement
        #expect(statement == "SHOW BINARY LOG STATUS")
        #expect(try userConnection.query(statement).first?[0] == admin.query(statement).first?[0])
        #expect(try userConnection.query("SHOW BINARY LOGS").map { $0[0] } == admin.query("SHOW BINARY LOGS").map { $0[0] })

        let recorder = SourceRecorder(configuration: configuration, database: database.name)
        let writer = try database.connect()
        try writer.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')")
        // Column names come from information_schema (MINIMAL metadata logs none): the SELECT grant at work.
        let expected = try writer.query("SELECT id, v FROM t ORDER BY id").map { "{\"id\":\($0[0]!),\"v\":\"\($0[1]!)\"}" }
        #expect(recorder.wait { $0.count >= 2 }, "stopped with \(String(describing: recorder.stopError))")
        #expect(recorder.changes.map(\.row) == expected)
        recorder.stop()

        let server = configuration.connection.endpointDescription
        let needs = [
            ("REPLICATION CLIENT", "user \(account) lacks REPLICATION CLIENT on \(server) (binlogo reads the binlog with REPLICATION SLAVE and its positions with REPLICATION CLIENT): GRANT REPLICATION CLIENT ON *.* TO \(account)"),
            ("REPLICATION SLAVE", "user \(account) lacks REPLICATION SLAVE on \(server) (binlogo reads the binlog with REPLICATION SLAVE and its positions with REPLICATION CLIENT): GRANT REPLICATION SLAVE ON *.* TO \(account)"),
        ]
        for (grant, line) in needs {
            try admin.execute("REVOKE \(grant) ON *.* FROM \(account)")
            let error = try SourceErrorProbe.stopError(configuration: configuration)
            #expect(error.kind == .preflight)
            #expect(error.description == line)
            try admin.execute(String(error.description[error.description.range(of: "GRANT ")!.lowerBound...]))
        }
        try admin.execute("REVOKE SELECT ON `\(database.name)`.* FROM \(account)")
        let noSelect = try SourceErrorProbe.stopError(configuration: configuration)
        #expect(noSelect.description == "user \(account) has no SELECT on \(server) and binlog_row_metadata is MINIMAL, so binlogo reads column names from information_schema, which shows a user only the tables it may read: grant SELECT on the databases binlogo captures, or on all: GRANT SELECT ON *.* TO \(account)")
        try admin.execute("GRANT SELECT ON `\(database.name)`.* TO \(account)")

        // With the grants back, the same user streams again.
        let again = SourceRecorder(configuration: configuration, database: database.name)
        defer { again.stop() }
        #expect(again.wait { $0.count >= 2 }, "stopped with \(String(describing: again.stopError))")
        #expect(again.changes.map(\.row) == expected)
    }
}
