import BinlogDecoder
import MySQLSource
import TestBench
import Testing

/// A snapshot writes every value exactly as the stream does: each table of the type catalogue is
/// filled on the server under test, its inserts read from the binlog, and the same rows read by
/// `TableChunkReader` (in chunks of two rows, so that the keyset cursor moves over every key);
/// the two row images must be the same bytes.
@Suite struct SnapshotRenderingTests {
    static var tables: [CatalogueTable] {
        let server = try? ServerFlavor.underTest
        let catalogue = server == .mysql ? MySQLTypeCatalogue.tables : TypeCatalogueTests.all
        return catalogue + [TypeCatalogueTests.probes, TypeCatalogueTests.supplementaryLabels] + TypeCatalogueTests.orderings(of: catalogue)
    }

    @Test(arguments: tables.indices) func snapshotRowsAreTheStreamedRows(table index: Int) throws {
        let table = Self.tables[index]
        let sandbox = try MariaDBSandbox.shared()
        let database = try TestDatabase.create(prefix: "snap", on: sandbox)
        let connection = try database.connect()
        try connection.execute("SET SESSION time_zone = '+00:00', SESSION sql_mode = ''")
        let start = try connection.currentBinlogPosition()
        let columnList = table.columns.map { "`\($0.name)` \($0.sqlType)" }.joined(separator: ", ")
        try connection.execute("CREATE TABLE `\(table.name)` (id INT PRIMARY KEY, revision INT NOT NULL, \(columnList))")
        let names = table.columns.map { "`\($0.name)`" }.joined(separator: ", ")
        for (row, values) in table.rows.enumerated() {
            try connection.execute("INSERT INTO `\(table.name)` (id, revision, \(names)) VALUES (\(row + 1), 0, \(values.joined(separator: ", ")))")
        }

        var streamed: [String: [UInt8]] = [:]
        for change in try SandboxChanges.read(database, from: start) {
            guard case let .row(event, row, _) = change, event.kind == .insert else { continue }
            streamed[try Self.key(event, row: row)] = try Self.image(event, row: row)
        }

        let reader = try database.connect()
        try TableChunkReader.prepareSession(reader)
        let chunks = try TableChunkReader(database: database.name, table: table.name, on: reader,
                                          mariaDB: sandbox.flavor == .mariadb)
        var snapshot: [String: [UInt8]] = [:]
        var chunkCount = 0
        while !chunks.isFinished, let event = try chunks.readChunk(limit: 2, on: reader) {
            chunkCount += 1
            #expect(event.kind == .read)
            for row in 0..<event.rowCount { snapshot[try Self.key(event, row: row)] = try Self.image(event, row: row) }
        }
        #expect(chunkCount == (table.rows.count + 1) / 2 + (table.rows.count % 2 == 0 ? 1 : 0) || chunkCount == (table.rows.count + 1) / 2,
                "\(table.name): \(chunkCount) chunks for \(table.rows.count) rows")
        #expect(streamed.count == table.rows.count, "\(table.name): \(streamed.count) inserts streamed")
        #expect(snapshot.keys.sorted() == streamed.keys.sorted(), "\(table.name): snapshot keys \(snapshot.keys.sorted())")
        for (key, image) in streamed {
            let read = snapshot[key] ?? []
            #expect(read == image, "\(table.name) \(key):\n stream   \(String(decoding: image, as: UTF8.self))\n snapshot \(String(decoding: read, as: UTF8.self))")
        }
    }

    private static func key(_ event: RowsEvent, row: Int) throws -> String {
        let writer = JSONWriter()
        try ChangeMessageEncoder.writePrimaryKey(event, row: row, to: writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func image(_ event: RowsEvent, row: Int) throws -> [UInt8] {
        let writer = JSONWriter()
        try event.writeImage(row: row, image: .after, excluded: nil, to: writer)
        return writer.bytes
    }
}
