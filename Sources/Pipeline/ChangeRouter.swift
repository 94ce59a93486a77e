import BinlogDecoder
import KafkaOutput

/// Turns a change into an outgoing message: its JSON value, its topic (from the template, cached
/// per table), its key (per the key mode) and its headers.
public final class ChangeRouter {
    public let pipeline: String
    public let topic: TopicTemplate
    public let key: MessageKeyMode
    public let headers: Bool
    public var context: MessageContext
    /// Per `database.table`: the topic name.
    private var topics: [String: String] = [:]
    /// Per table: the pipeline, database and table headers, made once.
    private var tableHeaders: [String: [(String, [UInt8])]] = [:]
    /// The GTID header value of the last transaction, shared by its events.
    private var lastGTID: (text: String, bytes: [UInt8])?
    /// The whole header list of the last event's rows (same table, type, file, position and GTID):
    /// the rows of one event share one array instead of building six headers each.
    private var lastHeaders: (table: String, type: String, file: String, position: UInt64, gtid: String, headers: [(String, [UInt8])])?
    private let writer = JSONWriter(capacity: 4096)
    private let keyWriter = JSONWriter(capacity: 256)

    public init(pipeline: String, topic: TopicTemplate, key: MessageKeyMode, headers: Bool, context: MessageContext) {
        self.pipeline = pipeline
        self.topic = topic
        self.key = key
        self.headers = headers
        self.context = context
    }

    /// The message for `change`, with `token` from the delivery tracker.
    public func message(for change: TransactionTracker.Change, token: UInt64) throws(BinlogDecodingError) -> OutgoingMessage {
        writer.reset()
        switch change {
        case let .row(event, row, placement):
            try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: context, to: writer)
            let table = event.table
            let hasKey = try writeRowKey(event, row: row)
            return OutgoingMessage(
                topic: topicName(qualifiedName: table.qualifiedName, database: table.database, table: table.table),
                keyAndValue: joinedKeyAndValue(hasKey: hasKey), keyLength: hasKey ? keyWriter.count : nil,
                headers: headers ? messageHeaders(type: event.kind.rawValue, database: table.database, table: table.table,
                                                  qualifiedName: table.qualifiedName, file: event.binlogFile,
                                                  position: event.position, gtid: placement.gtid) : [],
                token: token)
        case let .ddl(query, file, position, placement):
            ChangeMessageEncoder.writeDDL(query, file: file, position: position, placement: placement, context: context, to: writer)
            keyWriter.reset()
            keyWriter.raw(query.database)
            let hasKey = key != .none
            return OutgoingMessage(
                topic: topicName(qualifiedName: query.database + ".", database: query.database, table: ""),
                keyAndValue: joinedKeyAndValue(hasKey: hasKey), keyLength: hasKey ? keyWriter.count : nil,
                headers: headers ? messageHeaders(type: "ddl", database: query.database, table: "", qualifiedName: query.database,
                                                  file: file, position: position, gtid: placement.gtid) : [],
                token: token)
        }
    }

    /// The key writer's bytes (when the message has a key) and the value writer's, in one new array.
    private func joinedKeyAndValue(hasKey: Bool) -> [UInt8] {
        let keyCount = hasKey ? keyWriter.count : 0
        return [UInt8](unsafeUninitializedCapacity: keyCount + writer.count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            if hasKey { keyWriter.withBytes { target.copyMemory(from: $0) } }
            writer.withBytes { UnsafeMutableRawBufferPointer(rebasing: target[keyCount...]).copyMemory(from: $0) }
            initialized = keyCount + writer.count
        }
    }

    /// The topic of `database.table`, cached by the table's qualified name (which rows carry ready-made).
    private func topicName(qualifiedName: String, database: String, table: String) -> String {
        if let cached = topics[qualifiedName] { return cached }
        let name = topic.topic(pipeline: pipeline, database: database, table: table)
        topics[qualifiedName] = name
        return name
    }

    /// Writes the row's key (per the key mode) into `keyWriter`; false when the message has no key.
    private func writeRowKey(_ event: RowsEvent, row: Int) throws(BinlogDecodingError) -> Bool {
        let table = event.table
        keyWriter.reset()
        switch key {
        case .none:
            return false
        case .database:
            keyWriter.raw(table.database)
        case .table:
            keyWriter.raw(table.qualifiedName)
        case .primaryKey:
            guard !table.primaryKey.isEmpty else {
                keyWriter.raw(table.qualifiedName)
                return true
            }
            try ChangeMessageEncoder.writePrimaryKey(event, row: row, to: keyWriter)
        case .column(let name):
            guard let column = table.columns.firstIndex(where: { $0.name == name }) else { return false }
            let image: RowsEvent.Image = event.kind == .delete ? .before : .after
            return try event.writeValue(row: row, image: image, column: column, to: keyWriter)
        }
        return true
    }

    private static let typeBytes: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: ["insert", "update", "delete", "ddl"].map { ($0, Array($0.utf8)) })

    private func messageHeaders(type: String, database: String, table: String, qualifiedName: String, file: String,
                                position: UInt64, gtid: String) -> [(String, [UInt8])] {
        if let last = lastHeaders, last.position == position, last.file == file, last.table == qualifiedName, last.type == type,
           last.gtid == gtid {
            return last.headers
        }
        var headers = tableHeaders[qualifiedName] ?? {
            let made = [("pipeline", Array(pipeline.utf8)), ("database", Array(database.utf8)), ("table", Array(table.utf8))]
            tableHeaders[qualifiedName] = made
            return made
        }()
        if lastGTID?.text != gtid { lastGTID = (gtid, Array(gtid.utf8)) }
        headers.reserveCapacity(6)
        headers.append(("type", Self.typeBytes[type] ?? Array(type.utf8)))
        headers.append(("position", Array("\(file):\(position)".utf8)))
        headers.append(("gtid", lastGTID!.bytes))
        lastHeaders = (qualifiedName, type, file, position, gtid, headers)
        return headers
    }
}
