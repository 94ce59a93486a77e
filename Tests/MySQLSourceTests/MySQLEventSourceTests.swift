import Foundation
import MySQLSource
import TestBench
import Testing

/// The source on MySQL 9.7's own event forms: a compressed transaction (TRANSACTION_PAYLOAD_EVENT)
/// resumes after, never inside, and an INCIDENT_EVENT stops the pipeline with the way past it.
@Suite(.serialized) struct MySQLEventSourceTests {
    /// SHOW BINLOG EVENTS of `file`: (position, type, end position, info).
    private func serverEvents(_ connection: MySQLConnection, _ file: String) throws -> [(position: UInt64, type: String, end: UInt64, info: String)] {
        try connection.serverBinlogEvents(in: file).map { row in
            (UInt64(row[1] ?? "") ?? 0, row[2] ?? "", UInt64(row[4] ?? "") ?? 0, row[5] ?? "")
        }
    }

    /// A compressed transaction of 40 rows: the source hands on its events with resume points at the
    /// payload event (while inside it) and at its end (after its last event), never between; a restart
    /// from the last point repeats nothing of it and reads the next ones; a restart from a point inside
    /// reads it again whole.
    @Test func restartAfterACompressedTransactionRepeatsNothing() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "payload", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("SET SESSION binlog_transaction_compression = ON")
        let start = try connection.currentBinlogPosition()
        func transaction(_ ids: ClosedRange<Int>) throws {
            try connection.execute("BEGIN")
            for id in ids { try connection.execute("INSERT INTO t VALUES (\(id), 'v\(id)')") }
            try connection.execute("UPDATE t SET v = CONCAT(v, '+') WHERE id = \(ids.lowerBound)")
            try connection.execute("COMMIT")
        }
        func rows(_ ids: ClosedRange<Int>) -> [String] {
            ids.map { "t insert {\"id\":\($0),\"v\":\"v\($0)\"}" } + ["t update {\"id\":\(ids.lowerBound),\"v\":\"v\(ids.lowerBound)+\"}"]
        }
        try transaction(1...40)

        let configuration = sandbox.sourceConfiguration(start: .file(start.file, position: start.position))
        let first = SourceRecorder(configuration: configuration, database: database.name)
        #expect(first.wait { $0.count >= 41 })
        first.stop()
        #expect(first.changes.map(\.description) == rows(1...40))
        let payload = try #require(try serverEvents(connection, start.file).first { $0.type == "Transaction_payload" })
        let handed = first.handedOn.filter { $0.position == payload.position }
        #expect(handed.count > 3, "the payload's events are handed on one by one")
        #expect(handed.dropLast().allSatisfy { $0.resumePosition.position == UInt32(payload.position) && !$0.endsTransaction })
        #expect(handed.last?.resumePosition.position == UInt32(payload.end) && handed.last?.endsTransaction == true)
        let resume = try #require(first.lastPosition)
        #expect(resume.file == start.file && resume.position == UInt32(payload.end))

        // Two more transactions, one compressed, one not; then the source starts again where it stopped.
        try transaction(41...45)
        try connection.execute("SET SESSION binlog_transaction_compression = OFF")
        try transaction(46...48)
        let second = SourceRecorder(configuration: configuration, database: database.name, from: resume)
        #expect(second.wait { $0.count >= 10 })
        Thread.sleep(forTimeInterval: 0.3)
        second.stop()
        #expect(second.changes.map(\.description) == rows(41...45) + rows(46...48), "nothing of the first transaction again")

        // From a point inside the first payload (the one its first events reported), it is read again whole.
        let inside = SourcePosition(file: start.file, position: UInt32(payload.position))
        let third = SourceRecorder(configuration: configuration, database: database.name, from: inside)
        #expect(third.wait { $0.count >= 51 })
        third.stop()
        #expect(third.changes.map(\.description) == rows(1...40) + rows(41...45) + rows(46...48))
    }

    /// A real INCIDENT_EVENT (a MyISAM statement larger than `max_binlog_stmt_cache_size`: its changes stay
    /// in the table and never reach the binlog) stops the source before anything after it, with a
    /// message that names the place, quotes the server and says how to go past it; doing that goes on.
    @Test func anIncidentStopsTheSourceUntilAPersonMovesPastIt() throws {
        let sandbox = try SandboxServer.start(.mysql, options: ["--max-binlog-stmt-cache-size=4096", "--binlog-stmt-cache-size=4096"])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "incident", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(500)) ENGINE=MyISAM")
        let start = try connection.currentBinlogPosition()
        try connection.execute("INSERT INTO t VALUES (1, 'before')")
        #expect(throws: MySQLError.self) {
            try connection.execute("INSERT INTO m WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100) SELECT n, REPEAT('x', 400) FROM s")
        }
        try connection.execute("INSERT INTO t VALUES (2, 'after')")
        let incident = try #require(try serverEvents(connection, start.file).first { $0.type == "Incident" })
        #expect(incident.info == "#1 (LOST_EVENTS)")

        let configuration = sandbox.sourceConfiguration(start: .file(start.file, position: start.position))
        let recorder = SourceRecorder(configuration: configuration, database: database.name, pipeline: "orders")
        #expect(recorder.waitUntilStopped())
        let error = try #require(recorder.stopError)
        #expect(error.kind == .incident)
        #expect(error.description.hasPrefix("\(start.file):\(incident.position): the server logged incident 1 (LOST_EVENTS) \""))
        #expect(error.description.contains("\"Non-transactional changes were not written to the binlog.\""))
        #expect(error.description.contains("changes may be missing"))
        #expect(error.description.contains("`binlogo position set --pipeline orders \(start.file):\(incident.end)`"))
        #expect(!error.description.contains("\n"))
        #expect(recorder.changes.map(\.description) == ["t insert {\"id\":1,\"v\":\"before\"}"], "nothing after the incident")

        // What the message says to do: resume right after the incident.
        let past = SourceRecorder(configuration: configuration, database: database.name,
                                  from: SourcePosition(file: start.file, position: UInt32(incident.end)))
        #expect(past.wait { $0.count >= 1 })
        past.stop()
        #expect(past.changes.map(\.description) == ["t insert {\"id\":2,\"v\":\"after\"}"])
        #expect(past.stopError == nil)
    }
}
