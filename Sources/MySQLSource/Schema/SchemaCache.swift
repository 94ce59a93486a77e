import BinlogDecoder

/// Column names, signedness, collations, ENUM/SET labels and primary keys from information_schema,
/// for servers that log table maps without full metadata; cached per table and dropped when a DDL
/// statement passes in the stream.
///
/// information_schema describes the table as it is now, which after an ALTER may be ahead of the
/// events still being read: when the column count differs, the schema is not applied (and the
/// caller says so), rather than naming columns wrongly.
final class SchemaCache {
    private var columns: [String: [SchemaColumn]] = [:]
    private let connectionOptions: MySQLConnectionOptions
    private var connection: MySQLConnection?

    init(connectionOptions: MySQLConnectionOptions) {
        self.connectionOptions = connectionOptions
    }

    /// The schema of `database.table`, from the cache or the server.
    func columns(database: String, table: String) throws -> [SchemaColumn] {
        let key = "\(database).\(table)"
        if let cached = columns[key] { return cached }
        let loaded = try load(database: database, table: table)
        columns[key] = loaded
        return loaded
    }

    /// Forgets every cached table (a DDL statement passed; it may have changed any of them).
    func invalidate() {
        columns.removeAll()
    }

    private func load(database: String, table: String) throws -> [SchemaColumn] {
        let connection = try self.connection ?? MySQLConnection(connectionOptions)
        self.connection = connection
        let rows = try connection.query("""
            SELECT c.COLUMN_NAME, c.COLUMN_TYPE, c.COLUMN_KEY, l.ID
            FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS l ON l.COLLATION_NAME = c.COLLATION_NAME
            WHERE c.TABLE_SCHEMA = '\(Self.quote(database))' AND c.TABLE_NAME = '\(Self.quote(table))'
            ORDER BY c.ORDINAL_POSITION
            """)
        return rows.map { row in
            let type = row[1] ?? ""
            return SchemaColumn(
                name: row[0] ?? "",
                isUnsigned: type.lowercased().contains("unsigned"),
                collation: row[3].flatMap { UInt32($0) },
                labels: Self.labels(ofColumnType: type),
                isPrimaryKey: row[2] == "PRI")
        }
    }

    /// The labels of `enum('a','b')` or `set('x','y')` (quotes doubled inside), else nil.
    static func labels(ofColumnType type: String) -> [String]? {
        let lower = type.lowercased()
        guard lower.hasPrefix("enum(") || lower.hasPrefix("set("), type.hasSuffix(")") else { return nil }
        let body = type[type.index(after: type.firstIndex(of: "(")!)..<type.index(before: type.endIndex)]
        var labels: [String] = []
        var current = ""
        var inside = false
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if inside {
                if character == "'" {
                    let next = body.index(after: index)
                    if next < body.endIndex && body[next] == "'" {
                        current.append("'")
                        index = next
                    } else {
                        inside = false
                        labels.append(current)
                        current = ""
                    }
                } else {
                    current.append(character)
                }
            } else if character == "'" {
                inside = true
            }
            index = body.index(after: index)
        }
        return labels
    }

    static func quote(_ text: String) -> String {
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
