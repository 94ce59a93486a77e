import BinlogDecoder
import KafkaOutput
import Logging

/// Turns a change into outgoing messages: the JSON value, the topic (from the template, cached
/// per table), the key (per the key mode) and the headers.
///
/// Keys name their table: with the `primary_key` mode a row's key is
/// `{"database":…,"table":…,"primary_key":{…}}`, so rows of different tables never share a key
/// in a shared topic (compaction would delete one table's rows for another's). An UPDATE that
/// changes the primary key is published as a delete under the old key and an insert under the new
/// one, so that each key's changes stay in one partition, in order.
public final class ChangeRouter {
    public let pipeline: String
    public private(set) var topic: TopicTemplate
    public let key: MessageKeyMode
    public let headers: Bool
    /// The messages' shape: binlogo's here; Debezium's, Maxwell's and Canal's in `ChangeRouter+Debezium.swift`,
    /// `ChangeRouter+Maxwell.swift` and `ChangeRouter+Canal.swift`.
    public let format: MessageFormat
    /// How the format writes the row images' values (`output.values`).
    let valueStyle: ValueStyle
    /// With Debezium's transaction metadata: each row's place in its transaction, and the topic of the
    /// transactions' BEGIN and END (Debezium's `topic.prefix` + `.transaction`).
    var debeziumTransaction = DebeziumTransactionOrder()
    var transactionTopic: String { pipeline + ".transaction" }
    public var context: MessageContext {
        didSet { routes.removeAll() }
    }

    /// The server compares table names in any case (`lower_case_table_names` 1 or 2): topic overrides and
    /// excluded columns then name their tables in any case too.
    public func matchTableNamesInAnyCase() {
        topic = topic.matchingTableNamesInAnyCase()
        context.tableNamesAreCaseInsensitive = true  // and the routes made so far are dropped
    }

    /// Per `database.table` (or database, for database-level DDL): topic, key prefix, excluded columns.
    /// At most `Self.cachedTables`: a server with more tables starts the cache over rather than grow it.
    private var routes: [String: Route] = [:]
    static let cachedTables = 10_000
    /// binlogo's format: the head the rows of one event share, written once per event.
    private let headCache = RowHeadCache()
    /// The GTID header value of the last transaction, shared by its events.
    private var lastGTID: (text: String, bytes: [UInt8])?
    /// The whole header list of the last event's rows (same table, type, file, position and GTID):
    /// the rows of one event share one array instead of building six headers each.
    private var lastHeaders: EventHeaders?
    /// The value and key of the message being made (shared by the format extensions).
    let writer = JSONWriter(capacity: 4096)
    let keyWriter = JSONWriter(capacity: 256)

    /// A class, so that rows share one per table instead of copying its arrays.
    final class Route {
        let topic: String
        /// `{"database":…,"table":…` — the start of every JSON key of the table.
        let keyPrefix: [UInt8]
        let excluded: ExcludedColumns?
        /// The pipeline, database and table headers.
        let headers: [(String, [UInt8])]
        /// With `format: canal`: the table's column types, as of its last row.
        var canal: CanalMessageEncoder.TableDescription?

        init(topic: String, keyPrefix: [UInt8], excluded: ExcludedColumns?, headers: [(String, [UInt8])]) {
            self.topic = topic
            self.keyPrefix = keyPrefix
            self.excluded = excluded
            self.headers = headers
        }
    }

    /// The header list of one event's rows and what it was made from. A class: checking whether the next
    /// row shares it then copies one reference, not five strings and an array.
    private final class EventHeaders {
        let table: String, type: String, file: String, position: UInt64, gtid: String
        let headers: [(String, [UInt8])]

        init(table: String, type: String, file: String, position: UInt64, gtid: String, headers: [(String, [UInt8])]) {
            (self.table, self.type, self.file, self.position, self.gtid, self.headers) = (table, type, file, position, gtid, headers)
        }
    }

    private let logger: Logger?
    /// The `source` block's version and server name of Debezium-format messages.
    let origin: DebeziumMessageEncoder.Origin

    public init(pipeline: String, topic: TopicTemplate, key: MessageKeyMode, headers: Bool, format: MessageFormat = .binlogo,
                context: MessageContext, logger: Logger? = nil) {
        self.logger = logger
        self.format = format
        self.valueStyle = switch format {
        case .binlogo: .binlogo
        case .debezium(let options): options.style
        case .maxwell(let options): options.style
        case .canal(let options): options.style
        }
        self.origin = DebeziumMessageEncoder.Origin(version: BinlogoVersion.current, name: pipeline)
        self.pipeline = pipeline
        self.topic = topic
        self.key = key
        self.headers = headers
        self.context = context
    }

    /// Appends the message(s) for `change` to `batch`, each with a token from `token()`.
    public func messages(for change: Change, token: () -> UInt64, into batch: inout [OutgoingMessage]) throws(BinlogDecodingError) {
        switch format {
        case .binlogo: break
        case .debezium(let options): return try debeziumMessages(for: change, options: options, token: token, into: &batch)
        case .maxwell(let options): return try maxwellMessages(for: change, options: options, token: token, into: &batch)
        case .canal: return try canalMessages(for: change, token: token, into: &batch)
        }
        switch change {
        case let .row(event, row, placement):
            let table = event.table
            let route = self.route(for: table)
            if event.kind == .update, key == .primaryKey, primaryKeyChanged(event, row: row, route: route) {
                var first = placement
                first.isLastInTransaction = false
                first.xid = nil
                batch.append(try rowMessage(event, row: row, placement: first, route: route, split: .delete, token: token()))
                batch.append(try rowMessage(event, row: row, placement: placement, route: route, split: .insert, token: token()))
            } else {
                batch.append(try rowMessage(event, row: row, placement: placement, route: route, split: nil, token: token()))
            }
        case let .ddl(schemaChange, placement):
            batch.append(ddlMessage(schemaChange, placement: placement, token: token()))
        }
    }

    /// A snapshot's start or end marker, to its table's topic, keyed like the table's DDL: Maxwell's
    /// `bootstrap-start`/`bootstrap-complete` in its format; nil where a format has none (Debezium's, Canal's,
    /// and Maxwell's with `snapshot_as_insert`).
    public func markerMessage(_ marker: SnapshotMarker, timestamp: UInt32, token: () -> UInt64) -> OutgoingMessage? {
        let qualifiedName = "\(marker.database).\(marker.table)"
        let route = self.route(database: marker.database, table: marker.table, qualifiedName: qualifiedName)
        writer.reset()
        switch format {
        case .binlogo: ChangeMessageEncoder.writeSnapshotMarker(marker, timestamp: timestamp, context: context, to: writer)
        case .debezium, .canal: return nil
        case .maxwell(let options):
            if options.snapshotAsInsert { return nil }
            MaxwellMessageEncoder.writeBootstrapMarker(marker, timestamp: timestamp, to: writer)
        }
        let token = token()
        return tableMessage(route: route, database: marker.database, qualifiedName: qualifiedName, type: marker.kind.rawValue,
                            file: marker.binlogFile, position: marker.position, gtid: "", token: token)
    }

    /// The message whose value the writer holds, keyed as its table (or database) is, not as a row: DDL and
    /// snapshot markers.
    func tableMessage(route: Route, database: String, qualifiedName: String, type: String, file: String, position: UInt64,
                              gtid: String, token: UInt64) -> OutgoingMessage {
        keyWriter.reset()
        switch key {
        case .none: break
        case .database: keyWriter.rawText(database)
        case .table, .column: keyWriter.rawText(qualifiedName)
        case .primaryKey:
            keyWriter.raw(route.keyPrefix)
            keyWriter.byte(UInt8(ascii: "}"))
        }
        let hasKey = key != .none
        return OutgoingMessage(
            topic: route.topic, keyAndValue: joinedKeyAndValue(hasKey: hasKey), keyLength: hasKey ? keyWriter.count : nil,
            headers: headers ? messageHeaders(type: type, route: route, qualifiedName: qualifiedName, file: file, position: position, gtid: gtid) : [],
            token: token)
    }

    private func rowMessage(_ event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement, route: Route,
                            split: RowsEvent.Kind?, token: UInt64) throws(BinlogDecodingError) -> OutgoingMessage {
        writer.reset()
        try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: context, split: split, headCache: headCache,
                                          to: writer)
        let kind = split ?? event.kind
        let hasKey = try writeRowKey(event, row: row, image: kind == .delete ? .before : .after, route: route, to: keyWriter)
        let table = event.table
        return OutgoingMessage(
            topic: route.topic, keyAndValue: joinedKeyAndValue(hasKey: hasKey), keyLength: hasKey ? keyWriter.count : nil,
            headers: headers ? messageHeaders(type: kind.rawValue, route: route, qualifiedName: table.qualifiedName,
                                              file: event.binlogFile, position: event.position, gtid: placement.gtid) : [],
            token: token)
    }

    private func ddlMessage(_ change: SchemaChange, placement: ChangeMessageEncoder.RowPlacement, token: UInt64) -> OutgoingMessage {
        let target = change.primaryTarget
        let route = self.route(database: target.database, table: target.table, qualifiedName: target.description)
        writer.reset()
        ChangeMessageEncoder.writeDDL(change, placement: placement, context: context, to: writer)
        return tableMessage(route: route, database: target.database, qualifiedName: target.description, type: "ddl",
                            file: change.binlogFile, position: change.position, gtid: placement.gtid, token: token)
    }

    /// The key writer's bytes (when the message has a key) and the value writer's, in one new array.
    func joinedKeyAndValue(hasKey: Bool) -> [UInt8] {
        let keyCount = hasKey ? keyWriter.count : 0
        return [UInt8](unsafeUninitializedCapacity: keyCount + writer.count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            if hasKey { keyWriter.withBytes { target.copyMemory(from: $0) } }
            writer.withBytes { UnsafeMutableRawBufferPointer(rebasing: target[keyCount...]).copyMemory(from: $0) }
            initialized = keyCount + writer.count
        }
    }

    /// The route of a row's table. The first time, a primary key whose every column is excluded is
    /// reported: the table's rows then share one key.
    func route(for table: TableMap) -> Route {
        if let cached = routes[table.qualifiedName] { return cached }
        let made = route(database: table.database, table: table.table, qualifiedName: table.qualifiedName)
        if key == .primaryKey, !table.primaryKey.isEmpty, let excluded = made.excluded,
           table.primaryKey.allSatisfy({ excluded.contains(table.columnName($0)) }) {
            logger?.warning("every primary key column of the table is excluded: its rows share one Kafka key (compaction would keep one row); exclude fewer columns or use key: table",
                            metadata: ["table": "\(table.qualifiedName)"])
        }
        return made
    }

    /// The route of a table (or of a database, `table` nil), cached by its qualified name.
    func route(database: String, table: String?, qualifiedName: String) -> Route {
        if let cached = routes[qualifiedName] { return cached }
        if routes.count >= Self.cachedTables { routes.removeAll(keepingCapacity: true) }
        let prefix = JSONWriter(capacity: 64)
        prefix.raw("{\"database\":")
        prefix.string(database)
        prefix.raw(",\"table\":")
        prefix.string(table ?? "")
        let made = Route(
            topic: table.map { topic.topic(pipeline: pipeline, database: database, table: $0) }
                ?? topic.databaseTopic(pipeline: pipeline, database: database),
            keyPrefix: prefix.bytes,
            excluded: context.excluded(in: qualifiedName),
            headers: [("pipeline", Array(pipeline.utf8)), ("database", Array(database.utf8)), ("table", Array((table ?? "").utf8))])
        routes[qualifiedName] = made
        return made
    }

    /// Writes the row's key (per the key mode) into `target`; false when the message has no key.
    func writeRowKey(_ event: RowsEvent, row: Int, image: RowsEvent.Image, route: Route,
                             to target: JSONWriter) throws(BinlogDecodingError) -> Bool {
        let table = event.table
        target.reset()
        switch key {
        case .none:
            return false
        case .database:
            target.rawText(table.database)
        case .table:
            target.rawText(table.qualifiedName)
        case .primaryKey:
            target.raw(route.keyPrefix)
            if !table.primaryKey.isEmpty {
                target.raw(",\"primary_key\":")
                try ChangeMessageEncoder.writePrimaryKey(event, row: row, image: image, excluded: route.excluded, to: target)
            }
            target.byte(UInt8(ascii: "}"))
        case .column(let name):
            guard let column = table.columns.firstIndex(where: { $0.name == name }) else { return false }
            return try event.writeValue(row: row, image: image, column: column, to: target)
        }
        return true
    }

    /// Whether an UPDATE row's key (as published: excluded columns left out) differs between its images.
    func primaryKeyChanged(_ event: RowsEvent, row: Int, route: Route) -> Bool {
        let table = event.table
        for column in table.primaryKey where !event.isUnchanged(row: row, column: column) {
            if route.excluded?.contains(table.columnName(column)) != true { return true }
        }
        return false
    }

    private static let typeBytes: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: ["insert", "update", "delete", "read", "ddl", "snapshot_start", "snapshot_end"].map { ($0, Array($0.utf8)) })

    func messageHeaders(type: String, route: Route, qualifiedName: String, file: String,
                                position: UInt64, gtid: String) -> [(String, [UInt8])] {
        if let last = lastHeaders, last.position == position, last.file == file, last.table == qualifiedName, last.type == type,
           last.gtid == gtid {
            return last.headers
        }
        var headers = route.headers
        if lastGTID?.text != gtid { lastGTID = (gtid, Array(gtid.utf8)) }
        headers.reserveCapacity(6)
        headers.append(("type", Self.typeBytes[type] ?? Array(type.utf8)))
        headers.append(("position", Array("\(file):\(position)".utf8)))
        headers.append(("gtid", lastGTID!.bytes))
        lastHeaders = EventHeaders(table: qualifiedName, type: type, file: file, position: position, gtid: gtid, headers: headers)
        return headers
    }
}
