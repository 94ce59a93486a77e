/// Writes change messages as Canal's flat messages (`canal.mq.flatMessage=true`; see
/// `Docs/message-format.md#canal`), one row per message, fields in the order Canal's JSON has them:
///
/// ```
/// {"data":[{…}],"database":…,"es":…,"gtid":…,"id":…,"isDdl":false,"mysqlType":{…},"old":[{…}]|null,
///  "pkNames":[…]|null,"sql":"","sqlType":{…},"table":…,"ts":…,"type":"INSERT"|"UPDATE"|"DELETE"}
/// ```
///
/// Every value is a string, as Canal writes them; `old` holds an UPDATE's changed columns.
public enum CanalMessageEncoder {
    /// What every row message of one table shares: `mysqlType` and `pkNames`…`sqlType`, rendered once.
    public struct TableDescription: Sendable {
        let qualifiedName: String
        let kinds: [ValueKind]
        let labels: [[String]?]
        let jsonKeys: [UInt8]
        let excluded: ExcludedColumns?
        /// `,"mysqlType":{…}`
        let mysqlTypes: [UInt8]
        /// `,"pkNames":[…]|null,"sql":"","sqlType":{…}`
        let keysAndSQLTypes: [UInt8]

        public init(_ table: TableMap, excluded: ExcludedColumns?) {
            qualifiedName = table.qualifiedName
            kinds = table.kinds
            labels = table.columns.map(\.labels)
            jsonKeys = table.jsonKeyBytes
            self.excluded = excluded
            let included = (0..<table.columns.count).filter { excluded?.contains(table.columnName($0)) != true }
            let writer = JSONWriter(capacity: 256)
            writer.raw(",\"mysqlType\":{")
            for (index, column) in included.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(table.columnName(column))
                writer.byte(UInt8(ascii: ":"))
                writer.string(CanalColumnType.mysqlType(of: table.kinds[column], column: table.columns[column]))
            }
            writer.byte(UInt8(ascii: "}"))
            mysqlTypes = writer.bytes
            writer.reset()
            writer.raw(",\"pkNames\":")
            let keyColumns = table.primaryKey.filter { excluded?.contains(table.columnName($0)) != true }
            if keyColumns.isEmpty {
                writer.null()
            } else {
                writer.byte(UInt8(ascii: "["))
                for (index, column) in keyColumns.enumerated() {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    writer.string(table.columnName(column))
                }
                writer.byte(UInt8(ascii: "]"))
            }
            writer.raw(",\"sql\":\"\",\"sqlType\":{")
            for (index, column) in included.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(table.columnName(column))
                writer.byte(UInt8(ascii: ":"))
                writer.integer(Int64(CanalColumnType.sqlType(of: table.kinds[column], column: table.columns[column])))
            }
            writer.byte(UInt8(ascii: "}"))
            keysAndSQLTypes = writer.bytes
        }

        /// Whether this description is still `table`'s: same columns, types and labels (a DDL statement
        /// changes them), same columns left out.
        public func describes(_ table: TableMap, excluded: ExcludedColumns?) -> Bool {
            table.qualifiedName == qualifiedName && table.kinds == kinds && table.jsonKeyBytes == jsonKeys && self.excluded == excluded
                && labels.elementsEqual(table.columns.lazy.map(\.labels), by: ==)
        }
    }

    /// - Parameters:
    ///   - description: `event.table`'s (`TableDescription`, made once per table and kept while it `describes` the table).
    ///   - style: `CanalFormatOptions.style`.
    ///   - processedAt: milliseconds since the epoch when binlogo made the message (`ts`).
    public static func writeRow(_ event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement,
                                description: TableDescription, style: ValueStyle, processedAt: UInt64,
                                to writer: JSONWriter) throws(BinlogDecodingError) {
        let table = event.table
        let excluded = description.excluded
        writer.raw("{\"data\":[")
        try event.writeImage(row: row, image: event.kind == .delete ? .before : .after, excluded: excluded, style: style, onlyChanged: false, to: writer)
        writer.raw("],\"database\":")
        writer.string(table.database)
        writeCommon(placement: placement, position: event.position, processedAt: processedAt, isDDL: false, to: writer)
        writer.raw(description.mysqlTypes)
        writer.raw(",\"old\":")
        if event.kind == .update {
            writer.byte(UInt8(ascii: "["))
            try event.writeImage(row: row, image: .before, excluded: excluded, style: style, onlyChanged: true, to: writer)
            writer.byte(UInt8(ascii: "]"))
        } else {
            writer.null()
        }
        writer.raw(description.keysAndSQLTypes)
        writer.raw(",\"table\":")
        writer.string(table.table)
        writer.raw(",\"ts\":")
        writer.unsigned(processedAt)
        writer.raw(",\"type\":\"")
        switch event.kind {
        case .insert, .read: writer.raw("INSERT")
        case .update: writer.raw("UPDATE")
        case .delete: writer.raw("DELETE")
        }
        writer.raw("\"}")
    }

    /// A DDL statement: `isDdl` true, `type` Canal's kind of it (`CREATE`, `ALTER`, `ERASE`, `RENAME`,
    /// `TRUNCATE`, `CINDEX`, `DINDEX`, else `QUERY`), `sql` the statement, no data or types.
    public static func writeDDL(_ change: SchemaChange, placement: ChangeMessageEncoder.RowPlacement, processedAt: UInt64,
                                to writer: JSONWriter) {
        let target = change.primaryTarget
        writer.raw("{\"data\":null,\"database\":")
        writer.string(target.database)
        writeCommon(placement: placement, position: change.position, processedAt: processedAt, isDDL: true, to: writer)
        writer.raw(",\"mysqlType\":null,\"old\":null,\"pkNames\":null,\"sql\":")
        writer.string(change.query.statement)
        writer.raw(",\"sqlType\":null,\"table\":")
        writer.string(target.table ?? "")
        writer.raw(",\"ts\":")
        writer.unsigned(processedAt)
        writer.raw(",\"type\":")
        writer.string(ddlType(change.query.statement))
        writer.byte(UInt8(ascii: "}"))
    }

    /// `es`, `gtid`, `id` and `isDdl`, which come between `database` and `mysqlType`.
    private static func writeCommon(placement: ChangeMessageEncoder.RowPlacement, position: UInt64, processedAt: UInt64, isDDL: Bool,
                                    to writer: JSONWriter) {
        writer.raw(",\"es\":")
        writer.unsigned(UInt64(placement.timestamp) * 1000)
        writer.raw(",\"gtid\":")
        writer.string(placement.gtid)
        writer.raw(",\"id\":")
        writer.unsigned(position)
        writer.raw(isDDL ? ",\"isDdl\":true" : ",\"isDdl\":false")
    }

    /// Canal's `type` of a DDL statement, from its first words.
    static func ddlType(_ statement: String) -> String {
        let words = statement.split(whereSeparator: { $0.isWhitespace || $0 == "(" }).prefix(4).map { $0.uppercased() }
        guard let first = words.first else { return "QUERY" }
        let rest = words.dropFirst().filter { !["TEMPORARY", "ONLINE", "OFFLINE", "UNIQUE", "FULLTEXT", "SPATIAL", "IGNORE"].contains($0) }
        switch (first, rest.first) {
        case ("CREATE", "TABLE"): return "CREATE"
        case ("ALTER", "TABLE"): return "ALTER"
        case ("DROP", "TABLE"): return "ERASE"
        case ("RENAME", _): return "RENAME"
        case ("TRUNCATE", _): return "TRUNCATE"
        case ("CREATE", "INDEX"): return "CINDEX"
        case ("DROP", "INDEX"): return "DINDEX"
        default: return "QUERY"
        }
    }
}
