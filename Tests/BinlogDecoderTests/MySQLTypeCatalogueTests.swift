import MySQLSource
import TestBench
import Testing

/// The type catalogue against a real MySQL 9 server (`scripts/mysql-sandbox.sh`): every value
/// inserted, updated and deleted decodes to exactly what SELECT on MySQL returns, with FULL metadata
/// (the shared MySQL sandbox) and with MINIMAL (MySQL's default, on a server of its own). MySQL has no
/// NO_LOG setting. The column orders put YEAR, GEOMETRY and JSON before signed, unsigned and
/// charset columns: MySQL gives none of them a signedness bit or a charset, unlike MariaDB. Both
/// settings also run with every transaction compressed (`binlog_transaction_compression=ON` for the
/// session) and tagged (`SET gtid_next='AUTOMATIC:catalogue'`).
@Suite struct MySQLTypeCatalogueTests {
    @Test func theServerIsMySQL9() throws {
        let version = try MySQLServerVersion(of: MariaDBSandbox.shared(.mysql).connect())
        #expect(!version.isMariaDB && version.major >= 9, "the MySQL sandbox runs \(version)")
    }

    @Test(arguments: MySQLTypeCatalogue.tables.map(\.name)) func everyTypeWithFullMetadata(table: String) throws {
        let sandbox = try MariaDBSandbox.shared(.mysql)
        #expect(try sandbox.connect().queryValue("SELECT @@global.binlog_row_metadata") == "FULL")
        try MySQLTypeCatalogue.tables.first { $0.name == table }!.verify(on: sandbox)
    }

    /// FULL metadata, every transaction a TRANSACTION_PAYLOAD_EVENT with a tagged GTID.
    @Test(arguments: MySQLTypeCatalogue.tables.map(\.name)) func everyTypeCompressedAndTagged(table: String) throws {
        let sandbox = try MariaDBSandbox.shared(.mysql)
        try MySQLTypeCatalogue.tables.first { $0.name == table }!.verify(on: sandbox, session: .compressedAndTagged)
    }

    @Test(arguments: 0..<6) func everyTypeBeforeSignedUnsignedAndCharsetColumns(ordering: Int) throws {
        try MySQLTypeCatalogue.orderings[ordering].verify(on: MariaDBSandbox.shared(.mysql))
    }

    @Test func probesAndLabelsOutsideTheBasicPlane() throws {
        let sandbox = try MariaDBSandbox.shared(.mysql)
        try TypeCatalogueTests.probes.verify(on: sandbox)
        try TypeCatalogueTests.supplementaryLabels.verify(on: sandbox)
    }

    /// PARTIAL_JSON: the JSON columns, changed in place with JSON_SET and JSON_REMOVE after the ordinary
    /// updates, are logged as diffs (PARTIAL_UPDATE_ROWS events, one partial bit per JSON column, in
    /// every column order); each new document binlogo builds is what SELECT returns.
    @Test(arguments: MySQLTypeCatalogue.tables.map(\.name) + MySQLTypeCatalogue.orderings.map(\.name))
    func everyTypeWithPartialJSONUpdates(table name: String) throws {
        let table = (MySQLTypeCatalogue.tables + MySQLTypeCatalogue.orderings).first { $0.name == name }!
        let fromDiffs = try table.verify(on: MariaDBSandbox.shared(.mysql), partialJSON: true)
        if name == MySQLTypeCatalogue.documents.name || MySQLTypeCatalogue.orderings.contains(where: { $0.name == name }) {
            #expect(fromDiffs >= 4, "\(name): documents built from diffs: \(fromDiffs)")
        }
    }

    /// MINIMAL: signedness and charsets from the binlog, names, labels and keys from information_schema.
    @Test func everyTypeWithMinimalMetadata() throws {
        let sandbox = try MariaDBSandbox.start(.mysql, options: ["--binlog-row-metadata=MINIMAL"])
        defer { try? sandbox.stop() }
        #expect(try sandbox.connect().queryValue("SELECT @@global.binlog_row_metadata") == "MINIMAL")
        for session in [CatalogueSession.plain, .compressedAndTagged] {
            for table in MySQLTypeCatalogue.tables + [TypeCatalogueTests.probes] + MySQLTypeCatalogue.orderings {
                try table.verify(on: sandbox, session: session)
            }
        }
    }
}
