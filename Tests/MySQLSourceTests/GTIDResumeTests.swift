import Foundation
import MySQLSource
import TestBench
import Testing

/// MySQL with `gtid_mode=ON`: the source's positions carry every transaction read as a GTID set
/// (checked against the server's own `@@gtid_executed`), and a restart from a stored position resumes
/// by that set (COM_BINLOG_DUMP_GTID), tagged GTIDs included, with nothing repeated or skipped.
@Suite(.serialized) struct GTIDResumeTests {
    private func insert(_ connection: MySQLConnection, _ ids: ClosedRange<Int>, tag: String? = nil) throws {
        if let tag { try connection.execute("SET gtid_next = 'AUTOMATIC:\(tag)'") }
        for id in ids { try connection.execute("INSERT INTO t VALUES (\(id), 'v\(id)')") }
        if tag != nil { try connection.execute("SET gtid_next = 'AUTOMATIC'") }
    }

    private func rows(_ ids: ClosedRange<Int>) -> [String] {
        ids.map { "{\"id\":\($0),\"v\":\"v\($0)\"}" }
    }

    private func executed(_ connection: MySQLConnection) throws -> MySQLGTIDSet {
        try MySQLGTIDSet(parsing: try #require(try connection.queryValue("SELECT @@global.gtid_executed")))
    }

    @Test func aRestartResumesByTheStoredGTIDSetEvenWhereTheFileIsGone() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "gtid_resume", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")

        let first = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .current), database: database.name)
        Thread.sleep(forTimeInterval: 0.5)
        try insert(connection, 1...3)
        try insert(connection, 4...5, tag: "resume_tag")
        #expect(first.wait { $0.count >= 5 })
        Thread.sleep(forTimeInterval: 0.3)
        first.stop()
        #expect(first.changes.map(\.row) == rows(1...5))
        let stored = try #require(first.lastPosition)
        let serverSet = try executed(connection)
        #expect(stored.gtidSet == serverSet, "the position's set is the server's: \(stored.gtidSet.map { "\($0)" } ?? "none") vs \(serverSet)")
        #expect(serverSet.description.contains(":resume_tag:"))

        // More transactions, in a new binlog file; the old ones are purged, and the stored file name
        // is made one the server never had: only the GTID set can say where to resume.
        try connection.execute("FLUSH BINARY LOGS")
        try insert(connection, 6...7)
        try insert(connection, 8...8, tag: "resume_tag")
        let newest = try connection.currentBinlogPosition().file
        try connection.execute("PURGE BINARY LOGS TO '\(newest)'")
        var moved = stored
        moved.file = "binlog.999999"
        moved.position = 4
        let second = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .earliest), database: database.name, from: moved)
        defer { second.stop() }
        #expect(second.wait { $0.count >= 3 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(second.changes.map(\.row) == rows(6...8), "nothing repeated, nothing skipped")
        #expect(second.stopError == nil)
        #expect(second.lastPosition?.gtidSet == (try executed(connection)))
    }

    @Test func aStartInsideAFileLearnsTheSetAtTheNextFile() throws {
        let sandbox = try SandboxServer.shared(.mysql)
        let database = try TestDatabase.create(prefix: "gtid_learn", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")
        try insert(connection, 1...2)
        let middle = try connection.currentBinlogPosition()
        try insert(connection, 3...4)

        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .file(middle.file, position: middle.position)),
                                      database: database.name)
        defer { recorder.stop() }
        #expect(recorder.wait { $0.count >= 2 })
        #expect(recorder.lastPosition?.gtidSet == nil, "inside a file the transactions before the start are unknown")
        try connection.execute("FLUSH BINARY LOGS")
        try insert(connection, 5...5)
        #expect(recorder.wait { $0.count >= 3 })
        Thread.sleep(forTimeInterval: 0.3)
        #expect(recorder.changes.map(\.row) == rows(3...5))
        #expect(recorder.lastPosition?.gtidSet == (try executed(connection)), "the next file's PREVIOUS_GTIDS and what followed")
    }

    @Test func aStoredPositionWithAGTIDSetRoundTripsThroughItsJSON() throws {
        let set = try MySQLGTIDSet(parsing: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:tag_a:1-2")
        let position = SourcePosition(file: "binlog.000003", position: 1234, gtid: "3e11fa47-71ca-11e1-9e33-c80aa9429562:7", gtidSet: set)
        let json = try JSONEncoder().encode(position)
        #expect(String(decoding: json, as: UTF8.self).contains("\"gtid_set\":\"3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:tag_a:1-2\""))
        #expect(try JSONDecoder().decode(SourcePosition.self, from: json) == position)
        let older = Data(#"{"file":"binlog.000003","position":1234}"#.utf8)
        #expect(try JSONDecoder().decode(SourcePosition.self, from: older).gtidSet == nil, "checkpoints written before sets still load")
    }
}
