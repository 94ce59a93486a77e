@testable import BinlogDecoder
import Foundation
import MySQLSource
import TestBench
import Testing

/// Random, truncated and bit-flipped events fed to the decoder (and every decoded row to the
/// JSON encoder): it may only throw, never crash, hang or read out of bounds.
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
        #expect(events.filter { $0.count > 4 && $0[4] == BinlogEventType.partialUpdateRows }.count == 4)
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
                _ = try? event.withUnsafeBytes { try decoder.decode($0) }
            }
            var mutated = events[target]
            EventMutator.mutate(&mutated, &generator)
            do {
                let result = try mutated.withUnsafeBytes { try decoder.decode($0) }
                decoded += 1
                if case .rows(let rows) = result.event {
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
            } catch {
                rejected += 1
                let failure = error as? BinlogDecodingError
                #expect(failure.map { !$0.reason.isEmpty && $0.description.contains($0.reason) } == true, "\(error)")
            }
        }
        return (decoded, rejected, rowsWritten)
    }
}
