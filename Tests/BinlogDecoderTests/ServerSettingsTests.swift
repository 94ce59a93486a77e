import BinlogDecoder
import MySQLSource
import TestBench
import Testing

/// Binlogs written with other server settings than the shared sandbox's: MariaDB's compressed
/// events, and MINIMAL row images. Each test starts a server of its own.
@Suite(.serialized) struct ServerSettingsTests {
    @Test func compressedEventsDecodeLikePlainOnes() throws {
        let sandbox = try MariaDBSandbox.start(.mariadb, options: ["--log-bin-compress=ON", "--log-bin-compress-min-len=10"])
        defer { try? sandbox.stop() }
        // The same tables and oracles as the plain catalogue; strings and blobs compress well.
        try TypeCatalogueTests.texts.verify(on: sandbox)
        try TypeCatalogueTests.binaries.verify(on: sandbox)
        try TypeCatalogueTests.integers.verify(on: sandbox)

        // The binlog really holds compressed events, and a compressed DDL statement comes back whole.
        let database = try TestDatabase.create(prefix: "compressed", on: sandbox)
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        let comment = String(repeating: "a long comment that compresses ", count: 20)
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, note TEXT) COMMENT '\(comment)'")
        try connection.execute("INSERT INTO t VALUES (1, REPEAT('compress me ', 100))")
        let stream = try BinlogReplicationStream(connection: try sandbox.connect(), serverID: 4242, start: start, nonBlocking: true)
        var events: [[UInt8]] = []
        while let event = try stream.next({ Array($0) }) { events.append(event) }
        let types = events.map { $0[4] }
        #expect(types.contains(BinlogEventType.queryCompressed))
        #expect(types.contains(BinlogEventType.writeRowsCompressedV1) || types.contains(BinlogEventType.writeRowsCompressed))

        let messages = try CapturedChanges.read(database, from: start)
        let ddl = messages.first { $0["head"]?["type"] == .string("ddl") }
        #expect(ddl?["data"]?["sql"]?.stringValue?.contains(comment) == true)
        let insert = messages.first { $0["head"]?["type"] == .string("insert") }
        #expect(insert?["data"]?["new"]?["note"] == .string(String(repeating: "compress me ", count: 100)))

        // Corrupt compressed payloads only ever throw (the inflater is bounds-checked).
        var generator = SeededGenerator(seed: 0xc0_4e55)
        let (decoded, rejected, _) = DecoderRobustnessTests.feedMutations(of: events, cases: 20_000, generator: &generator)
        #expect(decoded + rejected == 20_000 && rejected > 2_000)
    }

    @Test func minimalRowImagesCarryOnlyWhatTheServerLogged() throws {
        let sandbox = try MariaDBSandbox.start(options: ["--binlog-row-image=MINIMAL"])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "minimal", on: sandbox)
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10))")
        try connection.execute("INSERT INTO t VALUES (1, 'x', 'y')")
        try connection.execute("UPDATE t SET b = 'z' WHERE id = 1")
        try connection.execute("DELETE FROM t WHERE id = 1")
        let messages = try CapturedChanges.read(database, from: start).filter { $0["head"]?["type"] != .string("ddl") }
        #expect(messages.map { $0["head"]?["type"]?.stringValue } == ["insert", "update", "delete"])
        guard messages.count == 3 else { return }
        #expect(messages[0]["data"]?["new"] == (try TestJSON.parse("{\"id\":1,\"a\":\"x\",\"b\":\"y\"}")))
        #expect(messages[1]["data"]?["old"] == (try TestJSON.parse("{\"id\":1}")))
        #expect(messages[1]["data"]?["new"] == (try TestJSON.parse("{\"b\":\"z\"}")))
        #expect(messages[1]["head"]?["primary_key"] == (try TestJSON.parse("{\"id\":1}")), "the key from the before image")
        #expect(messages[2]["data"]?["old"] == (try TestJSON.parse("{\"id\":1}")))
    }
}
