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
    /// ENUM labels or SET members, in order, when the server logged them (converted from the
    /// column's charset) or the schema gave them.
    public var labels: [String]?
    /// The collation of logged labels that binlogo cannot convert (a charset other than utf8mb4,
    /// utf8mb3, latin1, ascii and binary): `labels` stays nil and a value of the column is an error.
    public internal(set) var unconvertibleLabelsCollation: UInt32?
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
        self.unconvertibleLabelsCollation = nil
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

    /// Whether the column has a bit in the optional metadata's SIGNEDNESS bitmap: the same on both servers.
    ///
    /// - MariaDB (`Table_map_log_event::init_signedness_field` in sql/log_event_server.cc) gives a bit
    ///   to every field whose `binlog_type_info()` has a signedness, which is every `Field_num`
    ///   (sql/field.h): TINYINT…BIGINT, FLOAT, DOUBLE, DECIMAL, and YEAR, a `Field_tiny` (always
    ///   UNSIGNED). BIT, temporal, string, ENUM/SET and GEOMETRY fields have none.
    /// - MySQL 9.7 gives YEAR a bit too, although `is_numeric_type` in its sql/field.h leaves YEAR out:
    ///   a YEAR column before signed and UNSIGNED ones shifts their bits on the real server, and
    ///   `mysqlbinlog --print-table-metadata` 9.7 reads them so (`MySQLTypeCatalogueTests`, column orders).
    func hasSignednessBit(mariaDB: Bool) -> Bool {
        switch binlogType {
        case ColumnType.tiny, ColumnType.short, ColumnType.int24, ColumnType.long, ColumnType.longLong,
             ColumnType.float, ColumnType.double, ColumnType.newDecimal, ColumnType.year: return true
        default: return false
        }
    }

    /// Whether the column has an entry in DEFAULT_CHARSET / COLUMN_CHARSET. The servers differ:
    ///
    /// - MariaDB (`is_character_field` in sql/log_event_server.cc) counts every field whose
    ///   `binlog_type_info()` has a charset and no ENUM/SET typelib: CHAR, VARCHAR, BINARY, VARBINARY,
    ///   the TEXT and BLOB family (JSON is a LONGTEXT there), GEOMETRY (`Field_geom`, binary), and
    ///   UUID/INET6 (`Binlog_type_info_fixed_string` with the binary charset).
    /// - MySQL 8.0–9.x (`is_character_field` in sql/log_event.cc) tests `is_character_type(field->real_type())`:
    ///   STRING, VAR_STRING, VARCHAR and BLOB (the whole TEXT/BLOB family); GEOMETRY and JSON are not
    ///   among them. MySQL 9's VECTOR (a BLOB underneath, binary charset) has an entry: a latin1
    ///   column after a VECTOR takes the VECTOR's charset otherwise (checked on MySQL 9.7).
    func isCharacter(mariaDB: Bool) -> Bool {
        switch realType {
        case ColumnType.string, ColumnType.varString, ColumnType.varchar, ColumnType.blob, ColumnType.vector: return true
        case ColumnType.geometry: return mariaDB
        default: return false
        }
    }

    /// Whether the column has an entry in ENUM_AND_SET_DEFAULT_CHARSET / ENUM_AND_SET_COLUMN_CHARSET and
    /// its labels in ENUM_STR_VALUE or SET_STR_VALUE: on both servers the ENUM and SET fields
    /// (MariaDB's `is_enum_or_set_field`: a field with a typelib; MySQL's: `real_type()` ENUM or SET).
    /// BIT(n)'s n, from its metadata (bytes << 8 | bits beyond them).
    var bitCount: Int { Int(metadata >> 8) * 8 + Int(metadata & 0xff) }

    var isEnumOrSet: Bool { realType == ColumnType.enumeration || realType == ColumnType.set }
}
