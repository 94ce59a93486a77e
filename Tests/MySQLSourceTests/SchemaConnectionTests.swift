import Foundation
import MySQLSource
import TestBench
import Testing

/// With MariaDB's default binlog_row_metadata (NO_LOG) every column name, sign, charset and key
/// comes from information_schema over a connection of its own; that connection dies with a
/// server restart or wait_timeout, and a new table after that must still decode.
@Suite(.serialized) struct SchemaConnectionTests {
    /// No column names in the binlog: MariaDB's NO_LOG, MySQL's MINIMAL (MySQL has no NO_LOG).
    private static var noMetadata: String {
        get throws { try ServerFlavor.underTest == .mariadb ? "--binlog-row-metadata=NO_LOG" : "--binlog-row-metadata=MINIMAL" }
    }

    /// The rows of `table` as the source should hand them over: one JSON object per row, keys in
    /// column order, values as the server returns them (numbers for these columns' types).
    private func expectedRows(_ connection: MySQLConnection, table: String) throws -> [String] {
        try connection.query("SELECT id, CONCAT(label) FROM `\(table)` ORDER BY id").map { row in
            "{\"id\":\(row[0]!),\"label\":\"\(row[1]!)\"}"
        }
    }

    private func rows(of recorder: SourceRecorder, table: String) -> [String] {
        recorder.changes.filter { $0.table == table }.map(\.row)
    }

    @Test func aNewTableAfterAServerRestartDecodesWithItsNames() throws {
        var sandbox = try MariaDBSandbox.start(options: [try Self.noMetadata])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "schema_restart", on: sandbox)
        var connection = try database.connect()
        #expect(try "--binlog-row-metadata=" + (connection.queryValue("SELECT @@global.binlog_row_metadata") ?? "") == Self.noMetadata)
        try connection.execute("CREATE TABLE before_restart (id INT PRIMARY KEY, label VARCHAR(20))")
        try connection.execute("INSERT INTO before_restart VALUES (1, 'one'), (2, 'two')")
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .earliest), database: database.name)
        defer { recorder.stop() }
        #expect(recorder.wait { $0.count >= 2 })
        #expect(rows(of: recorder, table: "before_restart") == (try expectedRows(connection, table: "before_restart")))

        sandbox = try sandbox.restart(options: [try Self.noMetadata])
        // Attempts while the server was down are the stream's; from here the server is up.
        let reconnectsWhileDown = recorder.reconnects
        connection = try TestDatabase(name: database.name, sandbox: sandbox).connect()
        try connection.execute("CREATE TABLE after_restart (id INT PRIMARY KEY, label VARCHAR(20))")
        try connection.execute("INSERT INTO after_restart VALUES (10, 'ten'), (11, 'eleven')")
        let expected = try expectedRows(connection, table: "after_restart")
        #expect(recorder.wait { $0.filter { $0.table == "after_restart" }.count >= 2 })
        #expect(rows(of: recorder, table: "after_restart") == expected, "names and values from the schema after the restart")
        // Once the server is up the stream reconnects once (twice if an attempt was under way); the
        // schema lookup on its dead connection adds no reconnect of its own.
        #expect(recorder.reconnects - reconnectsWhileDown <= 2, "reconnects: \(reconnectsWhileDown) while down, \(recorder.reconnects) in all")
        #expect(recorder.stopError == nil)
    }

    @Test func aNewTableAfterWaitTimeoutDecodesWithItsNames() throws {
        let sandbox = try MariaDBSandbox.start(options: [try Self.noMetadata, "--wait-timeout=2"])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "schema_idle", on: sandbox)
        var connection = try database.connect()
        try connection.execute("CREATE TABLE first (id INT PRIMARY KEY, label VARCHAR(20))")
        try connection.execute("INSERT INTO first VALUES (1, 'one')")
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .earliest), database: database.name)
        defer { recorder.stop() }
        #expect(recorder.wait { $0.count >= 1 })
        #expect(rows(of: recorder, table: "first") == (try expectedRows(connection, table: "first")))

        // The server closes every connection idle for 2 seconds: wait until the only sleeping
        // connection left is this watcher's own (it asks often enough to stay alive).
        let watcher = try sandbox.connect()
        #expect(waitUntilOnlyWatcherSleeps(watcher))
        connection = try database.connect()
        try connection.execute("CREATE TABLE second (id INT PRIMARY KEY, label VARCHAR(20))")
        try connection.execute("INSERT INTO second VALUES (5, 'five'), (6, 'six')")
        let expected = try expectedRows(connection, table: "second")
        #expect(recorder.wait { $0.filter { $0.table == "second" }.count >= 2 })
        #expect(rows(of: recorder, table: "second") == expected, "names and values from a new schema connection")
        #expect(recorder.reconnects <= 1, "reconnects: \(recorder.reconnects)")
        #expect(recorder.stopError == nil)
    }

    /// True once no connection but `watcher` is idle (`Sleep`) on the server; the replication
    /// stream's dump thread is not idle and stays.
    private func waitUntilOnlyWatcherSleeps(_ watcher: MySQLConnection) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let sleeping = (try? watcher.queryValue(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Sleep' AND ID <> CONNECTION_ID()")) ?? nil
            if sleeping == "0" { return true }
            usleep(200_000)
        }
        return false
    }
}
