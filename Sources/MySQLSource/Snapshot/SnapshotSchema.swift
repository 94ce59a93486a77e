import BinlogDecoder

/// A table's columns from `information_schema`, as a snapshot reads them.
public enum SnapshotSchema {
    /// The columns of `database.table` in order; empty when the table does not exist.
    public static func columns(of database: String, _ table: String, on connection: MySQLConnection) throws -> [SnapshotColumn] {
        let sql = """
            SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.CHARACTER_OCTET_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE,
                   c.DATETIME_PRECISION, l.ID, c.CHARACTER_SET_NAME, c.COLLATION_NAME, c.IS_NULLABLE, c.COLUMN_KEY
            FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS l ON l.COLLATION_NAME = c.COLLATION_NAME
            WHERE c.TABLE_SCHEMA = '\(SchemaCache.quote(database))' AND c.TABLE_NAME = '\(SchemaCache.quote(table))'
            ORDER BY c.ORDINAL_POSITION
            """
        return try connection.query(sql).map { row in
            SnapshotColumn(name: row[0] ?? "", dataType: row[1] ?? "", columnType: row[2] ?? "",
                           octetLength: row[3].flatMap { Int($0) }, precision: row[4].flatMap { Int($0) },
                           scale: row[5].flatMap { Int($0) }, fractionDigits: row[6].flatMap { Int($0) },
                           collation: SchemaCache.collation(id: row[7], characterSet: row[8]),
                           collationName: row[8]?.lowercased() == "binary" ? nil : row[9],
                           isNullable: row[10] == "YES", isPrimaryKey: row[11] == "PRI")
        }
    }

    /// For a table without a primary key, the columns of a unique index whose columns are all NOT NULL, in
    /// index order: it identifies each row as a primary key would. The one the server shows as `PRI` in
    /// `columns` (as the stream's table maps key the table's messages), else the first by name; empty when
    /// there is none.
    public static func uniqueKey(of database: String, _ table: String, columns: [SnapshotColumn], on connection: MySQLConnection) throws -> [String] {
        var indexes: [(name: String, columns: [String], usable: Bool)] = []
        for row in try connection.query("""
            SELECT INDEX_NAME, COLUMN_NAME, NULLABLE FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = '\(SchemaCache.quote(database))' AND TABLE_NAME = '\(SchemaCache.quote(table))' AND NON_UNIQUE = 0
            ORDER BY INDEX_NAME, SEQ_IN_INDEX
            """) {
            guard let index = row[0] else { continue }
            if indexes.last?.name != index { indexes.append((index, [], true)) }
            // A column that may be NULL, or an expression (no column), cannot tell every row apart.
            if let column = row[1], row[2] != "YES" {
                indexes[indexes.count - 1].columns.append(column)
            } else {
                indexes[indexes.count - 1].usable = false
            }
        }
        let usable = indexes.filter { $0.usable && !$0.columns.isEmpty }
        let shownAsPrimary = Set(columns.filter(\.isPrimaryKey).map(\.name))
        return (usable.first { Set($0.columns) == shownAsPrimary } ?? usable.first)?.columns ?? []
    }

    /// The primary key's columns in key order (`information_schema.COLUMNS` lists them in table order).
    public static func primaryKey(of database: String, _ table: String, on connection: MySQLConnection) throws -> [String] {
        try connection.query("""
            SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = '\(SchemaCache.quote(database))' AND TABLE_NAME = '\(SchemaCache.quote(table))' AND CONSTRAINT_NAME = 'PRIMARY'
            ORDER BY ORDINAL_POSITION
            """).compactMap { $0[0] }
    }
}
