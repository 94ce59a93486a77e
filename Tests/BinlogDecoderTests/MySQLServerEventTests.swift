@testable import BinlogDecoder
import Foundation
import MySQLSource
import TestBench
import Testing

/// MySQL 8.4/9.x event forms as a real MySQL 9.7 writes them (tagged GTIDs, tagged PREVIOUS_GTIDS,
/// compressed transactions, heartbeats), decoded and compared with what the server itself says:
/// SHOW BINLOG EVENTS, @@gtid_executed and SELECT.
@Suite(.serialized) struct MySQLServerEventTests {
    /// What a non-blocking dump from `start` to the end of the binlog decodes to: every event (the events
    /// of a TRANSACTION_PAYLOAD_EVENT in its place), and the payload events themselves.
    struct Dump {
        var events: [DecodedEvent] = []
        var payloads: [(event: DecodedEvent, payload: TransactionPayload, tables: Set<String>)] = []
    }

    static func dump(_ sandbox: SandboxServer, from start: BinlogReplicationStream.Start) throws -> Dump {
        let stream = try BinlogReplicationStream(connection: try sandbox.connect(), serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: .crc32)
        var dump = Dump()
        while let outer = try stream.next({ try decoder.decode($0) }) {
            guard case .transactionPayload(let payload) = outer.event else {
                dump.events.append(outer)
                continue
            }
            var tables: Set<String> = []
            while let inner = try decoder.nextPayloadEvent() {
                if case .tableMap(let table) = inner.event { tables.insert(table.qualifiedName) }
                dump.events.append(inner)
            }
            dump.payloads.append((outer, payload, tables))
        }
        return dump
    }

    /// SHOW BINLOG EVENTS from `start`: (position, type, end position, info) per event.
    static func serverEvents(_ connection: MySQLConnection, from start: BinlogReplicationStream.Start) throws -> [(position: UInt64, type: String, end: UInt64, info: String)] {
        try connection.serverBinlogEvents(in: start.file, from: start.position).map { row in
            (UInt64(row[1] ?? "") ?? 0, row[2] ?? "", UInt64(row[4] ?? "") ?? 0, row[5] ?? "")
        }
    }

    /// A tag of this test run's own: tags accumulate in the shared server's GTID state.
    static func freshTag() -> String { "t" + UUID().uuidString.prefix(8).lowercased().filter { $0.isLetter || $0.isNumber } }

    /// Tagged transactions (`AUTOMATIC:tag` and `uuid:tag:N`), a tagged DDL statement and tagged XA
    /// transactions, two of them compressed (MySQL compresses XA PREPARE's group, XA_PREPARE_LOG_EVENT
    /// last inside): each GTID reads as SHOW BINLOG EVENTS shows it, and the transactions assemble as
    /// untagged, uncompressed ones do.
    @Test func taggedTransactionsReadAsTheServerShowsThem() throws {
        let sandbox = try SandboxServer.shared(.mysql)
        let database = try TestDatabase.create(prefix: "tagged", on: sandbox)
        let connection = try database.connect()
        let uuid = try #require(try connection.queryValue("SELECT @@server_uuid"))
        let tag = Self.freshTag()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        let start = try connection.currentBinlogPosition()
        try connection.execute("SET gtid_next = 'AUTOMATIC:\(tag)a'")
        try connection.execute("INSERT INTO t VALUES (1, 'automatic')")
        try connection.execute("SET gtid_next = '\(uuid):\(tag)b:7'")
        try connection.execute("INSERT INTO t VALUES (2, 'explicit')")
        try connection.execute("SET gtid_next = 'AUTOMATIC:\(tag)a'")
        try connection.execute("CREATE TABLE u (id INT PRIMARY KEY)")
        try connection.execute("XA START 'xa_\(tag)'")
        try connection.execute("INSERT INTO t VALUES (3, 'xa')")
        try connection.execute("XA END 'xa_\(tag)'")
        try connection.execute("XA PREPARE 'xa_\(tag)'")
        try connection.execute("XA COMMIT 'xa_\(tag)'")
        try connection.execute("SET gtid_next = 'AUTOMATIC'")
        try connection.execute("INSERT INTO t VALUES (4, 'untagged')")
        try connection.execute("SET SESSION binlog_transaction_compression = ON")
        try connection.execute("SET gtid_next = 'AUTOMATIC:\(tag)a'")
        try connection.execute("XA START 'xc_\(tag)'")
        try connection.execute("INSERT INTO t VALUES (5, 'xa compressed')")
        try connection.execute("XA END 'xc_\(tag)'")
        try connection.execute("XA PREPARE 'xc_\(tag)'")
        try connection.execute("XA COMMIT 'xc_\(tag)'")
        try connection.execute("XA START 'xd_\(tag)'")
        try connection.execute("INSERT INTO t VALUES (6, 'one phase')")
        try connection.execute("XA END 'xd_\(tag)'")
        try connection.execute("XA COMMIT 'xd_\(tag)' ONE PHASE")
        try connection.execute("SET gtid_next = 'AUTOMATIC'")

        // Every GTID event decodes to the text the server shows for it (other tests' transactions included).
        let dump = try Self.dump(sandbox, from: start)
        let shown = try Self.serverEvents(try sandbox.connect(), from: start)
        var serverGTIDs: [UInt64: String] = [:]
        for event in shown where event.type.hasPrefix("Gtid") {
            serverGTIDs[event.position] = event.info.split(separator: "'").dropFirst().first.map(String.init)
        }
        let decodedGTIDs = dump.events.compactMap { event -> (UInt64, String)? in
            guard case .mysqlGTID(let gtid) = event.event else { return nil }
            return (event.position, gtid.description)
        }
        #expect(decodedGTIDs.count >= 9)
        #expect(dump.payloads.filter { $0.tables.contains("\(database.name).t") }.count == 2)
        for (position, text) in decodedGTIDs { #expect(serverGTIDs[position] == text, "GTID at \(position)") }
        let tagged = shown.filter { $0.type == "Gtid_tagged_log_event" && $0.info.contains(":\(tag)") }
        #expect(tagged.count == 8, "\(tagged)")  // two inserts, the DDL, twice XA PREPARE and XA COMMIT, XA COMMIT ONE PHASE
        let executed = try #require(try connection.queryValue("SELECT @@gtid_executed")).filter { !$0.isWhitespace }
        #expect(executed.contains(":\(tag)b:7"))

        // The transactions: rows and DDL carry their tagged GTIDs, each is marked as its transaction's last,
        // and the XA transaction's row comes once, at XA COMMIT.
        let changes = try SandboxChanges.read(database, from: start)
        let rows = changes.compactMap { change -> (String, String, Bool)? in
            guard case let .row(event, row, placement) = change else { return nil }
            let writer = JSONWriter()
            try? event.writeImage(row: row, image: .after, excluded: nil, to: writer)
            return (String(decoding: writer.bytes, as: UTF8.self), placement.gtid, placement.isLastInTransaction)
        }
        #expect(rows.map(\.0) == ["{\"id\":1,\"v\":\"automatic\"}", "{\"id\":2,\"v\":\"explicit\"}", "{\"id\":3,\"v\":\"xa\"}",
                                  "{\"id\":4,\"v\":\"untagged\"}", "{\"id\":5,\"v\":\"xa compressed\"}", "{\"id\":6,\"v\":\"one phase\"}"])
        #expect(rows.allSatisfy { $0.2 })
        // Each row's GTID is the one the server shows before the row's table map.
        var rowGTIDs: [String] = []
        var current = ""
        for event in shown {
            if event.type.hasPrefix("Gtid") { current = serverGTIDs[event.position] ?? "" }
            if event.type == "Table_map", event.info.contains("(\(database.name).t)") { rowGTIDs.append(current) }
        }
        #expect(rows.map(\.1) == rowGTIDs)
        try #require(rows.count == 6)
        #expect(rows[1].1 == "\(uuid):\(tag)b:7" && rows[0].1.hasPrefix("\(uuid):\(tag)a:"))
        let ddl = changes.compactMap { change -> (String, String, Bool)? in
            guard case let .ddl(schemaChange, placement) = change else { return nil }
            return (schemaChange.query.statement, placement.gtid, placement.isLastInTransaction)
        }
        #expect(ddl.count == 1 && ddl.first?.0 == "CREATE TABLE u (id INT PRIMARY KEY)" && ddl.first?.2 == true)
        #expect(ddl.first?.1.hasPrefix("\(uuid):\(tag)a:") == true)
    }

    /// The PREVIOUS_GTIDS event at the head of a new binlog file is `@@gtid_executed` just before the
    /// flush, in the untagged and in the tagged format, with a second source UUID, tagged and untagged.
    @Test func previousGTIDsAreTheServersGTIDExecuted() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let connection = try sandbox.connect()
        try connection.execute("CREATE DATABASE d")
        try connection.execute("CREATE TABLE d.t (id INT PRIMARY KEY)")
        func previousGTIDsOfNewFile() throws -> (decoded: String?, executed: String) {
            let executed = try connection.queryValue("SELECT @@gtid_executed") ?? ""
            try connection.execute("FLUSH BINARY LOGS")
            let file = try #require(try connection.query("SHOW BINARY LOGS").last?.first ?? nil)
            let state = try Self.dump(sandbox, from: .init(file: file)).events.lazy.compactMap { event -> String? in
                if case .gtidState(let text) = event.event { return text }
                return nil
            }.first
            // The server prints a line break after each comma.
            return (state, executed.replacingOccurrences(of: "\n", with: ""))
        }
        try connection.execute("INSERT INTO d.t VALUES (1), (2)")
        let other = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        for gtid in ["\(other):3", "\(other):5"] {
            try connection.execute("SET gtid_next = '\(gtid)'")
            try connection.execute("BEGIN")
            try connection.execute("COMMIT")
        }
        try connection.execute("SET gtid_next = 'AUTOMATIC'")
        let untagged = try previousGTIDsOfNewFile()
        #expect(untagged.decoded == untagged.executed)
        // Members are in UUID order, and the server's own UUID is random: compare them as a set.
        #expect(untagged.executed.split(separator: ",").contains("\(other):3:5"), "\(untagged.executed)")

        try connection.execute("SET gtid_next = 'AUTOMATIC:tag_one'")
        try connection.execute("INSERT INTO d.t VALUES (3)")
        try connection.execute("INSERT INTO d.t VALUES (4)")
        try connection.execute("SET gtid_next = 'AUTOMATIC:b2'")
        try connection.execute("INSERT INTO d.t VALUES (5)")
        for gtid in ["\(other):zeta:9", "\(other):zeta:11"] {
            try connection.execute("SET gtid_next = '\(gtid)'")
            try connection.execute("BEGIN")
            try connection.execute("COMMIT")
        }
        try connection.execute("SET gtid_next = 'AUTOMATIC'")
        try connection.execute("INSERT INTO d.t VALUES (6)")
        let tagged = try previousGTIDsOfNewFile()
        #expect(tagged.decoded == tagged.executed)
        let members = tagged.executed.split(separator: ",")
        #expect(members.contains("\(other):3:5:zeta:9:11") && members.contains { $0.hasSuffix(":1-4:b2:1:tag_one:1-2") },
                "\(tagged.executed)")
    }

    /// The server sends a heartbeat after the period of quiet a dump asks for: MySQL 9.7 sends
    /// HEARTBEAT_LOG_EVENT_V2 (type 41), which decodes as a heartbeat.
    @Test func heartbeatOfAQuietServer() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let connection = try sandbox.connect()
        let start = try connection.currentBinlogPosition()
        let stream = try BinlogReplicationStream(connection: try sandbox.connect(), serverID: 4242, start: start, heartbeatSeconds: 0.05)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: .crc32)
        var heartbeat: DecodedEvent?
        for _ in 0..<10 {
            let decoded = try #require(try stream.next { try decoder.decode($0) })
            if case .heartbeat = decoded.event {
                heartbeat = decoded
                break
            }
        }
        let found = try #require(heartbeat)
        #expect(found.header.type == BinlogEventType.heartbeatV2)
    }

    /// One transaction of 5,000 rows of many types, inserted, updated and deleted, written compressed
    /// (one TRANSACTION_PAYLOAD_EVENT) and the same written uncompressed into a twin table: both decode
    /// to the same changes, and applying them gives what SELECT shows.
    @Test func compressedTransactionDecodesAsItsUncompressedTwin() throws {
        let sandbox = try SandboxServer.shared(.mysql)
        let database = try TestDatabase.create(prefix: "payload", on: sandbox)
        let columns: [CatalogueColumn] = [
            .number("i", "BIGINT"), .number("d", "DECIMAL(12,3)"), .string("s", "VARCHAR(40) CHARACTER SET utf8mb4"),
            .string("t", "TEXT CHARACTER SET utf8mb4"), .json("j", "JSON"), .string("dt", "DATETIME(6)"), .base64("b", "VARBINARY(16)"),
            .string("e", "ENUM('a','b','c')"), .double("f", "DOUBLE"), .number("n", "INT NULL"),
        ]
        let columnList = columns.map { "`\($0.name)` \($0.sqlType)" }.joined(separator: ", ")
        let setup = try database.connect()
        for table in ["compressed", "plain"] {
            try setup.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, \(columnList))")
        }
        let start = try setup.currentBinlogPosition()
        for (table, compression) in [("compressed", "ON"), ("plain", "OFF")] {
            let session = try database.connect()
            try session.execute("SET SESSION binlog_transaction_compression = \(compression)")
            try session.execute("SET SESSION cte_max_recursion_depth = 10000")
            try session.execute("SET SESSION time_zone = '+00:00'")
            try session.execute("BEGIN")
            try session.execute("""
                INSERT INTO \(table) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5000)
                SELECT n, n * 1000003 - 7, n / 7, CONCAT('row ', n, ' ü'), REPEAT('t', n % 300), JSON_OBJECT('n', n, 'odd', n % 2 = 1),
                       TIMESTAMPADD(SECOND, n, '2026-01-01 00:00:00.123456'), LEFT(UNHEX(SHA2(n, 256)), 16), ELT(1 + n % 3, 'a', 'b', 'c'),
                       n / 3e0, IF(n % 5 = 0, NULL, n)
                FROM seq
                """)
            try session.execute("UPDATE \(table) SET s = CONCAT(s, ' upd'), j = JSON_SET(j, '$.u', TRUE), n = NULL WHERE id % 3 = 0")
            try session.execute("DELETE FROM \(table) WHERE id % 7 = 0")
            try session.execute("COMMIT")
        }

        let dump = try Self.dump(sandbox, from: start)
        let ours = dump.payloads.filter { $0.tables.contains { $0.hasPrefix(database.name + ".") } }
        #expect(ours.count == 1, "one payload event, for the compressed table only")
        #expect(ours.first?.tables == ["\(database.name).compressed"])
        #expect(ours.first?.payload.compression == .zstd)
        let payloadPosition = try #require(ours.first?.event.position)
        let shown = try Self.serverEvents(try sandbox.connect(), from: start)
        let serverPayload = try #require(shown.first { $0.position == payloadPosition && $0.type == "Transaction_payload" })
        #expect(serverPayload.info.contains("decompressed_size=\(ours.first?.payload.uncompressedBytes ?? 0) bytes"))

        // The compressed transaction's events report the payload event's position; the last its end.
        var stream = ChangeStream()
        var images: [String: [(kind: String, old: TestJSON?, new: TestJSON?, last: Bool)]] = [:]
        var payloadEvents: [DecodedEvent] = []
        let writer = JSONWriter()
        for event in dump.events {
            if event.position == payloadPosition { payloadEvents.append(event) }
            try stream.consume(event, emit: { change in
                guard case let .row(rows, row, placement) = change, rows.table.database == database.name else { return }
                func image(_ image: RowsEvent.Image) throws -> TestJSON? {
                    guard rows.kind == .update || (image == .after) == (rows.kind == .insert) else { return nil }
                    writer.reset()
                    try rows.writeImage(row: row, image: image, excluded: nil, to: writer)
                    return try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self))
                }
                images[rows.table.table, default: []].append((rows.kind.rawValue, try image(.before), try image(.after), placement.isLastInTransaction))
            })
        }
        #expect(payloadEvents.first.map { if case .query = $0.event { true } else { false } } == true, "BEGIN first")
        #expect(payloadEvents.dropLast().allSatisfy { $0.header.nextPosition == 0 })
        #expect(payloadEvents.last?.header.nextPosition == UInt32(serverPayload.end))
        if case .xid = payloadEvents.last?.event {} else { Issue.record("the payload's last event is \(String(describing: payloadEvents.last?.event))") }

        let compressed = images["compressed"] ?? [], plain = images["plain"] ?? []
        #expect(compressed.count == 5000 + 1666 + 714)
        #expect(compressed.count == plain.count)
        #expect(compressed.filter(\.last).count == 1 && compressed.last?.last == true)
        for (index, (got, twin)) in zip(compressed, plain).enumerated() where got.kind != twin.kind || got.old != twin.old || got.new != twin.new {
            Issue.record("change \(index) differs: \(got) vs \(twin)")
            break
        }

        // Applying the changes gives the table SELECT shows.
        var table: [String: TestJSON] = [:]
        for change in compressed {
            if let old = change.old, let id = old["id"]?.numberText { table[id] = nil }
            if let new = change.new, let id = new["id"]?.numberText { table[id] = new }
        }
        let oracles = columns.map(\.oracle).joined(separator: ", ")
        let selected = try setup.query("SELECT id, \(oracles) FROM compressed ORDER BY id")
        #expect(selected.count == 5000 - 714 && table.count == selected.count)
        var mismatches: [String] = []
        for row in selected {
            guard let id = row[0], let image = table[id] else { mismatches.append("id \(row[0] ?? "?") missing"); continue }
            for (column, oracle) in zip(columns, row.dropFirst()) {
                let value = image[column.name] ?? .null
                let matches = oracle.map { column.matches(value, $0) } ?? (value == .null)
                if !matches { mismatches.append("id \(id) \(column.name): \(value) vs \(oracle ?? "NULL")") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
