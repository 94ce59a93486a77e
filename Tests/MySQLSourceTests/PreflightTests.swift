import Foundation
import MySQLSource
import TestBench
import Testing

/// Each thing an operator can get wrong on the MySQL or MariaDB side stops the source with one line
/// that names the setting and the fix; where the fix is SQL, the test pastes it and sees the check pass.
@Suite(.serialized) struct PreflightTests {
    private func stopError(_ configuration: SourceConfiguration) throws -> SourceError {
        let recorder = SourceRecorder(configuration: configuration, database: "none")
        #expect(recorder.waitUntilStopped(seconds: 30))
        return try #require(recorder.stopError)
    }

    /// The preflight as root on `sandbox`, as the source runs it.
    private func preflight(_ sandbox: SandboxServer, start: StartPosition? = nil) throws -> ServerPreflight.Report {
        try ServerPreflight(start: start).run(on: sandbox.connect())
    }

    /// The first match of `pattern` in `text` (the SQL of a fix), to paste.
    private func statement(_ pattern: String, in text: String) throws -> String {
        let regex = try Regex(pattern)
        return String(try #require(text.firstMatch(of: regex)).output[0].substring ?? "")
    }

    @Test(arguments: ServerFlavor.allCases) func statementFormatIsRefusedWithTheFix(flavor: ServerFlavor) throws {
        let sandbox = try SandboxServer.start(flavor, options: ["--binlog-format=STATEMENT"])
        defer { try? sandbox.stop() }
        let error = try stopError(sandbox.sourceConfiguration(start: .earliest))
        #expect(error.kind == .preflight)
        let server = sandbox.connectionOptions().endpointDescription
        switch flavor {
        case .mysql:
            #expect(error.description == "binlog_format is STATEMENT on \(server): binlogo needs row events: SET PERSIST binlog_format = 'ROW', then reconnect the applications (a session keeps the format it started with)")
        case .mariadb:
            #expect(error.description == "binlog_format is STATEMENT on \(server): binlogo needs row events: SET GLOBAL binlog_format = 'ROW' (and binlog_format=ROW under [mysqld] in the server's my.cnf), then reconnect the applications (a session keeps the format it started with)")
        }
        try sandbox.connect().execute(try statement(#"SET (PERSIST|GLOBAL) binlog_format = 'ROW'"#, in: error.description))
        #expect(throws: Never.self, "the pasted fix") { _ = try preflight(sandbox) }
    }

    @Test(arguments: ServerFlavor.allCases) func binlogOffIsRefused(flavor: ServerFlavor) throws {
        let sandbox = try SandboxServer.start(flavor, options: ["--skip-log-bin"])
        defer { try? sandbox.stop() }
        let error = try stopError(sandbox.sourceConfiguration(start: .earliest))
        #expect(error.kind == .preflight)
        let server = sandbox.connectionOptions().endpointDescription
        switch flavor {
        case .mysql:
            #expect(error.description == "log_bin is OFF on \(server): binlogo reads the binary log: remove skip-log-bin and disable-log-bin from the server's options (MySQL writes it by default) and restart it")
        case .mariadb:
            #expect(error.description == "log_bin is OFF on \(server): binlogo reads the binary log: add log_bin=mysql-bin and binlog_format=ROW under [mysqld] in the server's my.cnf and restart it")
        }
    }

    /// What works with less is a warning, with the SQL that gives the whole: pasted, the warnings go.
    @Test func mysqlSettingsThatWorkWithLessAreWarnings() throws {
        let sandbox = try SandboxServer.start(.mysql, options: [
            "--binlog-row-image=MINIMAL", "--binlog-row-metadata=MINIMAL", "--binlog-row-value-options=PARTIAL_JSON",
            "--binlog-transaction-compression=ON",
        ])
        defer { try? sandbox.stop() }
        let server = sandbox.connectionOptions().endpointDescription
        let report = try preflight(sandbox)
        #expect(report.warnings == [
            "binlog_row_image is MINIMAL on \(server): updates and deletes carry only the columns the server logs; for whole rows: SET PERSIST binlog_row_image = 'FULL'",
            "binlog_row_metadata is MINIMAL on \(server): column names come from information_schema, which may be ahead of the stream after DDL; for names in the binlog: SET PERSIST binlog_row_metadata = 'FULL'",
            "binlog_row_value_options is PARTIAL_JSON with binlog_row_image MINIMAL on \(server): a JSON update then logs only its changes, often without the before image to apply them to, and its message says the new document is missing; for whole documents: SET PERSIST binlog_row_image = 'FULL'",
        ])
        #expect(!report.hasFullRowMetadata && report.rowImage == "MINIMAL")
        for warning in report.warnings.prefix(2) {
            try sandbox.connect().execute(try statement(#"SET PERSIST binlog_row_\w+ = 'FULL'"#, in: warning))
        }
        let fixed = try preflight(sandbox)
        #expect(fixed.warnings == [])
        #expect(try sandbox.connect().queryValue("SELECT @@global.binlog_transaction_compression") == "1", "compression is accepted")
    }

    @Test func mariaDBSettingsThatWorkWithLessAreWarnings() throws {
        let sandbox = try SandboxServer.start(.mariadb, options: ["--binlog-row-image=MINIMAL", "--binlog-row-metadata=NO_LOG"])
        defer { try? sandbox.stop() }
        let server = sandbox.connectionOptions().endpointDescription
        let report = try preflight(sandbox)
        #expect(report.warnings == [
            "binlog_row_image is MINIMAL on \(server): updates and deletes carry only the columns the server logs; for whole rows: SET GLOBAL binlog_row_image = 'FULL' (and binlog_row_image=FULL under [mysqld] in the server's my.cnf)",
            "binlog_row_metadata is NO_LOG on \(server): column names come from information_schema, which may be ahead of the stream after DDL; for names in the binlog: SET GLOBAL binlog_row_metadata = 'FULL' (and binlog_row_metadata=FULL under [mysqld] in the server's my.cnf)",
        ])
        for warning in report.warnings {
            try sandbox.connect().execute(try statement(#"SET GLOBAL binlog_row_\w+ = 'FULL'"#, in: warning))
        }
        #expect(try preflight(sandbox).warnings == [])
    }

    /// gtid_mode=OFF works for every start but a GTID set, which is refused with both ways out.
    @Test func aGTIDSetStartNeedsGTIDModeOn() throws {
        let sandbox = try SandboxServer.start(.mysql, options: ["--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"])
        defer { try? sandbox.stop() }
        #expect(throws: Never.self) { _ = try preflight(sandbox, start: .earliest) }
        let start = try StartPosition(parsing: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5")
        let error = try stopError(sandbox.sourceConfiguration(start: start))
        #expect(error.kind == .preflight)
        #expect(error.description == "start \(start) is a GTID set but gtid_mode is OFF on \(sandbox.connectionOptions().endpointDescription): start from current, earliest or FILE:POSITION, or turn GTIDs on one step at a time: SET PERSIST enforce_gtid_consistency = ON; SET PERSIST gtid_mode = OFF_PERMISSIVE; SET PERSIST gtid_mode = ON_PERMISSIVE; SET PERSIST gtid_mode = ON")
        let steps = try statement(#"SET PERSIST enforce_gtid_consistency.*$"#, in: error.description)
        for step in steps.split(separator: "; ") { try sandbox.connect().execute(String(step)) }
        #expect(throws: Never.self, "the pasted steps") { _ = try preflight(sandbox, start: start) }
    }

    /// A replica that does not log what it replicates would hide every replicated change from binlogo.
    @Test(arguments: ServerFlavor.allCases) func aReplicaMustLogWhatItReplicates(flavor: ServerFlavor) throws {
        let primary = try SandboxServer.start(flavor)
        defer { try? primary.stop() }
        let variable = flavor == .mysql ? "log_replica_updates" : "log_slave_updates"
        let replica = try SandboxServer.start(flavor, options: ["--server-id=2", "--\(variable.replacing("_", with: "-"))=OFF"])
        defer { try? replica.stop() }
        #expect(throws: Never.self, "not a replica yet") { _ = try preflight(replica) }
        let admin = try replica.connect()
        switch flavor {
        case .mysql:
            try admin.execute("CHANGE REPLICATION SOURCE TO SOURCE_HOST = '127.0.0.1', SOURCE_PORT = \(primary.port), SOURCE_USER = 'root', SOURCE_AUTO_POSITION = 1")
            try admin.execute("START REPLICA")
        case .mariadb:
            try admin.execute("CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = \(primary.port), MASTER_USER = 'root', MASTER_USE_GTID = slave_pos")
            try admin.execute("START SLAVE")
        }
        if flavor == .mariadb {
            #expect(try waitUntil(seconds: 30) { try admin.query("SHOW GLOBAL STATUS LIKE 'Slaves_running'").first?[1] == "1" })
        }
        let error = try stopError(replica.sourceConfiguration(start: .earliest))
        #expect(error.kind == .preflight)
        let server = replica.connectionOptions().endpointDescription
        switch flavor {
        case .mysql:
            #expect(error.description == "\(server) is a replica with log_replica_updates OFF: what it replicates never reaches its binlog, so binlogo would miss it: SET PERSIST_ONLY log_replica_updates = ON, then restart the server")
            try admin.execute(try statement(#"SET PERSIST_ONLY log_replica_updates = ON"#, in: error.description))
        case .mariadb:
            #expect(error.description == "\(server) is a replica with log_slave_updates OFF: what it replicates never reaches its binlog, so binlogo would miss it: add log_slave_updates=ON under [mysqld] in the server's my.cnf and restart it")
        }
        let restarted = try replica.restart(options: ["--server-id=2"] + (flavor == .mariadb ? ["--log-slave-updates=ON"] : []))
        #expect(try restarted.connect().queryValue("SELECT @@global.\(variable)") == "1")
        #expect(throws: Never.self, "after the fix and a restart") { _ = try preflight(restarted) }
    }

    @Test(arguments: ServerFlavor.allCases) func missingGrantsAreNamedWithTheGrantToPaste(flavor: ServerFlavor) throws {
        let sandbox = try SandboxServer.shared(flavor)
        let user = "nogrant_\(UUID().uuidString.prefix(6).lowercased())"
        let admin = try sandbox.connect()
        try admin.execute("CREATE USER '\(user)'@'%' IDENTIFIED BY 'secret-pw'")
        try admin.execute("GRANT SELECT ON *.* TO '\(user)'@'%'")
        defer { try? admin.execute("DROP USER '\(user)'@'%'") }
        var configuration = sandbox.sourceConfiguration(start: .earliest, user: user, password: .inline("secret-pw"))
        // MySQL's caching_sha2_password sends a password over TLS (the sandbox's own certificate) or RSA.
        if flavor == .mysql { configuration.connection.tls = TLSOptions(verifyServerCertificate: false) }
        let server = configuration.connection.endpointDescription

        let noGrants = try stopError(configuration)
        #expect(noGrants.kind == .preflight)
        #expect(noGrants.description == "user '\(user)'@'%' lacks REPLICATION SLAVE and REPLICATION CLIENT on \(server) (binlogo reads the binlog with REPLICATION SLAVE and its positions with REPLICATION CLIENT): GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '\(user)'@'%'")
        try admin.execute("GRANT REPLICATION SLAVE ON *.* TO '\(user)'@'%'")
        let oneMissing = try stopError(configuration)
        #expect(oneMissing.description == "user '\(user)'@'%' lacks REPLICATION CLIENT on \(server) (binlogo reads the binlog with REPLICATION SLAVE and its positions with REPLICATION CLIENT): GRANT REPLICATION CLIENT ON *.* TO '\(user)'@'%'")
        // The suggested GRANT, pasted into the server as an administrator, is the fix.
        try admin.execute(try statement("GRANT .*$", in: oneMissing.description))
        var granted = configuration.connection
        granted.password = "secret-pw"
        #expect(throws: Never.self, "the grant fixed it") { _ = try ServerPreflight().run(on: try MySQLConnection(granted)) }
    }

    @Test func wrongPasswordUnreachablePortAndMissingPasswordFile() throws {
        let sandbox = try MariaDBSandbox.shared()
        let user = "nogrant_\(UUID().uuidString.prefix(6).lowercased())"
        let admin = try sandbox.connect()
        try admin.execute("CREATE USER '\(user)'@'%' IDENTIFIED BY 'secret-pw'")
        defer { try? admin.execute("DROP USER '\(user)'@'%'") }

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
