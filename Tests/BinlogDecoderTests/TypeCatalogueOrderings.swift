import TestBench
import Testing

/// The catalogue's types in several column orders, each followed by signed and unsigned numbers and
/// by character, binary, ENUM and SET columns in other charsets: the optional metadata gives
/// signedness and charsets as lists over "the columns that have one", so a type counted wrongly
/// shifts every later column onto its neighbour's sign or charset.
extension TypeCatalogueTests {
    /// Columns after every catalogue type: their sign and charset come from list positions after all of them.
    static let probes = CatalogueTable(
        name: "probes",
        columns: [
            .number("probe_i", "INT"), .number("probe_bu", "BIGINT UNSIGNED"), .number("probe_t", "TINYINT"),
            .number("probe_tu", "TINYINT UNSIGNED"), .number("probe_dec", "DECIMAL(10,2)"),
            .number("probe_udec", "DECIMAL(12,3) UNSIGNED"), .double("probe_dbl", "DOUBLE"),
            .string("probe_l1", "VARCHAR(20) CHARACTER SET latin1"), .string("probe_u8", "VARCHAR(20) CHARACTER SET utf8mb4"),
            .base64("probe_vb", "VARBINARY(20)"), .base64("probe_bin", "BINARY(4)"),
            .string("probe_e1", "ENUM('café','naïve','€uro') CHARACTER SET latin1"),
            .set("probe_s1", "SET('é','ü','x') CHARACTER SET latin1"),
            .string("probe_e8", "ENUM('ü','日本') CHARACTER SET utf8mb4"),
            .string("probe_escaped", "ENUM('a''b','back\\\\slash','new\\nline','nul\\0')"),
        ],
        rows: [
            ["-1", "18446744073709551615", "-128", "255", "-12.34", "123456789.123", "-2.5",
             "'Grüße € Œ'", "'ü😀'", "X'00FF10AB'", "X'00FF10AB'", "'café'", "'é,ü'", "'日本'", "'a''b'"],
            ["2147483647", "0", "127", "0", "99999999.99", "0.001", "1e300", "'naïve'", "'x'", "X''", "X'FF'", "'naïve'", "''", "'ü'", "'back\\\\slash'"],
            ["-2147483648", "9223372036854775808", "-1", "128", "-0.01", "999999999.999", "0", "'ÿ'", "'日本'", "X'FF'",
             "X'00'", "'€uro'", "'x,é'", "'ü'", "'new\\nline'"],
            ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "'nul\\0'"],
        ]
    )

    /// Every column of every table of `catalogue` (named `table_column`) with its values: row r takes
    /// its table's row r modulo the table's row count.
    static func catalogueColumns(of catalogue: [CatalogueTable]) -> [(column: CatalogueColumn, values: [String])] {
        let rowCount = catalogue.map(\.rows.count).max()!
        return catalogue.flatMap { table in
            table.columns.indices.map { index in
                (table.columns[index].renamed("\(table.name)_\(table.columns[index].name)"),
                 (0..<rowCount).map { table.rows[$0 % table.rows.count][index] })
            }
        }
    }

    /// The columns `picked` from a catalogue in their order, then the probes.
    static func mixed(_ name: String, picked: [(column: CatalogueColumn, values: [String])]) -> CatalogueTable {
        let rowCount = picked[0].values.count
        return CatalogueTable(
            name: name,
            columns: picked.map(\.column) + probes.columns,
            rows: (0..<rowCount).map { row in picked.map { $0.values[row] } + probes.rows[row % probes.rows.count] })
    }

    /// The columns of `catalogue` as declared, reversed, rotated by a third and by two thirds, and
    /// in two seeded shuffles, each followed by the probes.
    static func orderings(of catalogue: [CatalogueTable]) -> [CatalogueTable] {
        let columns = catalogueColumns(of: catalogue)
        let count = columns.count
        let identity = Array(0..<count)
        func rotated(_ by: Int) -> [Int] { Array(identity[by...] + identity[..<by]) }
        func shuffled(_ seed: UInt64) -> [Int] {
            var generator = SeededGenerator(seed: seed)
            return identity.shuffled(using: &generator)
        }
        let orders: [(String, [Int])] = [
            ("declared", identity), ("reversed", identity.reversed()),
            ("rotated_third", rotated(count / 3)), ("rotated_two_thirds", rotated(2 * count / 3)),
            ("shuffled_a", shuffled(0x5eed_0001)), ("shuffled_b", shuffled(0x5eed_0002)),
        ]
        return orders.map { name, order in mixed(name, picked: order.map { columns[$0] }) }
    }

    /// MariaDB's catalogue in the six orders.
    static let orderings = orderings(of: all)

    @Test(arguments: 0..<6) func everyTypeBeforeSignedUnsignedAndCharsetColumns(ordering: Int) throws {
        try Self.orderings[ordering].verify()
    }

    @Test func probesAlone() throws {
        try Self.probes.verify()
    }

    /// ENUM and SET labels with characters outside the Basic Multilingual Plane: FULL metadata logs
    /// them as they are. (information_schema on MariaDB shows them as '?', so without FULL they are
    /// lost: Docs/types.md.)
    static let supplementaryLabels = CatalogueTable(
        name: "supplementary",
        columns: [
            .string("e", "ENUM('😀','ü') CHARACTER SET utf8mb4"), .set("s", "SET('🎉','x') CHARACTER SET utf8mb4"),
            .number("after", "BIGINT UNSIGNED"),
        ],
        rows: [["'😀'", "'🎉,x'", "18446744073709551615"], ["'ü'", "''", "0"], ["NULL", "NULL", "NULL"]]
    )

    @Test func labelsOutsideTheBasicPlaneWithFullMetadata() throws {
        try Self.supplementaryLabels.verify()
    }
}
