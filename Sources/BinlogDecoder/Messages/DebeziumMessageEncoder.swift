/// Writes change messages as Debezium's MySQL connector does with Kafka Connect's JSON converter and
/// `schemas.enable=false` (see `Docs/message-format.md#debezium`):
///
/// ```
/// {"before":{…}|null,"after":{…}|null,
///  "source":{"version":…,"connector":"mysql","name":…,"ts_ms":…,"snapshot":"false","db":…,"sequence":null,"ts_us":…,
///            "ts_ns":…,"table":…,"server_id":…,"gtid":…|null,"file":…,"pos":…,"row":…,"thread":null,"query":null},
///  "transaction":null|{"id":…,"total_order":…,"data_collection_order":…},"op":"c"|"u"|"d"|"r","ts_ms":…,"ts_us":…,"ts_ns":…}
/// ```
///
/// A row's key is its primary key as an object (`{"id":1}`, `ChangeMessageEncoder.writePrimaryKey`). DDL
/// becomes Debezium's schema change event (`writeSchemaChange`).
public enum DebeziumMessageEncoder {
    /// What every message's `source` block says beside the change's own place.
    public struct Origin: Sendable {
        /// `source.version`: binlogo's version.
        public var version: String
        /// `source.name`: the logical server name, Debezium's `topic.prefix`.
        public var name: String

        public init(version: String, name: String) {
            self.version = version
            self.name = name
        }
    }

    /// One row change of `event`.
    /// - Parameters:
    ///   - split: for an UPDATE that changes the primary key: the delete of the old row or the create of the new one.
    ///   - snapshot: whether the row is a snapshot's read (`op: r`, `source.snapshot: "true"`).
    ///   - style: `DebeziumFormatOptions.style`.
    ///   - transaction: the row's place in its transaction, with transaction metadata on.
    ///   - processedAt: microseconds since the epoch when binlogo made the message (the top-level `ts_ms`, `ts_us`, `ts_ns`).
    public static func writeRow(_ event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement, context: MessageContext,
                                origin: Origin, style: ValueStyle, transaction: DebeziumTransactionOrder.Place?,
                                split: RowsEvent.Kind? = nil, processedAt: UInt64, to writer: JSONWriter) throws(BinlogDecodingError) {
        let table = event.table
        let kind = split ?? event.kind
        let excluded = context.excluded(in: table.qualifiedName)
        writer.raw("{\"before\":")
        if kind == .update || kind == .delete {
            try event.writeImage(row: row, image: .before, excluded: excluded, style: style, onlyChanged: false, to: writer)
        } else {
            writer.null()
        }
        writer.raw(",\"after\":")
        if kind == .delete {
            writer.null()
        } else {
            try event.writeImage(row: row, image: .after, excluded: excluded, style: style, onlyChanged: false, to: writer)
        }
        writeSource(origin: origin, placement: placement, snapshot: kind == .read, database: table.database, table: table.table,
                    file: event.binlogFile, position: event.position, row: row, to: writer)
        writer.raw(",\"transaction\":")
        if let transaction {
            writer.raw("{\"id\":")
            writer.string(transaction.id)
            writer.raw(",\"total_order\":")
            writer.unsigned(UInt64(transaction.totalOrder))
            writer.raw(",\"data_collection_order\":")
            writer.unsigned(UInt64(transaction.dataCollectionOrder))
            writer.byte(UInt8(ascii: "}"))
        } else {
            writer.null()
        }
        writer.raw(",\"op\":\"")
        switch kind {
        case .insert: writer.byte(UInt8(ascii: "c"))
        case .update: writer.byte(UInt8(ascii: "u"))
        case .delete: writer.byte(UInt8(ascii: "d"))
        case .read: writer.byte(UInt8(ascii: "r"))
        }
        writer.byte(UInt8(ascii: "\""))
        writeTimes(microseconds: processedAt, to: writer)
        writer.byte(UInt8(ascii: "}"))
    }

    /// `,"ts_ms":…,"ts_us":…,"ts_ns":…` of one instant.
    private static func writeTimes(microseconds: UInt64, to writer: JSONWriter) {
        writer.raw(",\"ts_ms\":")
        writer.unsigned(microseconds / 1000)
        writer.raw(",\"ts_us\":")
        writer.unsigned(microseconds)
        writer.raw(",\"ts_ns\":")
        writer.unsigned(microseconds &* 1000)
    }

    /// A transaction's BEGIN or END on Debezium's transaction topic: `{"status":"BEGIN"|"END","id":…,
    /// "event_count":null|n,"data_collections":null|[{"data_collection":"db.table","event_count":n}],"ts_ms":…}`,
    /// the counts on END only; `timestamp` the event's on the server, in seconds.
    public static func writeTransactionBoundary(id: String, end counts: DebeziumTransactionOrder?, timestamp: UInt32,
                                                to writer: JSONWriter) {
        writer.raw(counts == nil ? "{\"status\":\"BEGIN\",\"id\":" : "{\"status\":\"END\",\"id\":")
        writer.string(id)
        if let counts {
            writer.raw(",\"event_count\":")
            writer.unsigned(UInt64(counts.totalOrder))
            writer.raw(",\"data_collections\":[")
            for (index, entry) in counts.perTable.enumerated() {
                writer.raw(index == 0 ? "{\"data_collection\":" : ",{\"data_collection\":")
                writer.string(entry.table)
                writer.raw(",\"event_count\":")
                writer.unsigned(UInt64(entry.messages))
                writer.byte(UInt8(ascii: "}"))
            }
            writer.byte(UInt8(ascii: "]"))
        } else {
            writer.raw(",\"event_count\":null,\"data_collections\":null")
        }
        writer.raw(",\"ts_ms\":")
        writer.unsigned(UInt64(timestamp) * 1000)
        writer.byte(UInt8(ascii: "}"))
    }

    /// A DDL statement as Debezium's schema change event: `{"source":{…},"ts_ms":…,"databaseName":…,
    /// "schemaName":null,"ddl":…,"tableChanges":[]}`. binlogo does not describe the tables' new structure:
    /// `tableChanges` stays empty.
    public static func writeSchemaChange(_ change: SchemaChange, placement: ChangeMessageEncoder.RowPlacement, origin: Origin,
                                         processedAt: UInt64, to writer: JSONWriter) {
        // `processedAt` in microseconds, as for rows.
        let target = change.primaryTarget
        writer.raw("{\"source\":{")
        writeSourceFields(origin: origin, placement: placement, snapshot: false, database: target.database, table: target.table,
                          file: change.binlogFile, position: change.position, row: 0, to: writer)
        writer.raw("},\"ts_ms\":")
        writer.unsigned(processedAt / 1000)
        writer.raw(",\"databaseName\":")
        writer.string(target.database)
        writer.raw(",\"schemaName\":null,\"ddl\":")
        writer.string(change.query.statement)
        writer.raw(",\"tableChanges\":[]}")
    }

    private static func writeSource(origin: Origin, placement: ChangeMessageEncoder.RowPlacement, snapshot: Bool, database: String,
                                    table: String?, file: String, position: UInt64, row: Int, to writer: JSONWriter) {
        writer.raw(",\"source\":{")
        writeSourceFields(origin: origin, placement: placement, snapshot: snapshot, database: database, table: table, file: file,
                          position: position, row: row, to: writer)
        writer.byte(UInt8(ascii: "}"))
    }

    private static func writeSourceFields(origin: Origin, placement: ChangeMessageEncoder.RowPlacement, snapshot: Bool, database: String,
                                          table: String?, file: String, position: UInt64, row: Int, to writer: JSONWriter) {
        writer.raw("\"version\":")
        writer.string(origin.version)
        writer.raw(",\"connector\":\"mysql\",\"name\":")
        writer.string(origin.name)
        writer.raw(",\"ts_ms\":")
        writer.unsigned(UInt64(placement.timestamp) * 1000)
        writer.raw(snapshot ? ",\"snapshot\":\"true\",\"db\":" : ",\"snapshot\":\"false\",\"db\":")
        writer.string(database)
        writer.raw(",\"sequence\":null,\"ts_us\":")
        writer.unsigned(UInt64(placement.timestamp) * 1_000_000)
        writer.raw(",\"ts_ns\":")
        writer.unsigned(UInt64(placement.timestamp) * 1_000_000_000)
        writer.raw(",\"table\":")
        if let table { writer.string(table) } else { writer.null() }
        writer.raw(",\"server_id\":")
        writer.unsigned(UInt64(placement.serverID))
        writer.raw(",\"gtid\":")
        if placement.gtid.isEmpty { writer.null() } else { writer.string(placement.gtid) }
        writer.raw(",\"file\":")
        writer.string(file)
        writer.raw(",\"pos\":")
        writer.unsigned(position)
        writer.raw(",\"row\":")
        writer.unsigned(UInt64(row))
        writer.raw(",\"thread\":null,\"query\":null")
    }
}
