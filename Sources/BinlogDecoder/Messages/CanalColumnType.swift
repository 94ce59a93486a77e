/// A column's `mysqlType` (its type as MySQL names it) and `sqlType` (its `java.sql.Types` code) in Canal's
/// flat messages, from what the table map says of it. Lengths of CHAR, VARCHAR and BINARY are not in the
/// binlog in characters, and are left out (`varchar`, not `varchar(20)`); DECIMAL's, ENUM's, SET's and the
/// fraction digits of temporal types are kept.
enum CanalColumnType {
    static func mysqlType(of kind: ValueKind, column: ColumnDefinition) -> String {
        let unsigned = column.isUnsigned ? " unsigned" : ""
        func fraction(_ fsp: Int) -> String { fsp > 0 ? "(\(fsp))" : "" }
        func labels(_ name: String) -> String {
            let list = (column.labels ?? []).map { "'" + $0.replacing("'", with: "''") + "'" }.joined(separator: ",")
            return "\(name)(\(list))"
        }
        switch kind {
        case .null: return "null"
        case .integer(let width, _):
            let names = [1: "tinyint", 2: "smallint", 3: "mediumint", 4: "int", 8: "bigint"]
            return (names[width] ?? "int") + unsigned
        case .year: return "year"
        case .float: return "float" + unsigned
        case .double: return "double" + unsigned
        case .decimal(let precision, let scale): return "decimal(\(precision),\(scale))" + unsigned
        case .bit: return "bit"
        case .date: return "date"
        case .time: return "time"
        case .time2(let fsp): return "time" + fraction(fsp)
        case .dateTime: return "datetime"
        case .dateTime2(let fsp): return "datetime" + fraction(fsp)
        case .timestamp: return "timestamp"
        case .timestamp2(let fsp): return "timestamp" + fraction(fsp)
        case .string(_, let encoding):
            let fixed = column.realType == ColumnType.string
            if encoding == .binary { return fixed ? "binary" : "varbinary" }
            return fixed ? "char" : "varchar"
        case .fixedBinary: return "binary"
        case .blob(let lengthBytes, let encoding):
            let size = [1: "tiny", 2: "", 3: "medium", 4: "long"][lengthBytes] ?? ""
            return size + (encoding == .binary || encoding == nil ? "blob" : "text")
        case .enumeration: return labels("enum")
        case .set: return labels("set")
        case .json: return "json"
        case .geometry: return "geometry"
        case .vector: return "vector"
        case .unsupported: return "unknown"
        }
    }

    /// The column's `java.sql.Types` code, as the table of TiCDC's Canal-JSON documentation gives them: CHAR 1,
    /// DECIMAL 3, INTEGER 4, SMALLINT 5, REAL 7, DOUBLE 8, VARCHAR 12 (YEAR and JSON too), DATE 91, TIME 92,
    /// TIMESTAMP 93, BIGINT -5, TINYINT -6, BIT -7 (SET too), BLOB 2004 (BINARY and VARBINARY too), CLOB 2005
    /// (TEXT); an unsigned integer takes the next wider type, by its type rather than its value.
    static func sqlType(of kind: ValueKind, column: ColumnDefinition) -> Int {
        switch kind {
        case .null: return 0
        case .integer(let width, let unsigned):
            switch width {
            case 1: return unsigned ? 5 : -6
            case 2: return unsigned ? 4 : 5
            case 3: return 4
            case 4: return unsigned ? -5 : 4
            default: return unsigned ? 3 : -5
            }
        case .year: return 12
        case .float: return 7
        case .double: return 8
        case .decimal: return 3
        case .bit, .set: return -7
        case .date: return 91
        case .time, .time2: return 92
        case .dateTime, .dateTime2, .timestamp, .timestamp2: return 93
        case .string(_, let encoding):
            if encoding == .binary { return 2004 }
            return column.realType == ColumnType.string ? 1 : 12
        case .fixedBinary: return 2004
        case .blob(_, let encoding): return encoding == .binary || encoding == nil ? 2004 : 2005
        case .enumeration: return 4
        case .json, .vector: return 12
        case .geometry: return 2004
        case .unsupported: return 1111
        }
    }
}
