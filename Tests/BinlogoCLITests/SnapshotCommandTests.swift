import Foundation
import TestBench
import Testing

/// `binlogo snapshot start|cancel` writes a request row into the pipeline's signal table with the
/// pipeline's own user; what stands in the way (no signal table configured, none created, no INSERT
/// privilege) is one line with the fix, which works when pasted.
@Suite struct SnapshotCommandTests {
    @Test func requestsGoIntoTheSignalTableAndEachObstacleNamesItsFix() throws {
        let sandbox = try MariaDBSandbox.shared()
        let database = try TestDatabase.create(prefix: "snap_cmd")
        let root = try database.connect()
        let user = "snapcmd_\(UUID().uuidString.prefix(6).lowercased())"
        try root.execute("CREATE USER '\(user)'@'%' IDENTIFIED BY 'snap-pw'")
        defer { try? root.execute("DROP USER '\(user)'@'%'") }
        try root.execute("GRANT SELECT, REPLICATION CLIENT ON *.* TO '\(user)'@'%'")
        let daemon = try DaemonProcess(pipelines: [
            """
              - name: withsignals
                mysql: {host: 127.0.0.1, port: \(sandbox.port), user: \(user), password: "snap-pw", server_id: 7871\(sandbox.serverPublicKeyYAML)}
                filters: {include: ["\(database.name).*"]}
                snapshot: {signal_table: \(database.name).signals}
                output: {stdout: {}}
            """,
            "  - name: plain\n    mysql: {host: 127.0.0.1, port: \(sandbox.port), user: root, server_id: 7872}\n    output: {stdout: {}}",
        ])
        func snapshot(_ arguments: [String], pipeline: String = "withsignals") throws -> CommandResult {
            try runProduct("binlogo", ["snapshot"] + arguments.prefix(1) + ["--config", daemon.configPath, "--pipeline", pipeline] + arguments.dropFirst())
        }
        /// Runs the SQL a one-line error ends with (after `create it: ` or `grant it: `) as an operator would
        /// paste it: statement by statement.
        func paste(_ line: String) throws {
            let range = try #require(line.range(of: " it: "), "\(line)")
            for statement in line[range.upperBound...].split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                try root.execute(String(statement))
            }
        }
        let start = ["start", "--table", "\(database.name).items", "--table", "\(database.name).more", "--where", "note = 'it''s' AND id > 5"]

        let noTable = try snapshot(start)
        #expect(noTable.status != 0 && noTable.standardError.split(separator: "\n").count == 1, "\(noTable.standardError)")
        #expect(noTable.standardError.contains("does not exist") && noTable.standardError.contains("CREATE TABLE")
                    && noTable.standardError.contains("GRANT INSERT ON"), "\(noTable.standardError)")
        try paste(noTable.standardError)
        try root.execute("REVOKE INSERT ON signals FROM '\(user)'@'%'")

        let noPrivilege = try snapshot(start)
        #expect(noPrivilege.status != 0 && noPrivilege.standardError.split(separator: "\n").count == 1, "\(noPrivilege.standardError)")
        #expect(noPrivilege.standardError.contains("may not insert into \(database.name).signals; grant it: GRANT INSERT ON"),
                "\(noPrivilege.standardError)")
        try paste(noPrivilege.standardError)

        let requested = try snapshot(start)
        #expect(requested.status == 0, "\(requested.standardError)")
        for action in ["pause", "resume", "cancel"] {
            let done = try snapshot([action])
            #expect(done.status == 0, "\(action): \(done.standardError)")
        }
        let rows = try root.query("SELECT pipeline, action, tables, `condition` FROM signals ORDER BY id")
        #expect(rows == [["withsignals", "snapshot", "\(database.name).items,\(database.name).more", "note = 'it''s' AND id > 5"],
                         ["withsignals", "pause", nil, nil], ["withsignals", "resume", nil, nil], ["withsignals", "cancel", nil, nil]], "\(rows)")

        let unconfigured = try snapshot(["cancel"], pipeline: "plain")
        #expect(unconfigured.status != 0 && unconfigured.standardError.contains("add `snapshot: {signal_table: binlogo.signals}`"),
                "\(unconfigured.standardError)")
        let noTables = try snapshot(["start"])
        #expect(noTables.status != 0 && noTables.standardError.contains("--table"), "\(noTables.standardError)")
    }
}
