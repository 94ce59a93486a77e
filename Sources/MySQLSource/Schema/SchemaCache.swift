import BinlogDecoder

/// Column names, signedness, collations, ENUM/SET labels and primary keys from information_schema,
/// for servers that log table maps without full metadata; cached per table and dropped when a DDL
/// statement passes in the stream.
///
/// information_schema describes the table as it is now, which after an ALTER may be ahead of the
/// events still being read: when the column count differs, the schema is not applied (and the
/// caller says so), rather than naming columns wrongly.
///
/// The lookups use a connection of their own, which a server restart, `wait_timeout` or a KILL
/// ends while the stream reconnects on its own: a lookup that fails on a connection used before is
/// tried once more on a new one; a second failure is thrown (the source then reconnects as for a
/// lost stream). A connection is held only between lookups that succeeded on it, so one that
/// failed is never used again.
public final class SchemaCache {
    private var columns: [String: [SchemaColumn]] = [:]
    private let connectionOptions: MySQLConnectionOptions
    private var connection: MySQLConnection?

    public init(connectionOptions: MySQLConnectionOptions) {
        self.connectionOptions = connectionOptions
    }

    /// The schema of `database.table`, from the cache or the server.
    public func columns(database: String, table: String) throws -> [SchemaColumn] {
        let key = "\(database).\(table)"
        if let cached = columns[key] { return cached }
        let loaded = try load(database: database, table: table)
        columns[key] = loaded
        return loaded
    }

    /// Forgets every cached table (a DDL statement passed; it may have changed any of them).
    public func invalidate() {
        columns.removeAll()
    }

    /// Fills in what `table`'s event did not log from the schema, as the source does; false when
    /// the schema's columns no longer match the event's (see `TableMap.applySchema`).
    public func complete(_ table: inout TableMap) throws -> Bool {
        table.applySchema(try columns(database: table.database, table: table.table))
    }

    private func load(database: String, table: String) throws -> [SchemaColumn] {
        let sql = """
            SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.COLUMN_KEY, l.ID, c.CHARACTER_SET_NAME, k.ORDINAL_POSITION
            FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS l ON l.COLLATION_NAME = c.COLLATION_NAME
            LEFT JOIN information_schema.KEY_COLUMN_USAGE k ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
              AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
            WHERE c.TABLE_SCHEMA = '\(Self.quote(database))' AND c.TABLE_NAME = '\(Self.quote(table))'
            ORDER BY c.ORDINAL_POSITION
            """
        let rows: [[String?]]
        if let reused = connection.take() {
            do {
                rows = try reused.query(sql)
                connection = reused
            } catch {
                // Dead since its last use (restart, wait_timeout, KILL): once more on a new connection.
                rows = try queryOnNewConnection(sql)
            }
        } else {
            rows = try queryOnNewConnection(sql)
        }
        return rows.map { row in
            let type = row[1] ?? ""
            return SchemaColumn(
                name: row[0] ?? "",
                isUnsigned: type.lowercased().contains("unsigned"),
                collation: Self.collation(id: row[3], characterSet: row[4]),
                labels: SnapshotColumn.labels(ofColumnType: type),
                isPrimaryKey: row[2] == "PRI", primaryKeyPosition: row[5].flatMap { Int($0) })
        }
    }

    /// Opens a connection, runs `sql` and keeps the connection only if that succeeded.
    private func queryOnNewConnection(_ sql: String) throws -> [[String?]] {
        let fresh = try MySQLConnection(connectionOptions)
        let rows = try fresh.query(sql)
        connection = fresh
        return rows
    }

    /// The collation id of a column: its collation's, or binary (63) for a column without one
    /// (BINARY, VARBINARY, the BLOB family, a `CHARACTER SET binary` column, and the types that are
    /// not text, for which a collation changes nothing), as the binlog's metadata gives them.
    static func collation(id: String?, characterSet: String?) -> UInt32 {
        if characterSet?.lowercased() != "binary", let id, let number = UInt32(id) { return number }
        return binaryCollation
    }

    static let binaryCollation: UInt32 = 63

    public static func quote(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("'", with: "''")
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
