import Foundation
import MySQLSource
import TestBench
import Testing

/// The stream goes on through a binlog rotation, a server restart and a killed replication
/// thread, with no transaction lost and none repeated.
@Suite(.serialized) struct ResilienceTests {
    private func expectedRows(_ ids: ClosedRange<Int>) -> [String] {
        ids.map { "{\"id\":\($0),\"v\":\"v\($0)\"}" }
    }

    /// Writes 1…n in transactions of two rows, calling `disturb` after the first third and after the second.
    private func run(disturb: (MariaDBSandbox, MySQLConnection) throws -> MariaDBSandbox) throws {
        var sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "resilience", on: sandbox)
        var connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .earliest), database: database.name)
        defer { recorder.stop() }
        var next = 1
        func write(_ transactions: Int) throws {
            for _ in 0..<transactions {
                try connection.execute("BEGIN")
                try connection.execute("INSERT INTO t VALUES (\(next), 'v\(next)'), (\(next + 1), 'v\(next + 1)')")
                try connection.execute("COMMIT")
                next += 2
            }
        }
        try write(10)
        #expect(recorder.wait { $0.count >= 20 })
        sandbox = try disturb(sandbox, connection)
        connection = try TestDatabase(name: database.name, sandbox: sandbox).connect()
        try write(10)
        #expect(recorder.wait { $0.count >= 40 })
        sandbox = try disturb(sandbox, connection)
        connection = try TestDatabase(name: database.name, sandbox: sandbox).connect()
        try write(10)
        #expect(recorder.wait { $0.count >= 60 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(recorder.changes.map(\.row) == expectedRows(1...60), "no change lost, none repeated, in order")
        #expect(recorder.stopError == nil)
    }

    @Test func binlogRotationMidStream() throws {
        try run { sandbox, connection in
            try connection.execute("FLUSH BINARY LOGS")
            return sandbox
        }
    }

    @Test func serverRestartMidStream() throws {
        try run { sandbox, _ in
            try sandbox.restart()
        }
    }

    @Test func killedReplicationConnection() throws {
        try run { sandbox, connection in
            let dumps = try connection.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
            #expect(dumps.count == 1)
            for row in dumps { try connection.execute("KILL \(row[0]!)") }
            return sandbox
        }
    }

    @Test func stopIsPromptWhileWaitingForEvents() throws {
        let sandbox = try MariaDBSandbox.shared()
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .current), database: "none")
        Thread.sleep(forTimeInterval: 0.5)
        let started = Date()
        recorder.stop()
        #expect(Date().timeIntervalSince(started) < 2, "stop interrupts the blocked read")
        #expect(recorder.stopError == nil)
    }
}
