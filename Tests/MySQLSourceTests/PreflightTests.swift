import Foundation
import MySQLSource
import TestBench
import Testing

/// Each thing an operator can get wrong on the MySQL side stops the source with one line that
/// names the setting and the fix.
@Suite(.serialized) struct PreflightTests {
    private func stopError(_ configuration: SourceConfiguration) throws -> SourceError {
        let recorder = SourceRecorder(configuration: configuration, database: "none")
        #expect(recorder.waitUntilStopped(seconds: 30))
        return try #require(recorder.stopError)
    }

    @Test func statementFormatIsRefusedWithTheFix() throws {
        let sandbox = try MariaDBSandbox.start(options: ["--binlog-format=STATEMENT"])
        defer { try? sandbox.stop() }
        let error = try stopError(sandbox.sourceConfiguration(start: .current))
        #expect(error.kind == .preflight)
        #expect(error.description.contains("binlog_format is STATEMENT") && error.description.contains("binlog_format=ROW"))
        #expect(!error.description.contains("\n"))
    }

    @Test func binlogOffIsRefused() throws {
        let sandbox = try MariaDBSandbox.start(options: ["--skip-log-bin"])
        defer { try? sandbox.stop() }
        let error = try stopError(sandbox.sourceConfiguration(start: .current))
        #expect(error.kind == .preflight)
        #expect(error.description.contains("log_bin is OFF"))
    }

    @Test func missingGrantsWrongPasswordAndUnreachablePort() throws {
        let sandbox = try MariaDBSandbox.shared()
        let user = "nogrant_\(UUID().uuidString.prefix(6).lowercased())"
        let admin = try sandbox.connect()
        try admin.execute("CREATE USER '\(user)'@'%' IDENTIFIED BY 'secret-pw'")
        try admin.execute("GRANT SELECT ON *.* TO '\(user)'@'%'")
        defer { try? admin.execute("DROP USER '\(user)'@'%'") }

        let noGrants = try stopError(sandbox.sourceConfiguration(start: .current, user: user, password: .inline("secret-pw")))
        #expect(noGrants.kind == .preflight)
        #expect(noGrants.description.contains("lacks REPLICATION SLAVE and REPLICATION CLIENT"))
        #expect(noGrants.description.contains("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO"))
        // The suggested GRANT, pasted into the server as an administrator, is the fix.
        let grant = try #require(noGrants.description.range(of: "GRANT ").map { String(noGrants.description[$0.lowerBound...]) })
        try admin.execute(grant)
        var granted = sandbox.connectionOptions()
        granted.user = user
        granted.password = "secret-pw"
        #expect(throws: Never.self, "the grant fixed it") { _ = try ServerPreflight().run(on: try MySQLConnection(granted)) }
        try admin.execute("REVOKE ALL PRIVILEGES, GRANT OPTION FROM '\(user)'@'%'")
        try admin.execute("GRANT SELECT ON *.* TO '\(user)'@'%'")

        let wrongPassword = try stopError(sandbox.sourceConfiguration(start: .current, user: user, password: .inline("wrong")))
        #expect(wrongPassword.kind == .refused)
        #expect(wrongPassword.serverCode == 1045)
        #expect(wrongPassword.description.contains("check the user and password"))
        #expect(!wrongPassword.description.contains("wrong"), "the password never appears in errors")

        // A port nobody listens on: retried with backoff, then given up with the reason.
        var unreachable = sandbox.sourceConfiguration(start: .current, maximumAttempts: 2)
        unreachable.connection.port = 1
        let refused = try stopError(unreachable)
        #expect(refused.kind == .connection)
        #expect(refused.description.contains("127.0.0.1:1") && refused.description.contains("check host, port or socket"))

        // A password file that does not exist.
        let missingFile = try stopError(sandbox.sourceConfiguration(start: .current, password: .file("/nonexistent/binlogo-pw")))
        #expect(missingFile.kind == .configuration)
        #expect(missingFile.description.contains("password_file /nonexistent/binlogo-pw cannot be read"))
    }

    @Test func purgedBinlogStopsInsteadOfJumpingAhead() throws {
        let sandbox = try MariaDBSandbox.shared()
        let error = try stopError(sandbox.sourceConfiguration(start: .file("binlog.999999", position: 4)))
        #expect(error.kind == .binlogPurged)
        #expect(error.serverCode == 1236)
        #expect(error.description.contains("binlog.999999:4") && error.description.contains("binlogo position set"))
    }
}
