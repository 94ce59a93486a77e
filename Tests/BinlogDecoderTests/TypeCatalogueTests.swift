import Testing

/// Every column type family against the real MariaDB server: inserted, updated and deleted edge
/// values decode to exactly what SELECT returns for the same rows.
@Suite struct TypeCatalogueTests {
    /// Every table of the catalogue, one per type family.
    static let all = [integers, decimals, floats, datetimes, times, timestamps, texts, binaries, enums, shapes]

    @Test func integers() throws {
        try Self.integers.verify()
    }

    static let integers = CatalogueTable(
            name: "integers",
            columns: [
                .number("t", "TINYINT"), .number("tu", "TINYINT UNSIGNED"),
                .number("s", "SMALLINT"), .number("su", "SMALLINT UNSIGNED"),
                .number("m", "MEDIUMINT"), .number("mu", "MEDIUMINT UNSIGNED"),
                .number("i", "INT"), .number("iu", "INT UNSIGNED"),
                .number("b", "BIGINT"), .number("bu", "BIGINT UNSIGNED"),
            ],
            rows: [
                ["-128", "0", "-32768", "0", "-8388608", "0", "-2147483648", "0", "-9223372036854775808", "0"],
                ["127", "255", "32767", "65535", "8388607", "16777215", "2147483647", "4294967295",
                 "9223372036854775807", "18446744073709551615"],
                ["0", "1", "-1", "1", "-1", "1", "-1", "1", "-1", "9223372036854775808"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func decimals() throws {
        try Self.decimals.verify()
    }

    static let decimals = CatalogueTable(
            name: "decimals",
            columns: [
                .number("money", "DECIMAL(10,2)"), .number("wide", "DECIMAL(65,30)"),
                .number("whole", "DECIMAL(65,0)"), .number("fraction", "DECIMAL(5,5)"),
                .number("mid", "DECIMAL(20,9) UNSIGNED"),
            ],
            rows: [
                ["12.30", "99999999999999999999999999999999999.999999999999999999999999999999",
                 "99999999999999999999999999999999999999999999999999999999999999999", "0.99999", "12345678901.123456789"],
                ["-99999999.99", "-99999999999999999999999999999999999.999999999999999999999999999999",
                 "-99999999999999999999999999999999999999999999999999999999999999999", "-0.00001", "0.000000001"],
                ["-0.00", "-0.000000000000000000000000000001", "0", "0", "0"],
                ["0.01", "1.5", "-1", "-0.5", "100000000000"],
                ["NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func floatingPoint() throws {
        try Self.floats.verify()
    }

    static let floats = CatalogueTable(
            name: "floats",
            columns: [.float("f", "FLOAT"), .double("d", "DOUBLE")],
            rows: [
                ["0", "0"], ["-1.5", "-1.5"], ["3.14159", "3.141592653589793"],
                ["3.4028e38", "1.7976931348623157e308"], ["1e-7", "2.2250738585072014e-308"],
                ["0.1", "0.1"], ["NULL", "NULL"],
            ]
        )

    @Test func datesAndDateTimes() throws {
        try Self.datetimes.verify()
    }

    static let datetimes = CatalogueTable(
            name: "datetimes",
            columns: [
                .string("d", "DATE"), .string("dt0", "DATETIME"), .string("dt1", "DATETIME(1)"),
                .string("dt2", "DATETIME(2)"), .string("dt3", "DATETIME(3)"), .string("dt4", "DATETIME(4)"),
                .string("dt5", "DATETIME(5)"), .string("dt6", "DATETIME(6)"), .number("y", "YEAR", oracle: { "\($0) + 0" }),
            ],
            rows: [
                ["'1000-01-01'", "'1000-01-01 00:00:00'", "'1000-01-01 00:00:00.1'", "'2026-11-25 09:30:00.12'",
                 "'2026-11-25 09:30:00.123'", "'2026-11-25 09:30:00.1234'", "'2026-11-25 09:30:00.12345'",
                 "'2026-11-25 09:30:00.123456'", "1901"],
                ["'9999-12-31'", "'9999-12-31 23:59:59'", "'9999-12-31 23:59:59.9'", "'9999-12-31 23:59:59.99'",
                 "'9999-12-31 23:59:59.999'", "'9999-12-31 23:59:59.9999'", "'9999-12-31 23:59:59.99999'",
                 "'9999-12-31 23:59:59.999999'", "2155"],
                ["'0000-00-00'", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00.0'", "'0000-00-00 00:00:00'",
                 "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'", "0"],
                ["'2024-02-29'", "'2024-02-29 12:00:01'", "'2024-02-29 12:00:01.0'", "'2024-02-29 12:00:01.05'",
                 "'2024-02-29 12:00:01.005'", "'2024-02-29 12:00:01.0005'", "'2024-02-29 12:00:01.00005'",
                 "'2024-02-29 12:00:01.000005'", "2000"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func times() throws {
        try Self.times.verify()
    }

    static let times = CatalogueTable(
            name: "times",
            columns: [
                .string("t0", "TIME"), .string("t1", "TIME(1)"), .string("t2", "TIME(2)"), .string("t3", "TIME(3)"),
                .string("t4", "TIME(4)"), .string("t5", "TIME(5)"), .string("t6", "TIME(6)"),
            ],
            rows: [
                ["'-838:59:59'", "'-838:59:59.9'", "'-838:59:59.99'", "'-838:59:59.999'", "'-838:59:59.9999'",
                 "'-838:59:59.99999'", "'-838:59:59.999999'"],
                ["'838:59:59'", "'838:59:59.9'", "'838:59:59.99'", "'838:59:59.999'", "'838:59:59.9999'",
                 "'838:59:59.99999'", "'838:59:59.999999'"],
                ["'00:00:00'", "'-00:00:00.5'", "'-00:00:00.01'", "'-00:00:01.001'", "'-00:00:00.0001'",
                 "'-12:34:56.00001'", "'-00:00:00.000001'"],
                ["'-01:00:00'", "'25:00:00.1'", "'100:00:00.5'", "'-100:30:00.25'", "'12:34:56.7891'",
                 "'-23:59:59.5'", "'01:02:03.040506'"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func timestamps() throws {
        try Self.timestamps.verify()
    }

    static let timestamps = CatalogueTable(
            name: "timestamps",
            columns: [
                .timestamp("ts0", "TIMESTAMP NULL"), .timestamp("ts1", "TIMESTAMP(1) NULL"),
                .timestamp("ts3", "TIMESTAMP(3) NULL"), .timestamp("ts6", "TIMESTAMP(6) NULL"),
            ],
            rows: [
                ["'1970-01-01 00:00:01'", "'1970-01-01 00:00:01.1'", "'1970-01-01 00:00:01.001'", "'1970-01-01 00:00:01.000001'"],
                ["'2038-01-19 03:14:07'", "'2038-01-19 03:14:07.9'", "'2038-01-19 03:14:07.999'", "'2038-01-19 03:14:07.999999'"],
                ["'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'", "'0000-00-00 00:00:00'"],
                ["'2024-02-29 23:59:59'", "'2026-11-25 09:30:00.5'", "'2000-01-01 00:00:00.120'", "'2001-09-09 01:46:40.123456'"],
                ["NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func textInEveryCharset() throws {
        try Self.texts.verify()
    }

    static let texts: CatalogueTable = {
        let wide = "REPEAT('é', 100)"
        return CatalogueTable(
            name: "texts",
            columns: [
                .string("v", "VARCHAR(20) CHARACTER SET utf8mb4"), .string("c", "CHAR(10) CHARACTER SET utf8mb4"),
                .string("cw", "CHAR(100) CHARACTER SET utf8mb4"), .string("vw", "VARCHAR(300) CHARACTER SET utf8mb4"),
                .string("txt", "TEXT CHARACTER SET utf8mb4"), .string("v3", "VARCHAR(20) CHARACTER SET utf8mb3"),
                .string("l1", "VARCHAR(20) CHARACTER SET latin1"), .string("cl1", "CHAR(255) CHARACTER SET latin1"),
                .string("a", "CHAR(5) CHARACTER SET ascii"), .string("lt", "LONGTEXT CHARACTER SET utf8mb4"),
            ],
            rows: [
                ["''", "''", "''", "''", "''", "''", "''", "''", "''", "''"],
                ["'emoji 😀 ü'", "'日本語'", wide, "REPEAT('x', 300)", "'line\\nbreak \"quoted\" back\\\\slash\\ttab'",
                 "'Grüße'", "'Grüße € Œ ‰'", "'naïve'", "'ascii'", "REPEAT('🎉', 1000)"],
                ["'\\0nul'", "'a'", "'b'", "'c'", "CONCAT('ctl', CHAR(1), CHAR(31))", "'ü'", "'ÿ'", "'þ'", "'x'", "'y'"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )
    }()

    @Test func binaryStrings() throws {
        try Self.binaries.verify()
    }

    static let binaries = CatalogueTable(
            name: "binaries",
            columns: [
                .base64("bin", "BINARY(4)"), .base64("vb", "VARBINARY(300)"), .base64("tb", "TINYBLOB"),
                .base64("b", "BLOB"), .base64("mb", "MEDIUMBLOB"), .base64("lb", "LONGBLOB"),
            ],
            rows: [
                ["''", "''", "''", "''", "''", "''"],
                ["X'00FF'", "REPEAT(X'AB', 255)", "REPEAT('a', 255)", "REPEAT('b', 256)", "REPEAT('c', 65536)", "REPEAT(X'00', 65536)"],
                ["X'01020304'", "REPEAT('z', 256)", "X'00'", "REPEAT(X'FF', 65535)", "REPEAT('d', 255)", "X'DEADBEEF'"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )

    @Test func enumsSetsAndBits() throws {
        try Self.enums.verify()
    }

    static let enums: CatalogueTable = {
        let manyLabels = (1...300).map { "'e\($0)'" }.joined(separator: ",")
        let sixtyFourMembers = (1...64).map { "'m\($0)'" }.joined(separator: ",")
        return CatalogueTable(
            name: "enums",
            columns: [
                .string("e", "ENUM('a','b','c with space','ü')"), .string("big", "ENUM(\(manyLabels))"),
                .set("s", "SET('x','y','z')"), .set("wide", "SET(\(sixtyFourMembers))"),
                .number("b1", "BIT(1)", oracle: { "\($0) + 0" }), .number("b8", "BIT(8)", oracle: { "\($0) + 0" }),
                .number("b13", "BIT(13)", oracle: { "\($0) + 0" }), .number("b64", "BIT(64)", oracle: { "\($0) + 0" }),
            ],
            rows: [
                ["'a'", "'e1'", "''", "'m1'", "b'0'", "b'0'", "b'0'", "b'0'"],
                ["'ü'", "'e300'", "'x,y,z'", "'m1,m33,m64'", "b'1'", "b'11111111'", "b'1111111111111'",
                 "b'1111111111111111111111111111111111111111111111111111111111111111'"],
                ["'c with space'", "'e256'", "'y'", "'m64'", "b'1'", "b'10000000'", "b'1000000000001'",
                 "b'1000000000000000000000000000000000000000000000000000000000000000'"],
                ["'not a label'", "'e2'", "'z,x'", "''", "b'0'", "b'1'", "b'10'", "b'1'"],
                ["NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL"],
            ]
        )
    }()

    @Test func geometryAndJSON() throws {
        try Self.shapes.verify()
    }

    static let shapes = CatalogueTable(
            name: "shapes",
            columns: [
                .string("g", "GEOMETRY", oracle: { "ST_AsText(\($0))" }), .string("p", "POINT", oracle: { "ST_AsText(\($0))" }),
                .string("tag", "VARCHAR(10) CHARACTER SET utf8mb4"), .string("doc", "JSON"),
            ],
            rows: [
                ["ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,3 2,3 3,2 2))')", "ST_GeomFromText('POINT(1 2)')",
                 "'ünï'", "'{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": \"ü\"}}'"],
                ["ST_GeomFromText('LINESTRING(0 0,1.5 2.25,-3 4)')", "ST_GeomFromText('POINT(-1.5 1e-10)')", "'x'", "'[]'"],
                ["ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1),MULTIPOINT(2 2,3 3),MULTILINESTRING((0 0,1 1),(2 2,3 3)))')",
                 "ST_GeomFromText('POINT(123456789 0.1)')", "''", "'\"text\"'"],
                ["ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))')", "NULL", "NULL", "NULL"],
            ]
        )
}
