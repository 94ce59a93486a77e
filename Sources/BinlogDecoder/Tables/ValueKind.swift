/// How one column's value is laid out in a row image and how it becomes JSON: resolved once
/// per TABLE_MAP so that rows only switch over it.
public enum ValueKind: Sendable, Equatable {
    case null
    /// A little-endian integer of 1, 2, 3, 4 or 8 bytes.
    case integer(width: Int, unsigned: Bool)
    case year
    case float
    case double
    case decimal(precision: Int, scale: Int)
    /// BIT(n): `bytes` big-endian bytes.
    case bit(bytes: Int)
    case date
    case time
    case time2(fsp: Int)
    case dateTime
    case dateTime2(fsp: Int)
    case timestamp
    case timestamp2(fsp: Int)
    /// CHAR/VARCHAR/BINARY/VARBINARY: a 1- or 2-byte length, then the bytes.
    case string(lengthBytes: Int, encoding: TextEncoding?)
    /// BINARY(n): like `string`, but the server drops trailing zero bytes that reads put back: padded to `fieldLength`.
    case fixedBinary(lengthBytes: Int, fieldLength: Int)
    /// TEXT/BLOB family: a 1- to 4-byte length, then the bytes.
    case blob(lengthBytes: Int, encoding: TextEncoding?)
    case enumeration(packLength: Int)
    case set(packLength: Int)
    /// MySQL's binary JSON behind a length of `lengthBytes`.
    case json(lengthBytes: Int)
    /// SRID and WKB behind a length of `lengthBytes`.
    case geometry(lengthBytes: Int)
    /// MySQL 9's VECTOR: little-endian single-precision floats behind a length of `lengthBytes`.
    case vector(lengthBytes: Int)
    /// A type code the decoder refuses rather than guess at.
    case unsupported

    init(_ column: ColumnDefinition) {
        let meta = Int(column.metadata)
        let encoding = column.collation.map(TextEncoding.init(collation:))
        switch column.realType {
        case ColumnType.null: self = .null
        case ColumnType.tiny: self = .integer(width: 1, unsigned: column.isUnsigned)
        case ColumnType.short: self = .integer(width: 2, unsigned: column.isUnsigned)
        case ColumnType.int24: self = .integer(width: 3, unsigned: column.isUnsigned)
        case ColumnType.long: self = .integer(width: 4, unsigned: column.isUnsigned)
        case ColumnType.longLong: self = .integer(width: 8, unsigned: column.isUnsigned)
        case ColumnType.year: self = .year
        case ColumnType.float: self = .float
        case ColumnType.double: self = .double
        case ColumnType.newDecimal:
            let precision = meta >> 8, scale = meta & 0xff
            self = precision >= 1 && precision <= 65 && scale <= precision && scale <= 30
                ? .decimal(precision: precision, scale: scale) : .unsupported
        case ColumnType.bit:
            let bits = (meta >> 8) * 8 + (meta & 0xff)
            self = bits >= 1 && bits <= 64 ? .bit(bytes: (bits + 7) / 8) : .unsupported
        case ColumnType.date: self = .date
        case ColumnType.time: self = .time
        case ColumnType.time2: self = meta <= 6 ? .time2(fsp: meta) : .unsupported
        case ColumnType.dateTime: self = .dateTime
        case ColumnType.dateTime2: self = meta <= 6 ? .dateTime2(fsp: meta) : .unsupported
        case ColumnType.timestamp: self = .timestamp
        case ColumnType.timestamp2: self = meta <= 6 ? .timestamp2(fsp: meta) : .unsupported
        case ColumnType.varchar, ColumnType.varString:
            self = .string(lengthBytes: meta < 256 ? 1 : 2, encoding: encoding)
        case ColumnType.string:
            // CHAR(n): the field length is the low byte plus two high bits hidden in the real-type byte.
            var length = meta
            if meta >= 256 {
                let high = meta >> 8
                length = high & 0x30 != 0x30 ? (meta & 0xff) | (((high & 0x30) ^ 0x30) << 4) : meta & 0xff
            }
            self = encoding == .binary
                ? .fixedBinary(lengthBytes: length < 256 ? 1 : 2, fieldLength: length)
                : .string(lengthBytes: length < 256 ? 1 : 2, encoding: encoding)
        case ColumnType.enumeration:
            let packLength = meta & 0xff
            self = packLength == 1 || packLength == 2 ? .enumeration(packLength: packLength) : .unsupported
        case ColumnType.set:
            let packLength = meta & 0xff
            self = (1...8).contains(packLength) ? .set(packLength: packLength) : .unsupported
        case ColumnType.blob, ColumnType.tinyBlob, ColumnType.mediumBlob, ColumnType.longBlob:
            self = (1...4).contains(meta) ? .blob(lengthBytes: meta, encoding: encoding) : .unsupported
        case ColumnType.json: self = (1...4).contains(meta) ? .json(lengthBytes: meta) : .unsupported
        case ColumnType.geometry: self = (1...4).contains(meta) ? .geometry(lengthBytes: meta) : .unsupported
        case ColumnType.vector: self = (1...4).contains(meta) ? .vector(lengthBytes: meta) : .unsupported
        default: self = .unsupported
        }
    }
}
