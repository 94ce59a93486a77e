import Foundation
import MySQLSource
import TestBench
import Testing

/// Each way to start gives exactly the changes written after that point.
@Suite struct StartPositionTests {
    private func insert(_ connection: MySQLConnection, _ ids: ClosedRange<Int>) throws {
        for id in ids { try connection.execute("INSERT INTO t VALUES (\(id), 'v\(id)')") }
    }

    private func ids(_ changes: [SourceRecorder.Recorded]) -> [String] {
        changes.map(\.row)
    }

    private func rows(_ ids: ClosedRange<Int>) -> [String] {
        ids.map { "{\"id\":\($0),\"v\":\"v\($0)\"}" }
    }

    @Test func startsAtCurrentEarliestFilePositionAndGTID() throws {
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "start", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))")
        try insert(connection, 1...2)
        if sandbox.flavor == .mysql {
            // A tagged GTID (MySQL 8.4+) inside the set the GTID start is given.
            try connection.execute("SET gtid_next = 'AUTOMATIC:start_tag'")
            try insert(connection, 3...3)
            try connection.execute("SET gtid_next = 'AUTOMATIC'")
        } else {
            try insert(connection, 3...3)
        }
        let middle = try connection.currentBinlogPosition()
        let middleGTID: StartPosition = switch sandbox.flavor {
        case .mariadb: .mariaDBGTID(try #require(try connection.queryValue("SELECT @@gtid_binlog_pos")))
        case .mysql: .mysqlGTIDSet(try MySQLGTIDSet(parsing: try #require(try connection.queryValue("SELECT @@global.gtid_executed"))))
        }
        if case .mysqlGTIDSet(let set) = middleGTID { #expect(set.description.contains(":start_tag:"), "\(set)") }
        try insert(connection, 4...5)

        // current: only what comes after the source started.
        let current = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .current), database: database.name)
        defer { current.stop() }
        // earliest and an explicit file:pos and a GTID: from there on.
        let earliest = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .earliest), database: database.name)
        defer { earliest.stop() }
        let explicit = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .file(middle.file, position: middle.position)),
                                      database: database.name)
        defer { explicit.stop() }
        let gtid = SourceRecorder(configuration: sandbox.sourceConfiguration(start: middleGTID), database: database.name)
        defer { gtid.stop() }

        // Wait until each has read what was there, then write more.
        #expect(earliest.wait { $0.count >= 5 })
        #expect(explicit.wait { $0.count >= 2 })
        #expect(gtid.wait { $0.count >= 2 })
        Thread.sleep(forTimeInterval: 0.5)  // the current source has connected by now (it read nothing yet)
        try insert(connection, 6...7)

        #expect(current.wait { $0.count >= 2 })
        #expect(earliest.wait { $0.count >= 7 })
        #expect(explicit.wait { $0.count >= 4 })
        #expect(gtid.wait { $0.count >= 4 })
        Thread.sleep(forTimeInterval: 0.3)  // nothing more may arrive
        #expect(ids(current.changes) == rows(6...7))
        #expect(ids(earliest.changes) == rows(1...7))
        #expect(ids(explicit.changes) == rows(4...7))
        #expect(ids(gtid.changes) == rows(4...7))
        #expect(earliest.ddl.contains { $0.contains("CREATE TABLE t") })
        #expect(current.stopError == nil)
    }

    @Test func startPositionsParse() throws {
        #expect(try StartPosition(parsing: "current") == .current)
        #expect(try StartPosition(parsing: " earliest ") == .earliest)
        #expect(try StartPosition(parsing: "binlog.000042:4") == .file("binlog.000042", position: 4))
        #expect(try StartPosition(parsing: "0-1-1234,1-2-5") == .mariaDBGTID("0-1-1234,1-2-5"))
        for bad in ["", "binlog.000042:2", "latest", "0-1", "binlog.000042:x"] {
            #expect(throws: StartPosition.Invalid.self, "\(bad)") { try StartPosition(parsing: bad) }
        }
    }
}
