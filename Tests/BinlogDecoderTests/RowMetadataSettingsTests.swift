import MySQLSource
import TestBench
import Testing

/// The type catalogue under the other binlog_row_metadata settings, each on a server of its own
/// (the setting is global): MINIMAL (MySQL's default: signedness and charsets, no names, labels
/// or key) and NO_LOG (MariaDB's default: nothing; everything comes from information_schema).
/// FULL is the shared sandbox's setting, where `TypeCatalogueTests` runs.
@Suite(.serialized) struct RowMetadataSettingsTests {
    @Test(arguments: ["MINIMAL", "NO_LOG"]) func everyTypeDecodesLikeSelect(setting: String) throws {
        let sandbox = try MariaDBSandbox.start(.mariadb, options: ["--binlog-row-metadata=\(setting)"])
        defer { try? sandbox.stop() }
        #expect(try sandbox.connect().queryValue("SELECT @@global.binlog_row_metadata") == setting)
        for table in TypeCatalogueTests.all + [TypeCatalogueTests.probes] + TypeCatalogueTests.orderings {
            try table.verify(on: sandbox)
        }
        try binaryKeysStayDistinct(on: sandbox)
    }

    /// BINARY(16) keys that differ only in bytes that are not UTF-8: each arrives as its own bytes
    /// (base64), in the row and in the message's primary key.
    private func binaryKeysStayDistinct(on sandbox: MariaDBSandbox) throws {
        let database = try TestDatabase.create(prefix: "binary_keys", on: sandbox)
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE k (id BINARY(16) PRIMARY KEY, tag VARBINARY(8))")
        try connection.execute("""
            INSERT INTO k VALUES (X'00FF10AB00000000000000000000FF01', X'FE'), (X'00FE10AB00000000000000000000FF01', X'FF'),
                                 (X'00FF10AB', X'')
            """)
        let expected = try connection.query("SELECT TO_BASE64(id), TO_BASE64(tag) FROM k ORDER BY id")
        let inserts = try CapturedChanges.read(database, from: start).filter { $0["head"]?["type"] == .string("insert") }
        let keys = inserts.compactMap { $0["head"]?["primary_key"]?["id"]?.stringValue }.sorted()
        #expect(keys == expected.map { $0[0]! }.sorted(), "primary keys as the server's bytes")
        let rows = inserts.compactMap { message -> [String]? in
            guard let id = message["data"]?["new"]?["id"]?.stringValue, let tag = message["data"]?["new"]?["tag"]?.stringValue else { return nil }
            return [id, tag]
        }.sorted { $0[0] < $1[0] }
        #expect(rows == expected.map { [$0[0]!, $0[1]!] }.sorted { $0[0] < $1[0] })
    }
}
