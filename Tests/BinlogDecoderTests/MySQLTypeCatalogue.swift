/// The type catalogue as MySQL 9 has it: the families both servers share, with MySQL's own forms
/// where the servers differ (JSON is a binary type on MySQL, a LONGTEXT alias on MariaDB), and the
/// types only MySQL has (VECTOR). MariaDB-only types (UUID, INET4, INET6) are not in it.
enum MySQLTypeCatalogue {
    /// Geometry as on MariaDB; JSON as MySQL's binary JSON, embedded in the message as a JSON value.
    static let shapes = CatalogueTable(
        name: "shapes",
        columns: [
            .string("g", "GEOMETRY", oracle: { "ST_AsText(\($0))" }), .string("p", "POINT", oracle: { "ST_AsText(\($0))" }),
            .string("tag", "VARCHAR(10) CHARACTER SET utf8mb4"), .json("doc", "JSON"),
        ],
        rows: TypeCatalogueTests.shapes.rows
    )

    /// MySQL's binary JSON: every value type of its format (small and large objects and arrays,
    /// literals, integers of every width, doubles, strings, and the opaque DECIMAL, DATE, TIME,
    /// DATETIME, TIMESTAMP and BLOB values that CAST puts inside a document).
    static let documents = CatalogueTable(
        name: "documents",
        columns: [.json("doc", "JSON"), .json("other", "JSON")],
        rows: [
            ["'{\"a\": [1, 2.5, \"x\", null, true, false], \"b\": {\"c\": \"ü😀\"}, \"\": {}}'", "'[]'"],
            ["'[-9223372036854775808, 9223372036854775807, 18446744073709551615, -1, 0, 32767, -32768, 65535, 2147483647, 4294967295]'",
             "'[1.5e300, -2.25, 0.1, 1e-7, 3.141592653589793]'"],
            ["JSON_OBJECT('dec', CAST(12.345 AS DECIMAL(10,3)), 'date', CAST('2026-11-25' AS DATE), 'time', CAST('-12:34:56.5' AS TIME(1)), 'dt', CAST('2026-11-25 09:30:00.123456' AS DATETIME(6)))",
             "JSON_ARRAY(CAST('2024-02-29 12:00:01' AS DATETIME), CAST(X'00FF' AS BINARY), 'line\\nbreak \"quoted\"', REPEAT('x', 70000))"],
            // Past 64 KiB a document uses the large format (4-byte offsets and sizes).
            ["JSON_OBJECT('big', REPEAT('é', 40000), 'list', JSON_ARRAY(REPEAT('a', 30000), 1, 2.5))", "'\"just a string\"'"],
            ["'null'", "'true'"],
            ["NULL", "'12'"],
        ]
    )

    /// MySQL 9's VECTOR: binlogo writes the array of single-precision numbers that VECTOR_TO_STRING prints.
    static let vectors = CatalogueTable(
        name: "vectors",
        columns: [.vector("v", "VECTOR(3)"), .vector("wide", "VECTOR(2048)")],
        rows: [
            ["STRING_TO_VECTOR('[1, 2.5, -3]')", "STRING_TO_VECTOR(CONCAT('[', REPEAT('0.1,', 2047), '1e30]'))"],
            ["STRING_TO_VECTOR('[0, -0.0001, 3.4028e38]')", "STRING_TO_VECTOR(CONCAT('[', REPEAT('-1.5,', 2047), '0]'))"],
            ["NULL", "NULL"],
        ]
    )

    /// Every table of MySQL's catalogue, one per type family.
    static let tables: [CatalogueTable] = TypeCatalogueTests.all.map { $0.name == "shapes" ? shapes : $0 } + [documents, vectors]

    /// MySQL's catalogue in the six column orders, each followed by the probes.
    static let orderings = TypeCatalogueTests.orderings(of: tables)
}
