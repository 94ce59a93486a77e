/// Writes change messages as Maxwell does (see `Docs/message-format.md#maxwell`):
///
/// ```
/// {"database":…,"table":…,"type":"insert"|"update"|"delete"|"bootstrap-insert","ts":…,"xid":…,"commit":true,
///  "position":…,"gtid":…,"server_id":…,"primary_key":[…],"primary_key_columns":[…],"data":{…},"old":{…}}
/// ```
///
/// `xid` only where binlogo knows it, the transaction's last row; `commit` only there too; `position`
/// through `primary_key_columns` only with `details`; `old` only on updates, with the changed columns.
/// A row's key is Maxwell's: `{"database":…,"table":…,"pk.id":1}` (`writeKey`).
public enum MaxwellMessageEncoder {
    public static func writeRow(_ event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement, context: MessageContext,
                                details: Bool, snapshotAsInsert: Bool, style: ValueStyle, split: RowsEvent.Kind? = nil,
                                to writer: JSONWriter) throws(BinlogDecodingError) {
        let table = event.table
        let kind = split ?? event.kind
        let excluded = context.excluded(in: table.qualifiedName)
        writer.raw("{\"database\":")
        writer.string(table.database)
        writer.raw(",\"table\":")
        writer.string(table.table)
        writer.raw(",\"type\":\"")
        switch kind {
        case .insert: writer.raw("insert")
        case .update: writer.raw("update")
        case .delete: writer.raw("delete")
        case .read: writer.raw(snapshotAsInsert ? "insert" : "bootstrap-insert")
        }
        writer.raw("\",\"ts\":")
        writer.unsigned(UInt64(placement.timestamp))
        if let xid = placement.xid {
            writer.raw(",\"xid\":")
            writer.unsigned(xid)
        }
        if placement.isLastInTransaction && kind != .read { writer.raw(",\"commit\":true") }
        if details {
            writer.raw(",\"position\":")
            writer.string("\(event.binlogFile):\(event.position)")
            if !placement.gtid.isEmpty {
                writer.raw(",\"gtid\":")
                writer.string(placement.gtid)
            }
            writer.raw(",\"server_id\":")
            writer.unsigned(UInt64(placement.serverID))
            let keyColumns = table.primaryKey.filter { excluded?.contains(table.columnName($0)) != true }
            if !keyColumns.isEmpty {
                let image: RowsEvent.Image = kind == .delete ? .before : .after
                writer.raw(",\"primary_key\":[")
                for (index, column) in keyColumns.enumerated() {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    try event.writeKeyValue(row: row, image: image, column: column, style: style, to: writer)
                }
                writer.raw("],\"primary_key_columns\":[")
                for (index, column) in keyColumns.enumerated() {
                    if index > 0 { writer.byte(UInt8(ascii: ",")) }
                    writer.string(table.columnName(column))
                }
                writer.byte(UInt8(ascii: "]"))
            }
        }
        writer.raw(",\"data\":")
        try event.writeImage(row: row, image: kind == .delete ? .before : .after, excluded: excluded, style: style, onlyChanged: false, to: writer)
        if kind == .update {
            writer.raw(",\"old\":")
            try event.writeImage(row: row, image: .before, excluded: excluded, style: style, onlyChanged: true, to: writer)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// A table's snapshot start or end as Maxwell's bootstrap marks it: `bootstrap-start` or `bootstrap-complete`
    /// with empty `data`.
    public static func writeBootstrapMarker(_ marker: SnapshotMarker, timestamp: UInt32, to writer: JSONWriter) {
        writer.raw("{\"database\":")
        writer.string(marker.database)
        writer.raw(",\"table\":")
        writer.string(marker.table)
        writer.raw(marker.kind == .start ? ",\"type\":\"bootstrap-start\",\"ts\":" : ",\"type\":\"bootstrap-complete\",\"ts\":")
        writer.unsigned(UInt64(timestamp))
        writer.raw(",\"data\":{}}")
    }

    /// Maxwell's key of a row: `{"database":…,"table":…,"pk.id":1}`, one `pk.` member per primary key column
    /// (from `image`, or the before image where a MINIMAL after image leaves a key column out); false for a
    /// table without a primary key, whose rows Maxwell keys by a random `_uuid` instead.
    public static func writeKey(_ event: RowsEvent, row: Int, image: RowsEvent.Image, excluded: ExcludedColumns?, style: ValueStyle,
                                to writer: JSONWriter) throws(BinlogDecodingError) -> Bool {
        let table = event.table
        let keyColumns = table.primaryKey.filter { excluded?.contains(table.columnName($0)) != true }
        guard !keyColumns.isEmpty else { return false }
        writer.raw("{\"database\":")
        writer.string(table.database)
        writer.raw(",\"table\":")
        writer.string(table.table)
        for column in keyColumns {
            writer.raw(",\"pk.")
            var name = table.columnName(column)
            name.withUTF8 { writer.stringContent(utf8: UnsafeRawBufferPointer($0)) }
            writer.raw("\":")
            try event.writeKeyValue(row: row, image: image, column: column, style: style, to: writer)
        }
        writer.byte(UInt8(ascii: "}"))
        return true
    }
}
