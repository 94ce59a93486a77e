import BinlogDecoder
import Foundation
import MySQLSource
import Pipeline
import TestBench
import Testing

/// `output.values: original`: each format's values as the original tool writes them with its default
/// settings (and Debezium's with its `decimal.handling.mode` and `time.precision.mode`), each value
/// against what the server computes from the row with SELECT.
@Suite struct OriginalValuesTests {
    static let createTable = """
        CREATE TABLE v (id INT PRIMARY KEY, d DATE NULL, dz DATE NOT NULL, t TIME(6) NULL, dt0 DATETIME NULL, dt3 DATETIME(3) NULL,
                        dt6 DATETIME(6) NULL, dtz DATETIME NOT NULL, ts0 TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL,
                        dec1 DECIMAL(10,2) NULL, dec2 DECIMAL(30,10) NULL, b1 BIT(1) NULL, b12 BIT(12) NULL, g GEOMETRY NULL,
                        p POINT NULL, bin BINARY(6) NULL, vb VARBINARY(8) NULL, e ENUM('x','y') NULL, s SET('a','b','c') NULL)
        """

    /// Two rows inserted with zero dates allowed.
    static func insertRows(_ connection: MySQLConnection) throws {
        try connection.execute("SET SESSION sql_mode = ''")
        try connection.execute("""
            INSERT INTO v VALUES
              (1, '1969-07-20', '0000-00-00', '-01:02:03.250000', '1960-01-01 00:00:01', '2024-02-29 23:59:59.999',
               '2038-01-19 03:14:08.000001', '0000-00-00 00:00:00', '2024-01-02 03:04:05', '2024-01-02 03:04:05.120',
               -1.00, 12345678901234567890.0123456789, b'1', b'101000000001', ST_GeomFromText('LINESTRING(0 0,1 2)', 3857),
               ST_GeomFromText('POINT(1.5 -2)'), x'0102', x'00ff80', 'y', 'a,c'),
              (2, '0000-03-04', '2024-01-02', '838:59:59.000000', NULL, NULL, NULL, '1999-12-31 23:59:59', '0000-00-00 00:00:00', NULL,
               0.00, -0.5, b'0', NULL, NULL, NULL, NULL, NULL, '', '')
            """)
    }

    /// The first row updated.
    static func updateRow(_ connection: MySQLConnection) throws {
        try connection.execute("UPDATE v SET dec1 = 327.68, t = '00:00:00.000001', dec2 = -99999999999999999999.9999999999 WHERE id = 1")
    }

    @Test(arguments: [DebeziumFormatOptions.DecimalHandling.precise, .string, .double],
          [DebeziumFormatOptions.TimePrecision.adaptiveTimeMicroseconds, .connect])
    func debeziumsEncodingsAreTheServersValues(decimals: DebeziumFormatOptions.DecimalHandling,
                                               time: DebeziumFormatOptions.TimePrecision) throws {
        let harness = try PipelineHarness(prefix: "dbzorig", partitions: 1) {
            $0.format = .debezium(DebeziumFormatOptions(values: .original(decimals: decimals, time: time)))
        }
        let connection = try harness.database.connect()
        try connection.execute(Self.createTable)
        try harness.start()
        defer { harness.runner.stop() }
        try Self.insertRows(connection)
        var expected = try [1, 2].map { id in try Self.debeziumExpectations(connection, id: id, decimals: decimals, time: time) }
        try Self.updateRow(connection)
        expected.append(try Self.debeziumExpectations(connection, id: 1, decimals: decimals, time: time))
        #expect(try harness.waitForCheckpointAtEnd())

        let images = try PipelineHarness.values(try harness.messages()).compactMap { $0["after"] as? [String: Any] }
        try #require(images.count == 3)
        for (image, wanted) in zip(images, expected) {
            for (column, value) in wanted {
                var actual = Self.text(image[column] ?? NSNull())
                if decimals == .precise, column.hasPrefix("dec") { actual = Self.unscaledValue(base64: actual) }
                #expect(actual == value, "row \(image["id"] ?? "") \(column) with \(decimals), \(time)")
            }
        }
    }

    /// Maxwell's own: BINARY(n) as stored, without the zero bytes SELECT pads it with, and an invalid ENUM value
    /// as null. Canal's own: bytes (GEOMETRY's too, SRID first) as one ISO-8859-1 character per byte, ENUM
    /// as its index, SET as its bitmap, JSON as the server prints it.
    @Test(arguments: ["maxwell", "canal"]) func maxwellsAndCanalsEncodingsAreTheServersValues(format: String) throws {
        let harness = try PipelineHarness(prefix: "\(format)orig", partitions: 1) {
            $0.format = format == "maxwell" ? .maxwell(MaxwellFormatOptions(values: .original)) : .canal(CanalFormatOptions(values: .original))
        }
        let connection = try harness.database.connect()
        try connection.execute("""
            CREATE TABLE o (id INT PRIMARY KEY, bin BINARY(6) NULL, vb VARBINARY(8) NULL, g GEOMETRY NULL, e ENUM('x','y') NULL,
                            s SET('a','b','c') NULL, doc JSON NULL)
            """)
        try harness.start()
        defer { harness.runner.stop() }
        try connection.execute("SET SESSION sql_mode = ''")
        try connection.execute("""
            INSERT INTO o VALUES (1, x'0102', x'00ff809f41', ST_GeomFromText('POINT(1 2)', 3857), 'y', 'a,c', '{"a":1,  "b": [1,2, {"c": null}]}'),
                                 (2, x'010203040506', x'', NULL, '', '', NULL)
            """)
        #expect(try harness.waitForCheckpointAtEnd())
        let images = try PipelineHarness.values(try harness.messages()).compactMap { value in
            format == "maxwell" ? value["data"] as? [String: Any] : (value["data"] as? [[String: Any]])?.first
        }
        try #require(images.count == 2)

        let columns = format == "maxwell"
            ? ["bin": "TO_BASE64(TRIM(TRAILING x'00' FROM bin))", "e": "IF(e + 0 = 0, NULL, CAST(e AS CHAR))"]
            : ["bin": "HEX(TRIM(TRAILING x'00' FROM bin))", "vb": "HEX(vb)", "g": "HEX(g)", "e": "CAST(e + 0 AS CHAR)",
               "s": "CAST(s + 0 AS CHAR)", "doc": "CAST(doc AS CHAR)"]
        let names = columns.keys.sorted()
        for (image, id) in zip(images, [1, 2]) {
            let row = try #require(try connection.query("SELECT \(names.map { columns[$0]! }.joined(separator: ", ")) FROM o WHERE id = \(id)").first)
            for (name, value) in zip(names, row) {
                // Canal's bytes: each byte one character, U+0000 to U+00FF (from the server's hex).
                let expected = format == "canal" && ["bin", "vb", "g"].contains(name)
                    ? value.map(Self.latin1(hex:)) : value
                #expect(Self.text(image[name] ?? NSNull()) == (expected ?? "null"), "\(format) row \(id) \(name)")
            }
        }
    }

    /// The text of one ISO-8859-1 character per byte of `hex`.
    static func latin1(hex: String) -> String {
        var scalars = String.UnicodeScalarView()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            scalars.append(Unicode.Scalar(UInt8(hex[index..<next], radix: 16)!))
            index = next
        }
        return String(scalars)
    }

    /// What Debezium writes for row `id`'s columns, computed by the server from the row.
    static func debeziumExpectations(_ connection: MySQLConnection, id: Int, decimals: DebeziumFormatOptions.DecimalHandling,
                                     time: DebeziumFormatOptions.TimePrecision) throws -> [String: String] {
        try connection.execute("SET time_zone = '+00:00'")
        let microsecondsSinceEpoch = { (column: String) in "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', \(column))" }
        let timeMicroseconds = "IF(t < TIME'00:00:00', -1, 1) * ((HOUR(t) * 3600 + MINUTE(t) * 60 + SECOND(t)) * 1000000 + MICROSECOND(t))"
        let millisecondsOrMicroseconds = { (column: String, fsp: Int) in
            time == .connect || fsp <= 3 ? "FLOOR(\(microsecondsSinceEpoch(column)) / 1000)" : microsecondsSinceEpoch(column)
        }
        let columns = [
            // A date with a zero year, month or day: null in a nullable column, the epoch in a NOT NULL one.
            "d": "IF(YEAR(d) = 0 OR MONTH(d) = 0 OR DAYOFMONTH(d) = 0, NULL, DATEDIFF(d, '1970-01-01'))",
            "dz": "IF(MONTH(dz) = 0, 0, DATEDIFF(dz, '1970-01-01'))",
            "t": time == .connect ? "FLOOR((\(timeMicroseconds)) / 1000)" : timeMicroseconds,
            "dt0": millisecondsOrMicroseconds("dt0", 0), "dt3": millisecondsOrMicroseconds("dt3", 3), "dt6": millisecondsOrMicroseconds("dt6", 6),
            "dtz": "IF(MONTH(dtz) = 0, 0, \(millisecondsOrMicroseconds("dtz", 0)))",
            "ts0": "IF(UNIX_TIMESTAMP(ts0) = 0, NULL, DATE_FORMAT(ts0, '%Y-%m-%dT%H:%i:%sZ'))",
            "ts3": "CONCAT(DATE_FORMAT(ts3, '%Y-%m-%dT%H:%i:%s.'), LEFT(DATE_FORMAT(ts3, '%f'), 3), 'Z')",
            "dec1": decimals == .precise ? "CAST(dec1 * 100 AS DECIMAL(65,0))" : "CAST(dec1 AS CHAR)",
            "dec2": decimals == .precise ? "CAST(dec2 * 10000000000 AS DECIMAL(65,0))" : "CAST(dec2 AS CHAR)",
            "b1": "IF(b1 + 0 = 1, 'true', 'false')", "b12": "HEX(b12)",
            "g": "CONCAT(REPLACE(TO_BASE64(ST_AsBinary(g)), '\\n', ''), ' ', ST_SRID(g))",
            "p": "CONCAT(ST_X(p), ' ', ST_Y(p), ' ', REPLACE(TO_BASE64(ST_AsBinary(p)), '\\n', ''))",
            "bin": "TO_BASE64(bin)", "vb": "TO_BASE64(vb)", "e": "CAST(e AS CHAR)", "s": "CAST(s AS CHAR)",
        ].sorted { $0.key < $1.key }
        let row = try #require(try connection.query("SELECT \(columns.map(\.value).joined(separator: ", ")) FROM v WHERE id = \(id)").first)
        var values: [String: String] = [:]
        for ((name, _), value) in zip(columns, row) { values[name] = serverValue(name, value, decimals: decimals) }
        return values
    }

    /// The server's text of `column` in the form `text` gives the message's value.
    private static func serverValue(_ column: String, _ value: String?, decimals: DebeziumFormatOptions.DecimalHandling) -> String {
        guard let value else { return "null" }
        switch column {
        case "dec1", "dec2":
            switch decimals {
            case .precise: return value  // compared with the message's bytes decoded (`unscaledValue`)
            case .string: return value
            case .double: return number(Double(value)!)
            }
        case "b12":
            // Debezium's bytes: least significant first, as many as BIT(12) takes.
            let number = UInt16(value, radix: 16)!
            return Data([UInt8(number & 0xff), UInt8(number >> 8)]).base64EncodedString()
        case "g":
            let parts = value.split(separator: " ")
            return "{srid: \(parts[1] == "0" ? "null" : String(parts[1])), wkb: \(parts[0])}"
        case "p":
            let parts = value.split(separator: " ")
            return "{srid: null, wkb: \(parts[2]), x: \(number(Double(parts[0])!)), y: \(number(Double(parts[1])!))}"
        default:
            return value
        }
    }

    /// A number as JSONSerialization reads it back: integral ones as integers (`-2`), which JSON does not tell apart.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
    }

    /// A message value as the text `serverValue` makes: numbers as written, objects with sorted keys,
    /// DECIMAL bytes (base64 strings of `dec…`) decoded by the caller's column choice.
    static func text(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            // JSONSerialization makes `true`/`false` a number of Objective-C type char, fractions doubles.
            switch String(cString: number.objCType) {
            case "c": return number.boolValue ? "true" : "false"
            case "d", "f": return Self.number(number.doubleValue)
            default: return number.stringValue
            }
        case let string as String: return string
        case let object as [String: Any]:
            return "{" + object.keys.sorted().map { "\($0): \(text(object[$0]!))" }.joined(separator: ", ") + "}"
        default: return "\(value)"
        }
    }

    /// The signed integer whose shortest big-endian two's complement `base64` holds, in decimal; "not
    /// shortest" when a leading byte only repeats the sign.
    static func unscaledValue(base64: String) -> String {
        guard let bytes = Data(base64Encoded: base64).map(Array.init), let first = bytes.first else { return "not base64: \(base64)" }
        if bytes.count > 1, (first == 0 && bytes[1] & 0x80 == 0) || (first == 0xff && bytes[1] & 0x80 != 0) { return "not shortest" }
        let negative = first & 0x80 != 0
        // The magnitude: the bytes themselves, or their two's complement.
        var magnitude = bytes
        if negative {
            magnitude = magnitude.map { ~$0 }
            var index = magnitude.count - 1
            while true {
                let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
                magnitude[index] = sum
                if !overflow || index == 0 { break }
                index -= 1
            }
        }
        // Base 256 to base 10 by repeated division.
        var digits: [Character] = []
        while magnitude.contains(where: { $0 != 0 }) {
            var remainder = 0
            magnitude = magnitude.map { byte in
                let value = remainder * 256 + Int(byte)
                remainder = value % 10
                return UInt8(value / 10)
            }
            digits.append(Character(String(remainder)))
        }
        let text = digits.isEmpty ? "0" : String(digits.reversed())
        return negative ? "-" + text : text
    }
}
