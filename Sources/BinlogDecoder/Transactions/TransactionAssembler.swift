/// The one stage that decides where transactions begin and end, and which of their rows happened.
/// Everything downstream — the source's resume positions, the filter, the commit marks, the
/// checkpoints, `binlogo dump` — consumes its steps instead of reading transaction control itself.
///
/// **What the servers write** (MariaDB 10.11 observed; MySQL 8.0+ from its source):
/// - a transaction: [GTID] BEGIN (MariaDB: the GTID event is the begin), rows, XID or COMMIT;
/// - rows the server logged and then undid: a transaction that mixes transactional and
///   non-transactional (or temporary) tables is logged whole even when it rolls back, ending in a
///   `ROLLBACK` statement, and the rows between `SAVEPOINT s` and `ROLLBACK TO s` stay in it;
/// - two-phase XA: [GTID] `XA START` (MySQL; MariaDB flags its GTID event instead), rows, `XA END`,
///   XA_PREPARE_LOG_EVENT; later, in a group of its own, `XA COMMIT xid` or `XA ROLLBACK xid`;
///   `XA COMMIT … ONE PHASE`: MySQL writes XA_PREPARE_LOG_EVENT with its one-phase flag, MariaDB an
///   ordinary transaction; an XA transaction rolled back before XA PREPARE is not logged at all.
///
/// **Holding rows.** So that nothing undone is published, a transaction's rows are held until it ends
/// — released with its commit, dropped at its `ROLLBACK`, cut back at `ROLLBACK TO` a savepoint — up to
/// `lookAheadLimitBytes`. A transaction larger than that is streamed from there on (memory stays
/// bounded); should it still roll back, the step `rolledBackAfterPublishing` says how much of it went
/// out. XA transactions are held whole, from their start to `XA COMMIT` (published) or `XA ROLLBACK`
/// (dropped), up to `xaBufferLimitBytes`, past which reading stops with an error naming the setting.
/// While a prepared XA transaction with rows the reader wants (`isRelevant`) waits for its outcome, no
/// event ends a transaction for checkpointing purposes (`mayCheckpointAfter` stays false), so a restart
/// reads its rows again; one that changed only tables the reader leaves out holds nothing back.
public struct TransactionAssembler: Sendable {
    public let xaBufferLimitBytes: Int
    public let lookAheadLimitBytes: Int
    /// Whether the reader wants a rows event (its filter); asked once per prepared XA transaction.
    private let isRelevant: @Sendable (RowsEvent) -> Bool

    private var gtid = ""
    /// Where the open group began: its BEGIN, or its GTID event (MariaDB's GTID event is its BEGIN).
    private var transactionStart: UInt32 = 0
    private var insideGroup = false
    /// Whether the group being read is a transaction that ends with a commit event (BEGIN, XA START, or a
    /// MariaDB GTID event not flagged FL_STANDALONE) rather than a single statement.
    private var inExplicitTransaction = false
    private var isXA = false
    private var rowsInTransaction = 0
    /// Rows events of the group so far, and how many of them were handed on (streamed or released).
    private var eventsInGroup = 0
    private var eventsHandedOn = 0
    /// The group's rows not handed on yet, and their bytes.
    private var held: [HeldRows] = []
    private var heldBytes = 0
    /// Savepoints of the group: where each was set, counted in rows events and in rows.
    private var savepoints: [(name: String, events: Int, rows: Int)] = []
    /// Prepared XA transactions by XID, waiting for XA COMMIT or XA ROLLBACK, and their bytes.
    private var prepared: [XID: [HeldRows]] = [:]
    /// Those of them with rows the reader wants: they hold the checkpoint back.
    private var relevantPrepared: Set<XID> = []
    private var preparedBytes = 0
    private var endedGroup = false

    public init(xaBufferLimitBytes: Int = 256 << 20, lookAheadLimitBytes: Int = 4 << 20,
                isRelevant: @escaping @Sendable (RowsEvent) -> Bool = { _ in true }) {
        self.xaBufferLimitBytes = xaBufferLimitBytes
        self.lookAheadLimitBytes = lookAheadLimitBytes
        self.isRelevant = isRelevant
    }

    /// Whether the last event consumed ended an event group (a transaction, a DDL statement, an XA
    /// PREPARE or its outcome) and no prepared XA transaction is waiting: resuming right after it
    /// repeats and loses nothing.
    public var mayCheckpointAfter: Bool { endedGroup && relevantPrepared.isEmpty }
    /// Whether the last event consumed ended an event group, whatever XA transactions wait.
    public var endedEventGroup: Bool { endedGroup }
    /// Between two event groups: the next event starts a new one (a graceful stop may happen here).
    public var isBetweenTransactions: Bool { !insideGroup }
    /// Between two event groups with no prepared XA transaction waiting: resuming here repeats and loses nothing.
    public var mayResumeHere: Bool { !insideGroup && relevantPrepared.isEmpty }
    /// The GTID of the transaction being read, or of the last one.
    public var currentGTID: String { gtid }
    /// XIDs of prepared XA transactions waiting for their outcome.
    public var preparedXATransactions: [XID] { Array(prepared.keys) }

    /// Consumes one decoded event and returns what it means, in order (none, one or two steps).
    /// Throws when holding an XA transaction's rows would pass `xaBufferLimitBytes`.
    public mutating func consume(_ decoded: DecodedEvent) throws -> TransactionSteps {
        var steps = TransactionSteps()
        try consume(decoded, into: &steps)
        return steps
    }

    private mutating func consume(_ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        endedGroup = false
        switch decoded.event {
        case .mariaDBGTID(let value):
            beginGroup(gtid: value.description, at: decoded.position, into: &steps)
            inExplicitTransaction = !value.isStandalone
            isXA = value.startsPreparedXA
        case .mysqlGTID(let value):
            // With gtid_mode OFF (MySQL's default) every transaction has an ANONYMOUS_GTID event: no GTID.
            beginGroup(gtid: value.isAnonymous ? "" : value.description, at: decoded.position, into: &steps)
        case .tableMap:
            insideGroup = true
        case .rows(let event):
            insideGroup = true
            try take(event, decoded, into: &steps)
        case .xid(let xid):
            endGroup(TransactionEnd(xid: xid), into: &steps)
        case .xaPrepare(let prepare):
            if prepare.onePhase {
                endGroup(TransactionEnd(xid: nil), into: &steps)
            } else {
                prepared[prepare.xid] = held
                if held.contains(where: { isRelevant($0.event) }) { relevantPrepared.insert(prepare.xid) }
                preparedBytes += heldBytes
                held = []
                heldBytes = 0
                finishGroup()
            }
        case .query(let query):
            try consume(query, decoded, into: &steps)
        default:
            break
        }
    }

    private mutating func consume(_ query: QueryEvent, _ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        switch StatementParser.parse(query.statement, sessionDatabase: query.database) {
        case .transaction(.begin):
            // A BEGIN inside a group with rows (a stream without GTID events, cut short) ends that group first.
            if insideGroup && eventsInGroup > 0 { closeOpenTransaction(into: &steps) }
            transactionStart = UInt32(clamping: decoded.position)
            insideGroup = true
            inExplicitTransaction = true
        case .transaction(.commit):
            endGroup(TransactionEnd(xid: nil), into: &steps)
        case .transaction(.rollback):
            // Logged whole because it touched a non-transactional or temporary table; the transactional
            // rows in it were undone. (Changes to non-transactional tables are logged apart, as their own
            // transaction, and are not here.)
            rollBack(to: nil, decoded, into: &steps)
            finishGroup()
        case .transaction(.savepoint(let name)):
            savepoints.removeAll { $0.name == name }
            savepoints.append((name, eventsInGroup, rowsInTransaction))
        case .transaction(.releaseSavepoint(let name)):
            savepoints.removeAll { $0.name == name }
        case .transaction(.rollbackToSavepoint(let name)):
            if let index = savepoints.lastIndex(where: { $0.name == name }) {
                let mark = savepoints[index]
                savepoints.removeSubrange((index + 1)...)
                rollBack(to: (mark.events, mark.rows), decoded, into: &steps)
            }
        case .xa(let statement):
            try consume(statement, query, decoded, into: &steps)
        case .account:
            // Not a table change, and its text can carry a password or its hash: never handed on.
            closeOpenTransaction(into: &steps)
            finishGroup()
        case .other:
            // Neither rows nor schema change (FLUSH, ANALYZE TABLE, …).
            if !inExplicitTransaction { finishGroup() }
        case .ddl(let statement):
            let targets = statement.tables.isEmpty
                ? [SchemaTarget(database: statement.database, table: nil)]
                : statement.tables.map { SchemaTarget(database: $0.database, table: $0.table) }
            // CREATE TABLE … SELECT is followed by its rows and an XID in the same group (MariaDB: a group
            // not flagged standalone; MySQL: the statement ends with START TRANSACTION).
            let opensTransaction = inExplicitTransaction || Self.endsWithStartTransaction(query.statement)
            if !opensTransaction { closeOpenTransaction(into: &steps) }
            let change = SchemaChange(query: Self.withoutSecrets(query), binlogFile: decoded.binlogFile, position: decoded.position,
                                      targets: targets, standsAlone: !opensTransaction)
            steps.append(.schemaChange(change, context(decoded)))
            if opensTransaction {
                insideGroup = true
                rowsInTransaction += 1  // the statement is the transaction's first change
            } else {
                finishGroup()
            }
        }
    }

    private mutating func consume(_ statement: XAStatement, _ query: QueryEvent, _ decoded: DecodedEvent,
                                  into steps: inout TransactionSteps) throws {
        switch statement.action {
        case .start:
            insideGroup = true
            inExplicitTransaction = true
            isXA = true
        case .end, .prepare, .recover:
            break  // XA PREPARE arrives as its own event
        case .commit(let onePhase):
            if onePhase, isXA {
                endGroup(TransactionEnd(xid: nil), into: &steps)
                return
            }
            if let xid = statement.xid, let rows = prepared.removeValue(forKey: xid) {
                relevantPrepared.remove(xid)
                preparedBytes -= rows.reduce(0) { $0 + $1.event.byteCount }
                steps.append(.commitHeld(rows, TransactionEnd(xid: nil)))
            } else {
                steps.append(.unresolvedXACommit(xid: statement.xid?.description ?? "", binlogFile: decoded.binlogFile,
                                                 position: decoded.position))
            }
            finishGroup()
        case .rollback:
            if let xid = statement.xid, let rows = prepared.removeValue(forKey: xid) {
                relevantPrepared.remove(xid)
                preparedBytes -= rows.reduce(0) { $0 + $1.event.byteCount }
            }
            dropHeld()
            finishGroup()
        }
    }

    /// A rows event of the open group: held (XA, or within the look-ahead), or streamed.
    private mutating func take(_ event: RowsEvent, _ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        let rows = HeldRows(event: event, context: context(decoded))
        rowsInTransaction += event.rowCount
        eventsInGroup += 1
        if isXA {
            heldBytes += event.byteCount
            held.append(rows)
            guard heldBytes + preparedBytes <= xaBufferLimitBytes else {
                throw BinlogDecodingError(binlogFile: decoded.binlogFile, position: decoded.position, eventType: decoded.header.type,
                                          table: event.table.qualifiedName,
                                          reason: "XA transactions hold \(heldBytes + preparedBytes) bytes of rows until their outcome, more than the limit of \(xaBufferLimitBytes); raise the pipeline's source.xa_buffer_mb")
            }
        } else if eventsHandedOn > 0 {
            // The group outgrew the look-ahead: the rest of it streams.
            steps.append(.rows(event, rows.context))
            eventsHandedOn = eventsInGroup
        } else if heldBytes + event.byteCount <= lookAheadLimitBytes {
            heldBytes += event.byteCount
            held.append(rows)
        } else {
            // The look-ahead is full: what it holds goes out with this event.
            held.append(rows)
            steps.append(.release(held))
            held = []
            heldBytes = 0
            eventsHandedOn = eventsInGroup
        }
    }

    /// Drops the rows a rollback undid: the whole group's (`mark` nil) or those after a savepoint.
    private mutating func rollBack(to mark: (events: Int, rows: Int)?, _ decoded: DecodedEvent, into steps: inout TransactionSteps) {
        let keepEvents = mark?.events ?? 0
        let undonePublished = max(0, eventsHandedOn - keepEvents)
        let dropCount = min(held.count, eventsInGroup - max(keepEvents, eventsHandedOn))
        if dropCount > 0 {
            heldBytes -= held.suffix(dropCount).reduce(0) { $0 + $1.event.byteCount }
            held.removeLast(dropCount)
        }
        if undonePublished > 0 {
            steps.append(.rolledBackAfterPublishing(RollbackNotice(
                gtid: gtid, binlogFile: decoded.binlogFile, position: decoded.position, publishedEvents: undonePublished)))
            eventsHandedOn = keepEvents
        }
        eventsInGroup = keepEvents
        rowsInTransaction = mark?.rows ?? 0
    }

    /// A GTID event starts a group; one still open (a stream cut short) ends first, as if committed.
    private mutating func beginGroup(gtid: String, at position: UInt64, into steps: inout TransactionSteps) {
        closeOpenTransaction(into: &steps)
        self.gtid = gtid
        transactionStart = UInt32(clamping: position)
        insideGroup = true
        inExplicitTransaction = false
        isXA = false
    }

    /// The open group committed: held rows are released with its end.
    private mutating func endGroup(_ end: TransactionEnd, into steps: inout TransactionSteps) {
        if held.isEmpty {
            steps.append(.commit(end))
        } else {
            steps.append(.commitHeld(held, end))
            held = []
            heldBytes = 0
        }
        finishGroup()
    }

    /// Ends a transaction whose commit never came (its rows happened as far as the stream tells).
    private mutating func closeOpenTransaction(into steps: inout TransactionSteps) {
        if insideGroup && (eventsInGroup > 0 || rowsInTransaction > 0) { endGroup(TransactionEnd(xid: nil), into: &steps) }
        dropHeld()
    }

    private mutating func dropHeld() {
        held = []
        heldBytes = 0
    }

    private mutating func finishGroup() {
        insideGroup = false
        inExplicitTransaction = false
        isXA = false
        rowsInTransaction = 0
        eventsInGroup = 0
        eventsHandedOn = 0
        savepoints.removeAll()
        endedGroup = true
    }

    /// DDL whose text can carry a credential — FEDERATED/Spider/CONNECT connection strings and options,
    /// routine and event bodies that create users or set passwords — has every string literal redacted;
    /// other DDL is published as written.
    static func withoutSecrets(_ query: QueryEvent) -> QueryEvent {
        let upper = query.statement.uppercased()
        guard ["PASSWORD", "IDENTIFIED", "CONNECTION", "OPTION_LIST"].contains(where: { upper.contains($0) }) else { return query }
        var redacted = query
        redacted.statement = StatementParser.redactingLiterals(in: query.statement)
        return redacted
    }

    private static func endsWithStartTransaction(_ statement: String) -> Bool {
        let trimmed = statement.utf8.reversed().drop { $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 || $0 == 0x3b }
        let suffix = Array("NOITCASNART TRATS".utf8)
        var matched = 0
        for byte in trimmed.prefix(suffix.count) {
            let upper = byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte
            guard upper == suffix[matched] else { return false }
            matched += 1
        }
        return matched == suffix.count
    }

    private func context(_ decoded: DecodedEvent) -> TransactionContext {
        TransactionContext(gtid: gtid, rowsBefore: rowsInTransaction, timestamp: decoded.header.timestamp,
                           serverID: decoded.header.serverID, transactionStart: transactionStart)
    }
}
