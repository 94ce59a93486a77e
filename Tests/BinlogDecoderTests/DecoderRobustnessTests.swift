@testable import BinlogDecoder
import Foundation
import MySQLSource
import TestBench
import Testing

/// Random, truncated and bit-flipped events fed to the decoder (and every decoded row to the
/// JSON encoder): it may only throw, never crash, hang or read out of bounds. The MySQL corpus has
/// MySQL 9.7's own forms: tagged GTIDs, compressed transactions (zstd and none), tagged PREVIOUS_GTIDS
/// and an INCIDENT_EVENT.
@Suite struct DecoderRobustnessTests {
    /// Real events from the sandbox servers (a table of many types, written to; on MySQL, JSON columns
    /// changed in place under PARTIAL_JSON with FULL and MINIMAL row images), plus the MySQL 8 vectors.
    private func corpus() throws -> [[UInt8]] {
        try mariaDBCorpus() + mysqlPartialJSONCorpus()
    }

    /// PARTIAL_UPDATE_ROWS events with diffs applied (FULL) and kept (MINIMAL), after their stream's format description.
    private func mysqlPartialJSONCorpus() throws -> [[UInt8]] {
        let database = try TestDatabase.create(prefix: "fuzz", on: SandboxServer.shared(.mysql))
        let connection = try database.connect()
        try connection.execute("SET SESSION binlog_row_value_options = 'PARTIAL_JSON'")
        let start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE docs (id INT PRIMARY KEY, doc JSON, note VARCHAR(20), other JSON)")
        try connection.execute("""
            INSERT INTO docs VALUES (1, JSON_OBJECT('pad', REPEAT('p', 300), 'a', 1, 'list', JSON_ARRAY(1, JSON_ARRAY(2, 3), 'ü')), 'n',
              JSON_ARRAY(REPEAT('q', 300), JSON_OBJECT('k', 'v'))), (2, JSON_ARRAY(REPEAT('r', 300), 1), NULL, NULL)
            """)
        for image in ["FULL", "MINIMAL"] {
            try connection.execute("SET SESSION binlog_row_image = '\(image)'")
            try connection.execute("UPDATE docs SET doc = JSON_SET(doc, '$.a', 2.5e0, '$.\"new key\"', 'x', '$.list[1][last]', NULL, '$[5]', TRUE)")
            try connection.execute("UPDATE docs SET doc = JSON_REMOVE(doc, '$.list[0]', '$[1]'), other = JSON_SET(other, '$[1].k', CAST(1.5 AS DECIMAL(3,1)))")
        }
        let stream = try BinlogReplicationStream(connection: try database.sandbox.connect(), serverID: UInt32.random(in: 100_000...900_000),
                                                 start: start, nonBlocking: true)
        var events: [[UInt8]] = []
        while let event = try stream.next({ Array($0) }) { events.append(event) }
        // Counted in this test's own transactions: other suites write to the shared server at the same time. A rows
        // event follows its transaction's table map, which names the database.
        var ownTable = false, ownPartialUpdates = 0
        for event in events where event.count > 4 {
            if event[4] == BinlogEventType.tableMap { ownTable = event.containsSubsequence(Array(database.name.utf8)) }
            if event[4] == BinlogEventType.partialUpdateRows, ownTable { ownPartialUpdates += 1 }
        }
        #expect(ownPartialUpdates == 4)
        return events
    }

    private func mariaDBCorpus() throws -> [[UInt8]] {
        let database = try TestDatabase.create(prefix: "fuzz")
        let connection = try database.connect()
        try connection.execute("SET SESSION sql_mode = ''")
        let start = try connection.currentBinlogPosition()
        try connection.execute("""
            CREATE TABLE mixed (id BIGINT UNSIGNED PRIMARY KEY, i INT, e ENUM('a','b'), s SET('x','y'), d DECIMAL(12,3),
              c CHAR(30), v VARCHAR(300), dt DATETIME(6), ts TIMESTAMP(3) NULL, t TIME(2), b BIT(13), j JSON,
              g GEOMETRY, bl BLOB, f FLOAT, dbl DOUBLE, y YEAR)
            """)
        try connection.execute("""
            INSERT INTO mixed VALUES
              (1, -7, 'a', 'x,y', -123.456, 'char', REPEAT('v', 280), '2026-11-25 10:00:00.123456', '2026-11-25 10:00:00.5',
               '-12:00:00.25', b'101', '{"k": [1, 2]}', ST_GeomFromText('POINT(1 2)'), X'00FF', 1.5, 2.5, 2026),
              (2, NULL, 'b', '', 0.001, '', '', '1000-01-01 00:00:00', NULL, '00:00:00', b'0', '[]',
               ST_GeomFromText('LINESTRING(0 0,1 1)'), '', -1, -2, 1901)
            """)
        try connection.execute("UPDATE mixed SET i = i + 1, v = 'changed'")
        try connection.execute("DELETE FROM mixed WHERE id = 2")
        let stream = try BinlogReplicationStream(connection: try database.sandbox.connect(), serverID: UInt32.random(in: 100_000...900_000),
                                                 start: start, nonBlocking: true)
        var events: [[UInt8]] = []
        while let event = try stream.next({ Array($0) }) { events.append(event) }
        events.append(EventBuilder.event(type: 15, body: EventBuilder.mysql8FormatDescription(), position: 4))
        return events
    }

    /// Real events from the MySQL sandbox: a table of many types written in tagged transactions, some of
    /// them compressed; then constructed events the server writes rarely.
    private func mysqlCorpus() throws -> [[UInt8]] {
        let sandbox = try SandboxServer.shared(.mysql)
        let database = try TestDatabase.create(prefix: "fuzz", on: sandbox)
        let connection = try database.connect()
        try connection.execute("""
            CREATE TABLE mixed (id BIGINT UNSIGNED PRIMARY KEY, i INT, e ENUM('a','b'), d DECIMAL(12,3), v VARCHAR(300),
              dt DATETIME(6), j JSON, bl BLOB, f FLOAT, y YEAR)
            """)
        let start = try connection.currentBinlogPosition()
        try connection.execute("SET gtid_next = 'AUTOMATIC:fuzz'")
        try connection.execute("""
            INSERT INTO mixed VALUES (1, -7, 'a', -123.456, REPEAT('v', 280), '2026-11-25 10:00:00.123456', '{"k": [1, 2]}', X'00FF', 1.5, 2026),
              (2, NULL, 'b', 0.001, '', '1000-01-01 00:00:00', '[]', '', -1, 1901)
            """)
        try connection.execute("SET SESSION binlog_transaction_compression = ON")
        try connection.execute("BEGIN")
        try connection.execute("UPDATE mixed SET i = i + 1, v = 'changed', j = JSON_SET(j, '$.x', 'y')")
        try connection.execute("INSERT INTO mixed VALUES (3, 3, 'a', 3, 'three', NULL, NULL, NULL, NULL, NULL)")
        try connection.execute("COMMIT")
        try connection.execute("SET gtid_next = 'AUTOMATIC'")
        try connection.execute("DELETE FROM mixed WHERE id = 2")
        let stream = try BinlogReplicationStream(connection: try sandbox.connect(), serverID: UInt32.random(in: 100_000...900_000),
                                                 start: start, nonBlocking: true)
        var events: [[UInt8]] = []
        while let event = try stream.next({ Array($0) }) { events.append(event) }
        #expect(events.contains { $0[4] == BinlogEventType.transactionPayload } && events.contains { $0[4] == BinlogEventType.gtidTagged })
        // The same compressed transaction as payload type none, and the forms no sandbox writes on demand.
        if let zstd = events.first(where: { $0[4] == BinlogEventType.transactionPayload }) {
            events.append(Self.uncompressedTwin(of: zstd))
        }
        var previous = EventBuilder()
        previous.u64(1 << 56 | 2 << 8 | 1)
        for (source, tag) in [([UInt8](repeating: 0x3e, count: 16), ""), ([UInt8](repeating: 0x3e, count: 16), "fuzz")] {
            previous.raw(source); previous.serializedString(tag); previous.u64(1); previous.u64(1); previous.u64(9)
        }
        events.append(EventBuilder.event(type: 35, body: previous.bytes, position: 127))
        var incident = EventBuilder()
        incident.u16(1); incident.u8(5); incident.text("lost!")
        events.append(EventBuilder.event(type: 26, body: incident.bytes, position: 583))
        return events
    }

    /// A zstd TRANSACTION_PAYLOAD_EVENT rewritten with compression type none (255), checksummed again.
    private static func uncompressedTwin(of event: [UInt8]) -> [UInt8] {
        var decoder = BinlogDecoder(binlogFile: "fuzz.000001", checksum: .crc32)
        decoder.verifiesChecksums = false
        var inner: [UInt8] = []
        // The events inside are re-read from the decompressed payload through the decoder's own buffer.
        _ = try? event.withUnsafeBytes { try decoder.decode($0) }
        if let bytes = decoder.payloadBuffer?.bytes { inner = Array(bytes) }
        var body = EventBuilder()
        body.u8(2); body.u8(3); body.lengthEncoded(255)
        body.u8(1); var size = EventBuilder(); size.lengthEncoded(UInt64(inner.count)); body.u8(UInt8(size.bytes.count)); body.raw(size.bytes)
        body.u8(0)
        body.raw(inner)
        return EventBuilder.event(type: 40, body: body.bytes, position: 700)
    }

    @Test func mutatedMySQLEventsOnlyEverThrow() throws {
        let events = try mysqlCorpus()
        #expect(events.count > 10)
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["BINLOGO_FUZZ_CASES"].flatMap(Int.init) ?? 50_000
        let seed = environment["BINLOGO_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x0057_9e7a
        var generator = SeededGenerator(seed: seed)
        let (decoded, rejected, rowsWritten) = Self.feedMutations(of: events, cases: cases, generator: &generator)
        print("decoder fuzz (MySQL): \(cases) cases (seed \(seed)): \(decoded) decoded, \(rejected) rejected, \(rowsWritten) values written")
        #expect(decoded + rejected == cases)
        #expect(rejected > cases / 10, "mutations must be caught, not decoded as if nothing happened")
        #expect(rowsWritten > 0, "some mutated row events must still decode and encode")
    }

    @Test func mutatedEventsOnlyEverThrow() throws {
        let events = try corpus()
        #expect(events.count > 10)
        // CI runs 100k cases; BINLOGO_FUZZ_CASES and BINLOGO_FUZZ_SEED run longer campaigns.
        let environment = ProcessInfo.processInfo.environment
        let cases = environment["BINLOGO_FUZZ_CASES"].flatMap(Int.init) ?? 100_000
        let seed = environment["BINLOGO_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x5eed_b10c
        var generator = SeededGenerator(seed: seed)
        let (decoded, rejected, rowsWritten) = Self.feedMutations(of: events, cases: cases, generator: &generator)
        print("decoder fuzz: \(cases) cases (seed \(seed)): \(decoded) decoded, \(rejected) rejected, \(rowsWritten) values written")
        #expect(decoded + rejected == cases)
        #expect(rejected > cases / 10, "mutations must be caught, not decoded as if nothing happened")
        #expect(rowsWritten > 0, "some mutated row events must still decode and encode")
    }

    /// Decodes `cases` mutated events, each after a random prefix of the real ones; returns how many
    /// decoded, how many were rejected with a `BinlogDecodingError`, and how many values were written.
    static func feedMutations(of events: [[UInt8]], cases: Int, generator: inout SeededGenerator) -> (Int, Int, Int) {
        var decoded = 0, rejected = 0, rowsWritten = 0
        for index in 0..<cases {
            var decoder = BinlogDecoder(binlogFile: "fuzz.000001", checksum: .crc32)
            decoder.verifiesChecksums = index % 4 == 0
            // Prime the decoder with the real events up to a random point, so mutations hit a decoder with table maps.
            let target = Int(generator.next() % UInt64(events.count))
            for event in events[..<target] {
                _ = try? event.withUnsafeBytes { try decoder.decodeEach($0) { _ in } }
            }
            var mutated = events[target]
            EventMutator.mutate(&mutated, &generator)
            do {
                // A compressed transaction's events are decoded one by one, as a reader hands them on.
                try mutated.withUnsafeBytes { bytes in
                    try decoder.decodeEach(bytes) { result in
                        guard case .rows(let rows) = result.event else { return }
                        let writer = JSONWriter()
                        for row in 0..<rows.rowCount {
                            for image in [RowsEvent.Image.before, .after] {
                                for column in rows.table.columns.indices {
                                    if (try? rows.writeValue(row: row, image: image, column: column, to: writer)) != nil { rowsWritten += 1 }
                                }
                            }
                            if (try? rows.writeUnappliedJSONDiffs(row: row, excluded: nil, to: writer)) != nil, !rows.unappliedJSONDiffs.isEmpty {
                                rowsWritten += 1
                            }
                        }
                    }
                }
                decoded += 1
            } catch {
                rejected += 1
                let failure = error as? BinlogDecodingError
                #expect(failure.map { !$0.reason.isEmpty && $0.description.contains($0.reason) } == true, "\(error)")
            }
        }
        return (decoded, rejected, rowsWritten)
    }
}

private extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}
