import BinlogDecoder

/// Reads one table's rows in primary-key order, a chunk at a time, on a connection of its own: each
/// chunk starts after the last key of the one before (keyset pagination, so every chunk costs the
/// same however far into the table it is), and comes back as a rows event of kind `read`.
///
/// The connection must have `character_set_results = binary` and `time_zone = '+00:00'`
/// (`prepareSession`): values then arrive as the bytes the binlog holds and convert exactly.
public final class TableChunkReader {
    public let table: TableMap
    public let columns: [SnapshotColumn]
    /// The key columns (indexes into `columns`) in key order: the primary key, or a unique index on NOT NULL columns.
    private let keyColumns: [Int]
    /// Their names, by which the stream's changes to the table are matched with the chunk's rows.
    public let keyColumnNames: [String]
    private let selectList: String
    private let from: String
    /// The last key read, as SQL literals in key order; nil before the first chunk.
    public private(set) var lastKey: [String]?
    /// The condition the rows must meet (SQL), nil for all rows.
    private let condition: String?
    private var builder: SnapshotRowsBuilder

    /// - Parameters:
    ///   - after: the key to resume after (from `lastKey` of an earlier reader).
    ///   - condition: SQL the rows must meet (a snapshot asked for with a WHERE condition); nil for all rows.
    public init(database: String, table name: String, on connection: MySQLConnection, mariaDB: Bool, after: [String]? = nil,
                condition: String? = nil) throws {
        let columns = try SnapshotSchema.columns(of: database, name, on: connection)
        guard !columns.isEmpty else { throw SnapshotError.noSuchTable("\(database).\(name)") }
        let primaryKey = try SnapshotSchema.primaryKey(of: database, name, on: connection)
        let keyNames = primaryKey.isEmpty ? try SnapshotSchema.uniqueKey(of: database, name, columns: columns, on: connection) : primaryKey
        guard !keyNames.isEmpty else { throw SnapshotError.noUsableKey("\(database).\(name)") }
        self.columns = columns
        // The table map's key is the stream's: the primary key, or without one the columns the server shows as
        // `PRI` (`SchemaCache`), so that a row's snapshot and stream messages share one Kafka key.
        let mapKey = primaryKey.isEmpty ? columns.filter(\.isPrimaryKey).map(\.name) : primaryKey
        self.table = try TableMap(snapshotOf: database, table: name, columns: columns, primaryKey: mapKey, mariaDB: mariaDB)
        keyColumns = keyNames.compactMap { key in columns.firstIndex { $0.name == key } }
        keyColumnNames = keyNames
        selectList = columns.map(\.selectExpression).joined(separator: ", ")
        from = "\(SnapshotColumn.quoteIdentifier(database)).\(SnapshotColumn.quoteIdentifier(name))"
        lastKey = after
        self.condition = condition
        builder = SnapshotRowsBuilder(table: table)
    }

    /// Sets what every snapshot connection needs: values as the bytes the binlog holds, TIMESTAMPs in UTC.
    public static func prepareSession(_ connection: MySQLConnection) throws {
        try connection.execute("SET SESSION character_set_results = binary, SESSION time_zone = '+00:00'")
    }

    /// The SELECT of the next chunk of at most `limit` rows.
    public func chunkQuery(limit: Int) -> String {
        let order = keyColumns.map { SnapshotColumn.quoteIdentifier(columns[$0].name) }.joined(separator: ", ")
        let keyset = lastKey.map { Self.after($0, columns: keyColumns.map { columns[$0] }) }
        let conditions = (keyset.map { ["(\($0))"] } ?? []) + (condition.map { ["(\($0))"] } ?? [])
        var sql = "SELECT \(selectList) FROM \(from)"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        return sql + " ORDER BY \(order) LIMIT \(limit)"
    }

    /// Reads the next chunk: its rows as one `read` event placed at `binlogFile:position` (nil when the
    /// table has no rows after the last key), and moves `lastKey` past them. A chunk of fewer rows than
    /// `limit` is the table's last (`isFinished`).
    public func readChunk(limit: Int, on connection: MySQLConnection, binlogFile: String = "", position: UInt64 = 0) throws -> RowsEvent? {
        var last: [String]?
        try connection.forEachRow(chunkQuery(limit: limit)) { row in
            try builder.appendRow { row[$0] }
            if builder.rowCount == limit { last = keyColumns.map { Self.literal(row[$0], column: columns[$0]) } }
        }
        guard builder.rowCount > 0 else {
            isFinished = true
            return nil
        }
        if let last { lastKey = last } else { isFinished = true }
        return try builder.makeEvent(binlogFile: binlogFile, position: position)
    }

    /// Whether the last chunk read was the table's last (it held fewer rows than asked for).
    public private(set) var isFinished = false

    /// `(k1, k2, …) > (v1, v2, …)` spelled out so that both servers use the key's index for it.
    static func after(_ key: [String], columns: [SnapshotColumn]) -> String {
        var alternatives: [String] = []
        for index in columns.indices {
            var terms = (0..<index).map { "\(SnapshotColumn.quoteIdentifier(columns[$0].name)) = \(key[$0])" }
            terms.append("\(SnapshotColumn.quoteIdentifier(columns[index].name)) > \(key[index])")
            alternatives.append(terms.joined(separator: " AND "))
        }
        return alternatives.count == 1 ? alternatives[0] : alternatives.map { "(\($0))" }.joined(separator: " OR ")
    }

    /// A key value as an SQL literal that compares in the column's own order: a number as it is, a text in
    /// its charset and collation, bytes as a hex literal, a date or time quoted.
    static func literal(_ value: UnsafeRawBufferPointer?, column: SnapshotColumn) -> String {
        guard let value else { return "NULL" }
        switch column.dataType {
        case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year", "decimal", "numeric", "float", "double",
             "real":
            return String(decoding: value, as: UTF8.self)
        case "enum", "set":
            // `number:labels`: ENUM and SET compare and sort by their number.
            return String(decoding: value.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self)
        case "date", "time", "datetime", "timestamp":
            return "'\(String(decoding: value, as: UTF8.self))'"
        default:
            let hex = SignalTable.hexLiteral(value)
            guard let collation = column.collationName, let charset = collation.split(separator: "_").first else { return hex }
            return "CONVERT(\(hex) USING \(charset)) COLLATE \(collation)"
        }
    }
}

/// Why a table cannot be snapshotted.
public enum SnapshotError: Error, CustomStringConvertible, Equatable {
    case noSuchTable(String)
    /// Neither a primary key nor a unique index on NOT NULL columns to read the table in chunks by.
    case noUsableKey(String)
    case needsGTIDs
    case unorderedCommits
    case noBinlogStatus(String)
    case noSignalTable(String)
    case signalTableNotWritable(String, user: String)

    public var description: String {
        switch self {
        case .noSuchTable(let table): return "snapshot of \(table): no such table"
        case .noUsableKey(let table): return "snapshot of \(table): the table has neither a primary key nor a unique index on NOT NULL columns, one of which chunked reads need; add one (ALTER TABLE \(table) ADD PRIMARY KEY (…)), or leave the table out (filters.exclude)"
        case .needsGTIDs:
            return "snapshots on MySQL without GTIDs need the pipeline's signal table, to bracket each chunk in the binlog with two rows: set snapshot: {signal_table: binlogo.signals} (binlogo snapshot start prints its CREATE TABLE; the user needs INSERT, DELETE on it); or, to take snapshots without writing to the server, turn GTIDs on: SET PERSIST enforce_gtid_consistency = ON; SET PERSIST gtid_mode = OFF_PERMISSIVE; SET PERSIST gtid_mode = ON_PERMISSIVE; SET PERSIST gtid_mode = ON; (one at a time, as MySQL's manual describes)"
        case .unorderedCommits:
            return "snapshots on MySQL without GTIDs need commits in binlog order, for the rows that bracket each chunk to bracket it; run SET PERSIST binlog_order_commits = ON;"
        case .noSignalTable(let table):
            return "snapshot: the signal table \(table) does not exist, and without GTIDs each chunk is bracketed by rows written there; create it: \(SignalTable.createStatement(SignalTable.quote(table)));"
        case .signalTableNotWritable(let table, let user):
            return "snapshot: \(user) may not write the signal table \(table), where each chunk is bracketed by two rows without GTIDs; grant it: GRANT INSERT, DELETE ON \(SignalTable.quote(table)) TO '\(SchemaCache.quote(user))'@'%';"
        case .noBinlogStatus(let statement):
            return "snapshot: \(statement) returned no binlog position; the binlog must be on (log_bin) and the user needs REPLICATION CLIENT"
        }
    }
}
