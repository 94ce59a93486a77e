/// One column of a table as a TABLE_MAP event (and, without full metadata, the schema) describes it.
public struct ColumnDefinition: Sendable, Equatable {
    /// The column's name; nil when the server logged no names (binlog_row_metadata=MINIMAL) and none was supplied.
    public var name: String?
    /// The type code in the TABLE_MAP (`ColumnType`); ENUM and SET columns arrive as STRING.
    public var binlogType: UInt8
    /// The type after resolving STRING's real type (ENUM, SET or STRING).
    public var realType: UInt8
    /// The TABLE_MAP's per-column metadata (length prefix size, precision and scale, fsp, …).
    public var metadata: UInt16
    public var isNullable: Bool
    public var isUnsigned: Bool
    /// The collation id of a character, ENUM or SET column, when the server logged it.
    public var collation: UInt32?
    /// ENUM labels or SET members, in order, when the server logged them.
    public var labels: [String]?
    public var isPrimaryKey: Bool

    /// The decoding rule for this column's values, derived from the fields above.
    public internal(set) var kind: ValueKind

    init(binlogType: UInt8, metadata: UInt16, isNullable: Bool) {
        self.name = nil
        self.binlogType = binlogType
        self.metadata = metadata
        self.isNullable = isNullable
        self.isUnsigned = false
        self.collation = nil
        self.labels = nil
        self.isPrimaryKey = false
        var realType = binlogType
        if binlogType == ColumnType.string && metadata >= 256 {
            let high = UInt8(metadata >> 8)
            realType = high & 0x30 != 0x30 ? high | 0x30 : high
        }
        self.realType = realType
        self.kind = .null
        self.kind = ValueKind(self)
    }

    /// Recomputes `kind` after the signedness, collation or labels changed.
    mutating func refreshKind() { kind = ValueKind(self) }

    /// Numeric columns carry a SIGNEDNESS bit in the optional metadata.
    var isNumeric: Bool {
        switch binlogType {
        case ColumnType.tiny, ColumnType.short, ColumnType.int24, ColumnType.long, ColumnType.longLong,
             ColumnType.float, ColumnType.double, ColumnType.newDecimal: return true
        default: return false
        }
    }

    /// Character columns carry a collation in the optional metadata (MariaDB counts GEOMETRY among them).
    func isCharacter(mariaDB: Bool) -> Bool {
        switch realType {
        case ColumnType.string, ColumnType.varString, ColumnType.varchar, ColumnType.blob: return true
        case ColumnType.geometry: return mariaDB
        default: return false
        }
    }

    var isEnumOrSet: Bool { realType == ColumnType.enumeration || realType == ColumnType.set }
}
