/// Writes change messages in binlogo's format (see `Docs/message-format.md`), compatible with
/// the original Binlogo's:
///
/// ```
/// {"head":{"type":"insert","time":…,"database":…,"table":…,
///          "position":{"binlog_file":…,"binlog_position":…,"gtid_set":…,"pipeline_name":…,"consume_rows":…},
///          "server_id":…,"xid":…,"commit":true,"primary_key":{…}},
///  "data":{"new":{…},"old":{…}}}
/// ```
public enum ChangeMessageEncoder {
    /// Where a row sits in its transaction.
    public struct RowPlacement: Sendable {
        public var gtid: String
        /// 1-based index of the row in its transaction.
        public var rowInTransaction: Int
        /// The transaction's XID, known on its last row.
        public var xid: UInt64?
        public var isLastInTransaction: Bool
        public var timestamp: UInt32
        public var serverID: UInt32
        /// Where in the row's binlog file its transaction began (`TransactionContext.transactionStart`). 32 bits, as
        /// an event header's positions, so that the placement, copied with every row, keeps its size.
        public var transactionStart: UInt32

        public init(gtid: String, rowInTransaction: Int, xid: UInt64?, isLastInTransaction: Bool, timestamp: UInt32, serverID: UInt32,
                    transactionStart: UInt32 = 0) {
            self.gtid = gtid
            self.rowInTransaction = rowInTransaction
            self.xid = xid
            self.isLastInTransaction = isLastInTransaction
            self.timestamp = timestamp
            self.serverID = serverID
            self.transactionStart = transactionStart
        }
    }

    /// One row change of `event` as a message.
    /// - Parameter split: for an UPDATE that changes the primary key and is published as a delete of the
    ///   old row and an insert of the new one: which of the two to write (`head.primary_key_changed` marks both).
    /// - Parameter headCache: the head every row of the event shares, kept from the event's previous row.
    public static func writeRow(_ event: RowsEvent, row: Int, placement: RowPlacement, context: MessageContext,
                                split: RowsEvent.Kind? = nil, headCache: RowHeadCache? = nil,
                                to writer: JSONWriter) throws(BinlogDecodingError) {
        let table = event.table
        let kind = split ?? event.kind
        let excluded = context.excluded(in: table.qualifiedName)
        switch kind {
        case .insert: writer.raw("{\"head\":{\"type\":\"insert\",\"time\":")
        case .update: writer.raw("{\"head\":{\"type\":\"update\",\"time\":")
        case .delete: writer.raw("{\"head\":{\"type\":\"delete\",\"time\":")
        case .read: writer.raw("{\"head\":{\"type\":\"read\",\"time\":")
        }
        writer.unsigned(UInt64(placement.timestamp))
        if let headCache {
            headCache.write(event, placement: placement, context: context, to: writer)
        } else {
            writeSharedHead(event, gtid: placement.gtid, pipeline: context.pipelineName, to: writer)
        }
        writePositionEnd(placement: placement, to: writer)
        if !table.primaryKey.isEmpty {
            writer.raw(",\"primary_key\":")
            try writePrimaryKey(event, row: row, image: kind == .delete ? .before : .after, excluded: excluded, to: writer)
        }
        if split != nil { writer.raw(",\"primary_key_changed\":true") }
        writer.raw("},\"data\":{")
        switch kind {
        case .insert, .read:
            try writeImage(event, row: row, image: .after, name: "new", excluded: excluded, to: writer)
            if split != nil, !event.unappliedJSONDiffs.isEmpty {
                try event.writeUnappliedJSONDiffs(row: row, excluded: excluded, to: writer)
            }
        case .delete:
            try writeImage(event, row: row, image: .before, name: "old", excluded: excluded, to: writer)
        case .update:
            try writeImage(event, row: row, image: .after, name: "new", excluded: excluded, to: writer)
            writer.byte(UInt8(ascii: ","))
            try writeImage(event, row: row, image: .before, name: "old", excluded: excluded, to: writer)
            if !event.unappliedJSONDiffs.isEmpty {
                try event.writeUnappliedJSONDiffs(row: row, excluded: excluded, to: writer)
            }
        }
        writer.raw("}}")
    }

    /// The row's primary key as a JSON object (`{"id":1}`) from `image` (the after image unless the row
    /// was deleted), or the before image for key columns a MINIMAL after image leaves out. Excluded
    /// columns are left out here too.
    public static func writePrimaryKey(_ event: RowsEvent, row: Int, image: RowsEvent.Image? = nil, excluded: ExcludedColumns? = nil,
                                       style: ValueStyle = .binlogo, to writer: JSONWriter) throws(BinlogDecodingError) {
        let table = event.table
        let image = image ?? (event.kind == .delete ? .before : .after)
        writer.byte(UInt8(ascii: "{"))
        var first = true
        for column in table.primaryKey where excluded?.contains(table.columnName(column)) != true {
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            table.writeKey(column, to: writer)
            try event.writeKeyValue(row: row, image: image, column: column, style: style, to: writer)
        }
        writer.byte(UInt8(ascii: "}"))
    }

    /// A DDL statement as a message: `{"head":{"type":"ddl",…,"database":…,"table":…},"data":{"sql":…}}`, naming
    /// the table (or database, with `"table":""`) the statement changes, not the session's database.
    public static func writeDDL(_ change: SchemaChange, placement: RowPlacement, context: MessageContext, to writer: JSONWriter) {
        let target = change.primaryTarget
        writer.raw("{\"head\":{\"type\":\"ddl\",\"time\":")
        writer.unsigned(UInt64(placement.timestamp))
        writer.raw(",\"database\":")
        writer.string(target.database)
        writer.raw(",\"table\":")
        writer.string(target.table ?? "")
        writePosition(file: change.binlogFile, position: change.position, placement: placement, context: context, to: writer)
        writer.raw("},\"data\":{\"sql\":")
        writer.string(change.query.statement)
        writer.raw("}}")
    }

    /// What every row of `event` writes alike: `,"database":…,"table":…,"position":{…` up to `"consume_rows":`.
    static func writeSharedHead(_ event: RowsEvent, gtid: String, pipeline: String, to writer: JSONWriter) {
        writer.raw(",\"database\":")
        writer.string(event.table.database)
        writer.raw(",\"table\":")
        writer.string(event.table.table)
        writePositionStart(file: event.binlogFile, position: event.position, gtid: gtid, pipeline: pipeline, to: writer)
    }

    static func writePosition(file: String, position: UInt64, placement: RowPlacement, context: MessageContext,
                                      to writer: JSONWriter) {
        writePositionStart(file: file, position: position, gtid: placement.gtid, pipeline: context.pipelineName, to: writer)
        writePositionEnd(placement: placement, to: writer)
    }

    private static func writePositionStart(file: String, position: UInt64, gtid: String, pipeline: String, to writer: JSONWriter) {
        writer.raw(",\"position\":{\"binlog_file\":")
        writer.string(file)
        writer.raw(",\"binlog_position\":")
        writer.unsigned(position)
        writer.raw(",\"gtid_set\":")
        writer.string(gtid)
        writer.raw(",\"pipeline_name\":")
        writer.string(pipeline)
        writer.raw(",\"consume_rows\":")
    }

    private static func writePositionEnd(placement: RowPlacement, to writer: JSONWriter) {
        writer.unsigned(UInt64(placement.rowInTransaction))
        writer.raw("},\"server_id\":")
        writer.unsigned(UInt64(placement.serverID))
        if let xid = placement.xid {
            writer.raw(",\"xid\":")
            writer.unsigned(xid)
        }
        writer.raw(",\"commit\":")
        writer.bool(placement.isLastInTransaction)
    }

    private static func writeImage(_ event: RowsEvent, row: Int, image: RowsEvent.Image, name: StaticString,
                                   excluded: ExcludedColumns?, to writer: JSONWriter) throws(BinlogDecodingError) {
        writer.byte(UInt8(ascii: "\""))
        writer.raw(name)
        writer.raw("\":")
        try event.writeImage(row: row, image: image, excluded: excluded, to: writer)
    }
}
