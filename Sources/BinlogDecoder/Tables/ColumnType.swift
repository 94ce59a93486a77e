/// MySQL column type codes as they appear in TABLE_MAP events (`enum_field_types`).
public enum ColumnType {
    public static let decimal: UInt8 = 0
    public static let tiny: UInt8 = 1
    public static let short: UInt8 = 2
    public static let long: UInt8 = 3
    public static let float: UInt8 = 4
    public static let double: UInt8 = 5
    public static let null: UInt8 = 6
    public static let timestamp: UInt8 = 7
    public static let longLong: UInt8 = 8
    public static let int24: UInt8 = 9
    public static let date: UInt8 = 10
    public static let time: UInt8 = 11
    public static let dateTime: UInt8 = 12
    public static let year: UInt8 = 13
    public static let newDate: UInt8 = 14
    public static let varchar: UInt8 = 15
    public static let bit: UInt8 = 16
    public static let timestamp2: UInt8 = 17
    public static let dateTime2: UInt8 = 18
    public static let time2: UInt8 = 19
    public static let typedArray: UInt8 = 20
    public static let vector: UInt8 = 242
    public static let json: UInt8 = 245
    public static let newDecimal: UInt8 = 246
    public static let enumeration: UInt8 = 247
    public static let set: UInt8 = 248
    public static let tinyBlob: UInt8 = 249
    public static let mediumBlob: UInt8 = 250
    public static let longBlob: UInt8 = 251
    public static let blob: UInt8 = 252
    public static let varString: UInt8 = 253
    public static let string: UInt8 = 254
    public static let geometry: UInt8 = 255

    private static let names: [UInt8: String] = [
        0: "DECIMAL", 1: "TINY", 2: "SHORT", 3: "LONG", 4: "FLOAT", 5: "DOUBLE", 6: "NULL", 7: "TIMESTAMP",
        8: "LONGLONG", 9: "INT24", 10: "DATE", 11: "TIME", 12: "DATETIME", 13: "YEAR", 14: "NEWDATE",
        15: "VARCHAR", 16: "BIT", 17: "TIMESTAMP2", 18: "DATETIME2", 19: "TIME2", 20: "TYPED_ARRAY",
        242: "VECTOR", 245: "JSON", 246: "NEWDECIMAL", 247: "ENUM", 248: "SET", 249: "TINY_BLOB",
        250: "MEDIUM_BLOB", 251: "LONG_BLOB", 252: "BLOB", 253: "VAR_STRING", 254: "STRING", 255: "GEOMETRY",
    ]

    public static func name(of code: UInt8) -> String { names[code] ?? "UNKNOWN" }

    /// Bytes of per-column metadata the TABLE_MAP carries for a type, or nil for a type that cannot be in a binlog.
    static func metadataLength(of code: UInt8) -> Int? {
        switch code {
        case string, newDecimal, varString, varchar, bit: return 2
        case blob, double, float, geometry, json, time2, dateTime2, timestamp2, vector: return 1
        case tiny, short, long, longLong, int24, null, timestamp, date, time, dateTime, year: return 0
        default: return nil
        }
    }
}
