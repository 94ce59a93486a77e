extension TableMap {
    /// The table map a binlog event of this table would carry with full metadata, built from the
    /// table's `information_schema` description: snapshot rows made with it (`SnapshotRowsBuilder`)
    /// are written by the same code, byte for byte, as the table's rows read from the binlog.
    ///
    /// - Parameters:
    ///   - primaryKey: the primary key's column names in key order.
    ///   - mariaDB: whether the server is MariaDB (GEOMETRY prints differently; JSON is a LONGTEXT there).
    public init(snapshotOf database: String, table: String, columns schema: [SnapshotColumn], primaryKey keyNames: [String],
                mariaDB: Bool) throws(BinlogDecodingError) {
        var columns: [ColumnDefinition] = []
        for column in schema {
            guard let (type, metadata) = Self.binlogType(of: column, mariaDB: mariaDB) else {
                throw BinlogDecodingError(binlogFile: "", position: 0, eventType: 0, table: "\(database).\(table)", column: column.name,
                                          reason: "snapshots cannot read columns of type \(column.columnType)")
            }
            var definition = ColumnDefinition(binlogType: type, metadata: metadata, isNullable: column.isNullable)
            definition.name = column.name
            definition.isUnsigned = column.isUnsigned
            definition.collation = column.collation
            definition.labels = SnapshotColumn.labels(ofColumnType: column.columnType)
            definition.isPrimaryKey = keyNames.contains(column.name)
            columns.append(definition)
        }
        let primaryKey = keyNames.compactMap { name in schema.firstIndex { $0.name == name } }
        self.init(tableID: 0, database: database, table: table, columns: columns, primaryKey: primaryKey, mariaDB: mariaDB)
    }

    /// The binlog type code and TABLE_MAP metadata of a column, as the server logs it (`Field::binlog_type`
    /// and `Field::save_field_metadata`); nil for a type a snapshot cannot read.
    static func binlogType(of column: SnapshotColumn, mariaDB: Bool) -> (UInt8, UInt16)? {
        let octets = column.octetLength ?? 0
        switch column.dataType {
        case "tinyint": return (ColumnType.tiny, 0)
        case "smallint": return (ColumnType.short, 0)
        case "mediumint": return (ColumnType.int24, 0)
        case "int", "integer": return (ColumnType.long, 0)
        case "bigint": return (ColumnType.longLong, 0)
        case "year": return (ColumnType.year, 0)
        case "float": return (ColumnType.float, 4)
        case "double", "real", "double precision": return (ColumnType.double, 8)
        case "decimal", "numeric":
            guard let precision = column.precision else { return nil }
            return (ColumnType.newDecimal, UInt16(precision) << 8 | UInt16(column.scale ?? 0))
        case "bit":
            let bits = column.precision ?? 1
            return (ColumnType.bit, UInt16(bits / 8) << 8 | UInt16(bits % 8))
        case "date": return (ColumnType.date, 0)
        case "time": return (ColumnType.time2, UInt16(column.fractionDigits ?? 0))
        case "datetime": return (ColumnType.dateTime2, UInt16(column.fractionDigits ?? 0))
        case "timestamp": return (ColumnType.timestamp2, UInt16(column.fractionDigits ?? 0))
        case "char", "binary":
            // The real type in the high byte, with the length's two high bits folded into it.
            let high = UInt16(ColumnType.string) ^ UInt16((octets & 0x300) >> 4)
            return (ColumnType.string, high << 8 | UInt16(octets & 0xff))
        case "varchar", "varbinary": return (ColumnType.varchar, UInt16(octets))
        case "tinytext", "tinyblob": return (ColumnType.blob, 1)
        case "text", "blob": return (ColumnType.blob, 2)
        case "mediumtext", "mediumblob": return (ColumnType.blob, 3)
        case "longtext", "longblob": return (ColumnType.blob, 4)
        case "json": return mariaDB ? (ColumnType.blob, 4) : (ColumnType.json, 4)
        case "enum":
            let count = SnapshotColumn.labels(ofColumnType: column.columnType)?.count ?? 0
            return (ColumnType.string, UInt16(ColumnType.enumeration) << 8 | (count < 256 ? 1 : 2))
        case "set":
            let count = SnapshotColumn.labels(ofColumnType: column.columnType)?.count ?? 0
            let bytes = (count + 7) / 8
            return (ColumnType.string, UInt16(ColumnType.set) << 8 | UInt16(bytes > 4 ? 8 : bytes))
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
             "geometrycollection", "geomcollection":
            return (ColumnType.geometry, 4)
        case "vector": return (ColumnType.vector, 4)
        default: return nil
        }
    }
}
