/// One column of a table as `information_schema.COLUMNS` describes it, for reading the table's rows
/// with SELECT (a snapshot) and writing them exactly as the binlog's rows of that table are written.
public struct SnapshotColumn: Sendable, Equatable {
    public var name: String
    /// `DATA_TYPE`, lower case: `int`, `varchar`, `datetime`, `json`, `point`, …
    public var dataType: String
    /// `COLUMN_TYPE`: `int(10) unsigned`, `enum('a','b')`, `bit(5)`, …
    public var columnType: String
    /// `CHARACTER_OCTET_LENGTH` of a character or binary column (the bytes its longest value may take).
    public var octetLength: Int?
    /// `NUMERIC_PRECISION` and `NUMERIC_SCALE` (DECIMAL, BIT).
    public var precision: Int?
    public var scale: Int?
    /// `DATETIME_PRECISION`: the fraction digits of TIME, DATETIME and TIMESTAMP.
    public var fractionDigits: Int?
    /// The collation id (binary, 63, for a column without one).
    public var collation: UInt32
    /// `COLLATION_NAME`, for comparing key values in the column's own order (nil without one).
    public var collationName: String?
    public var isNullable: Bool
    public var isPrimaryKey: Bool

    public init(name: String, dataType: String, columnType: String, octetLength: Int? = nil, precision: Int? = nil,
                scale: Int? = nil, fractionDigits: Int? = nil, collation: UInt32 = 63, collationName: String? = nil,
                isNullable: Bool = true, isPrimaryKey: Bool = false) {
        self.name = name
        self.dataType = dataType.lowercased()
        self.columnType = columnType
        self.octetLength = octetLength
        self.precision = precision
        self.scale = scale
        self.fractionDigits = fractionDigits
        self.collation = collation
        self.collationName = collationName
        self.isNullable = isNullable
        self.isPrimaryKey = isPrimaryKey
    }

    public var isUnsigned: Bool { columnType.lowercased().contains("unsigned") }

    /// How a snapshot selects the column so that its text converts to the binlog's bytes exactly:
    /// FLOAT as a DOUBLE (the server prints a FLOAT with too few digits to read it back), ENUM and SET
    /// as `number:labels` (the number is what the binlog holds; the labels, in the column's charset,
    /// correct those `information_schema` spoils: MariaDB shows characters outside the Basic
    /// Multilingual Plane there as `?`). Everything else is selected as it is.
    public var selectExpression: String {
        let quoted = Self.quoteIdentifier(name)
        switch dataType {
        case "float": return "\(quoted) + 0e0"
        case "enum", "set": return "CONCAT(\(quoted) | 0, ':', \(quoted))"
        default: return quoted
        }
    }

    /// `name` as an SQL identifier: in backquotes, a backquote doubled.
    public static func quoteIdentifier(_ name: String) -> String {
        "`" + name.split(separator: "`", omittingEmptySubsequences: false).joined(separator: "``") + "`"
    }

    /// The labels of `enum('a','b')` or `set('x','y')`, else nil. The server writes each label as an
    /// SQL literal: a quote doubled, and a backslash, NUL, line feed and carriage return escaped
    /// with a backslash.
    public static func labels(ofColumnType type: String) -> [String]? {
        let lower = type.lowercased()
        guard lower.hasPrefix("enum(") || lower.hasPrefix("set("), type.hasSuffix(")") else { return nil }
        let body = Array(type[type.index(after: type.firstIndex(of: "(")!)..<type.index(before: type.endIndex)])
        var labels: [String] = []
        var current = ""
        var inside = false
        var index = 0
        while index < body.count {
            let character = body[index]
            if !inside {
                if character == "'" { inside = true }
            } else if character == "'" {
                if index + 1 < body.count && body[index + 1] == "'" {
                    current.append("'")
                    index += 1
                } else {
                    inside = false
                    labels.append(current)
                    current = ""
                }
            } else if character == "\\" && index + 1 < body.count {
                index += 1
                switch body[index] {
                case "0": current.append("\u{0}")
                case "n": current.append("\n")
                case "r": current.append("\r")
                case "Z": current.append("\u{1A}")
                default: current.append(body[index])
                }
            } else {
                current.append(character)
            }
            index += 1
        }
        return labels
    }
}
