/// A TABLE_MAP event: which table the following ROWS events with this table id change, and its columns.
public struct TableMap: Sendable, Equatable {
    public var tableID: UInt64
    public var database: String
    public var table: String
    public var columns: [ColumnDefinition]
    /// Whether the column names are known (logged with binlog_row_metadata=FULL, or applied from the schema).
    public var hasColumnNames: Bool
    /// Whether the server logged which numeric columns are unsigned.
    public private(set) var hasSignedness = false
    /// Whether MariaDB wrote the event (some values print differently on the two servers).
    public let writtenByMariaDB: Bool

    /// `database.table`
    public private(set) var qualifiedName: String

    /// Each column's `ValueKind`, kept apart for the row-scanning loop.
    public private(set) var kinds: [ValueKind]

    /// Each column's name as a JSON object key with its colon (`"name":`), written once per table map:
    /// column i's key is `jsonKeyBytes[jsonKeyOffsets[i]..<jsonKeyOffsets[i + 1]]`.
    private(set) var jsonKeyBytes: [UInt8]
    private(set) var jsonKeyOffsets: [Int]

    /// Indexes of the primary key columns, in key order.
    public var primaryKey: [Int]

    /// A table map of known columns (a snapshot's, see `init(snapshotOf:table:columns:mariaDB:)`).
    init(tableID: UInt64, database: String, table: String, columns: [ColumnDefinition], primaryKey: [Int], mariaDB: Bool) {
        self.tableID = tableID
        self.database = database
        self.table = table
        self.columns = columns
        self.hasColumnNames = true
        self.hasSignedness = true
        self.writtenByMariaDB = mariaDB
        self.qualifiedName = "\(database).\(table)"
        self.kinds = []
        self.jsonKeyBytes = []
        self.jsonKeyOffsets = []
        self.primaryKey = primaryKey
        refreshDerived()
    }

    /// Parses the event body (after the common header, without the checksum).
    init(parsing body: UnsafeRawBufferPointer, tableIDLength: Int, mariaDB: Bool) throws(EventFailure) {
        var reader = ByteReader(body)
        writtenByMariaDB = mariaDB
        tableID = try reader.littleEndian(tableIDLength)
        _ = try reader.uint16()  // flags
        database = try reader.string(Int(try reader.uint8()))
        try reader.skip(1)
        table = try reader.string(Int(try reader.uint8()))
        try reader.skip(1)
        let columnCount = try reader.lengthEncodedCount()
        let types = try reader.slice(columnCount)
        let metadataLength = try reader.lengthEncodedCount()
        var metadataReader = ByteReader(try reader.slice(metadataLength))
        let nullability = try reader.slice((columnCount + 7) / 8)

        var columns: [ColumnDefinition] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            let type = types[index]
            guard let length = ColumnType.metadataLength(of: type) else {
                throw EventFailure("a column of type \(type) (\(ColumnType.name(of: type))) cannot be in a binlog",
                                   table: "\(database).\(table)", column: "#\(index + 1)", columnType: type)
            }
            let metadata: UInt16
            switch (length, type) {
            case (2, ColumnType.string), (2, ColumnType.newDecimal):
                // Big-endian pairs: (real type, length) and (precision, scale).
                metadata = UInt16(try metadataReader.uint8()) << 8 | UInt16(try metadataReader.uint8())
            case (2, _): metadata = try metadataReader.uint16()
            case (1, _): metadata = UInt16(try metadataReader.uint8())
            default: metadata = 0
            }
            let nullable = nullability[index / 8] & (1 << (index % 8)) != 0
            columns.append(ColumnDefinition(binlogType: type, metadata: metadata, isNullable: nullable))
        }
        self.columns = columns
        self.hasColumnNames = false
        self.primaryKey = []
        self.qualifiedName = "\(database).\(table)"
        self.kinds = []
        self.jsonKeyBytes = []
        self.jsonKeyOffsets = []
        try parseOptionalMetadata(&reader, mariaDB: mariaDB)
        refreshDerived()
    }

    /// Recomputes kinds and keys after columns changed (metadata parsed, or names filled in from the schema).
    mutating func refreshDerived() {
        for index in columns.indices { columns[index].refreshKind() }
        kinds = columns.map(\.kind)
        let writer = JSONWriter(capacity: 32 * columns.count)
        jsonKeyOffsets = [0]
        for index in columns.indices {
            writer.string(columnName(index))
            writer.byte(UInt8(ascii: ":"))
            jsonKeyOffsets.append(writer.count)
        }
        jsonKeyBytes = writer.bytes
    }

    /// The TLV fields MySQL 8 and MariaDB 10.5+ append with binlog_row_metadata (names, signedness, charsets, …).
    private mutating func parseOptionalMetadata(_ reader: inout ByteReader, mariaDB: Bool) throws(EventFailure) {
        let numeric = columns.indices.filter { columns[$0].hasSignednessBit(mariaDB: mariaDB) }
        let character = columns.indices.filter { columns[$0].isCharacter(mariaDB: mariaDB) }
        let enumAndSet = columns.indices.filter { columns[$0].isEnumOrSet }
        let enums = columns.indices.filter { columns[$0].realType == ColumnType.enumeration }
        let sets = columns.indices.filter { columns[$0].realType == ColumnType.set }
        let geometries = columns.indices.filter { columns[$0].realType == ColumnType.geometry }

        // Labels wait for the ENUM/SET charsets (fields 10 and 11), whichever order the fields come in.
        var rawLabels: [(column: Int, labels: [UnsafeRawBufferPointer])] = []

        while !reader.isAtEnd {
            let field = try reader.uint8()
            var value = ByteReader(try reader.slice(try reader.lengthEncodedCount()))
            switch field {
            case 1:  // SIGNEDNESS: one bit per numeric column, most significant bit first
                hasSignedness = true
                for (position, index) in numeric.enumerated() {
                    guard position / 8 < value.bytes.count else { break }
                    columns[index].isUnsigned = value.bytes[position / 8] & (0x80 >> (position % 8)) != 0
                }
            case 2: try parseDefaultCollation(&value, for: character)
            case 3: try parseColumnCollations(&value, for: character)
            case 4:  // COLUMN_NAME
                for index in columns.indices {
                    columns[index].name = try value.lengthEncodedString()
                }
                hasColumnNames = true
            case 5, 6:  // SET_STR_VALUE, ENUM_STR_VALUE: bytes in the column's charset, converted below
                for index in field == 5 ? sets : enums {
                    let count = try value.lengthEncodedCount()
                    var labels: [UnsafeRawBufferPointer] = []
                    labels.reserveCapacity(count)
                    for _ in 0..<count { labels.append(try value.slice(try value.lengthEncodedCount())) }
                    rawLabels.append((index, labels))
                }
            case 7:  // GEOMETRY_TYPE
                for _ in geometries { _ = try value.lengthEncoded() }
            case 8:  // SIMPLE_PRIMARY_KEY
                while !value.isAtEnd { try addPrimaryKeyColumn(try value.lengthEncoded()) }
            case 9:  // PRIMARY_KEY_WITH_PREFIX
                while !value.isAtEnd {
                    try addPrimaryKeyColumn(try value.lengthEncoded())
                    _ = try value.lengthEncoded()
                }
            case 10: try parseDefaultCollation(&value, for: enumAndSet)
            case 11: try parseColumnCollations(&value, for: enumAndSet)
            default: break  // COLUMN_VISIBILITY and newer fields do not change decoding
            }
        }
        for (index, labels) in rawLabels {
            let encoding = columns[index].collation.map(TextEncoding.init(collation:)) ?? .utf8
            var strings: [String] = []
            strings.reserveCapacity(labels.count)
            for label in labels {
                guard let string = TextValue.string(label, encoding: encoding) else { break }
                strings.append(string)
            }
            if strings.count == labels.count {
                columns[index].labels = strings
            } else {
                columns[index].unconvertibleLabelsCollation = columns[index].collation
            }
        }
    }

    private mutating func addPrimaryKeyColumn(_ index: UInt64) throws(EventFailure) {
        guard index < UInt64(columns.count) else {
            throw EventFailure("primary key names column \(index + 1) of \(columns.count)", table: qualifiedName)
        }
        primaryKey.append(Int(index))
        columns[Int(index)].isPrimaryKey = true
    }

    /// DEFAULT_CHARSET: the most common collation, then (column position, collation) pairs for the others.
    private mutating func parseDefaultCollation(_ value: inout ByteReader, for indexes: [Int]) throws(EventFailure) {
        let defaultCollation = UInt32(truncatingIfNeeded: try value.lengthEncoded())
        for index in indexes { columns[index].collation = defaultCollation }
        while !value.isAtEnd {
            let position = try value.lengthEncoded()
            let collation = UInt32(truncatingIfNeeded: try value.lengthEncoded())
            guard position < UInt64(indexes.count) else {
                throw EventFailure("charset metadata names character column \(position + 1) of \(indexes.count)", table: qualifiedName)
            }
            columns[indexes[Int(position)]].collation = collation
        }
    }

    /// COLUMN_CHARSET: one collation per column of the kind.
    private mutating func parseColumnCollations(_ value: inout ByteReader, for indexes: [Int]) throws(EventFailure) {
        for index in indexes {
            columns[index].collation = UInt32(truncatingIfNeeded: try value.lengthEncoded())
        }
    }

    /// Fills in what the server did not log (binlog_row_metadata=MINIMAL) from the schema: names,
    /// signedness, collations, ENUM/SET labels and the primary key. Returns false, changing nothing,
    /// when the schema's column count differs from the event's (the schema moved on after a DDL).
    public mutating func applySchema(_ schema: [SchemaColumn]) -> Bool {
        guard schema.count == columns.count else { return false }
        primaryKey = []
        for (index, column) in schema.enumerated() {
            if columns[index].name == nil { columns[index].name = column.name }
            if !hasSignedness { columns[index].isUnsigned = column.isUnsigned }
            if columns[index].collation == nil { columns[index].collation = column.collation }
            if columns[index].labels == nil { columns[index].labels = column.labels }
            columns[index].isPrimaryKey = column.isPrimaryKey
            if column.isPrimaryKey { primaryKey.append(index) }
        }
        // In key order, as full metadata lists it (a key's columns may come in another order than the table's).
        primaryKey.sort { (schema[$0].primaryKeyPosition ?? $0, $0) < (schema[$1].primaryKeyPosition ?? $1, $1) }
        hasColumnNames = true
        refreshDerived()
        return true
    }

    /// Writes column `index`'s `"name":`.
    func writeKey(_ index: Int, to writer: JSONWriter) {
        jsonKeyBytes.withUnsafeBytes { keys in
            writer.raw(UnsafeRawBufferPointer(rebasing: keys[jsonKeyOffsets[index]..<jsonKeyOffsets[index + 1]]))
        }
    }

    /// The name of column `index` for messages: its name, or `@N` (1-based) when unknown.
    public func columnName(_ index: Int) -> String {
        columns[index].name ?? "@\(index + 1)"
    }
}
