/// The one stage that decides where transactions begin and end. Everything downstream — the
/// source's resume positions, the filter, the commit marks, the checkpoints, `binlogo dump` —
/// consumes its steps instead of reading transaction control itself.
///
/// It streams: rows are handed on as their events arrive, never buffered, with one exception. The
/// rows of an XA transaction are held from its start to its outcome: XA PREPARE only promises that
/// the transaction can commit, and `XA ROLLBACK` may still undo it, so its rows are published at
/// `XA COMMIT` and dropped at `XA ROLLBACK`. While a prepared XA transaction waits for its outcome,
/// no event ends a transaction for checkpointing purposes (`mayCheckpointAfter` stays false), so a
/// restart reads the held rows again.
///
/// What the servers write (MariaDB 10.11 observed; MySQL 8.0+ from its source):
/// - two-phase XA: [GTID] `XA START` (MySQL; MariaDB flags its GTID event instead), rows, `XA END`,
///   XA_PREPARE_LOG_EVENT; later, in a group of its own, `XA COMMIT xid` or `XA ROLLBACK xid`;
/// - `XA COMMIT … ONE PHASE`: MySQL writes XA_PREPARE_LOG_EVENT with its one-phase flag; MariaDB
///   writes an ordinary transaction;
/// - an XA transaction rolled back before XA PREPARE is not logged at all;
/// - a logged `ROLLBACK` ends a transaction whose changes to non-transactional tables could not be
///   undone: those rows happened, and are published.
public struct TransactionAssembler: Sendable {
    /// Bytes of rows events held for XA transactions (open and prepared) beyond which reading stops
    /// with an error, rather than growing memory without bound.
    public let xaBufferLimitBytes: Int

    private var gtid = ""
    private var insideGroup = false
    private var rowsInTransaction = 0
    /// The rows of the XA transaction being read (between its start and XA PREPARE).
    private var openXA: [RowsEvent]?
    /// Prepared XA transactions by XID, waiting for XA COMMIT or XA ROLLBACK.
    private var prepared: [XID: [RowsEvent]] = [:]
    /// Whether the group being read is a transaction that ends with a commit event (BEGIN, XA START, or a
    /// MariaDB GTID event not flagged FL_STANDALONE) rather than a single statement.
    private var inExplicitTransaction = false
    private var heldBytes = 0
    private var endedGroup = false

    public init(xaBufferLimitBytes: Int = 256 << 20) {
        self.xaBufferLimitBytes = xaBufferLimitBytes
    }

    /// Whether the last event consumed ended an event group (a transaction, a DDL statement, an XA
    /// PREPARE or its outcome) and no prepared XA transaction is waiting: resuming right after it
    /// repeats and loses nothing.
    public var mayCheckpointAfter: Bool { endedGroup && prepared.isEmpty }
    /// Whether the last event consumed ended an event group, whatever XA transactions wait.
    public var endedEventGroup: Bool { endedGroup }
    /// Between two event groups: the next event starts a new one (a graceful stop may happen here).
    public var isBetweenTransactions: Bool { !insideGroup }
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
            try beginGroup(gtid: value.description, decoded, into: &steps)
            inExplicitTransaction = !value.isStandalone
            if value.startsPreparedXA { openXA = [] }
        case .mysqlGTID(let value):
            try beginGroup(gtid: value.description, decoded, into: &steps)
        case .tableMap:
            insideGroup = true
        case .rows(let event):
            insideGroup = true
            if openXA != nil {
                try hold(event, decoded)
            } else {
                steps.append(.rows(event, context(decoded)))
                rowsInTransaction += event.rowCount
            }
        case .xid(let xid):
            try endGroup(TransactionEnd(xid: xid), decoded, into: &steps)
        case .xaPrepare(let prepare):
            let rows = openXA ?? []
            openXA = nil
            if prepare.onePhase {
                steps.append(.preparedCommit(released(rows), context(decoded), TransactionEnd(xid: nil)))
            } else {
                prepared[prepare.xid] = rows
            }
            finishGroup()
        case .query(let query):
            try consume(query, decoded, into: &steps)
        default:
            break
        }
    }

    private mutating func consume(_ query: QueryEvent, _ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        switch StatementParser.parse(query.statement, sessionDatabase: query.database) {
        case .transaction(.begin):
            if !insideGroup || rowsInTransaction > 0 { rowsInTransaction = 0 }
            insideGroup = true
            inExplicitTransaction = true
        case .transaction(.commit), .transaction(.rollback):
            // A logged ROLLBACK ends changes to non-transactional tables that could not be undone: they happened.
            try endGroup(TransactionEnd(xid: nil), decoded, into: &steps)
        case .transaction:
            break  // savepoints
        case .xa(let statement):
            try consume(statement, query, decoded, into: &steps)
        case .account:
            // Not a table change, and its text can carry a password or its hash: never handed on.
            try closeOpenTransaction(into: &steps)
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
            if !opensTransaction { try closeOpenTransaction(into: &steps) }
            let change = SchemaChange(query: query, binlogFile: decoded.binlogFile, position: decoded.position,
                                      targets: targets, standsAlone: !opensTransaction)
            steps.append(.schemaChange(change, context(decoded)))
            if opensTransaction { insideGroup = true } else { finishGroup() }
        }
    }

    private mutating func consume(_ statement: XAStatement, _ query: QueryEvent, _ decoded: DecodedEvent,
                                  into steps: inout TransactionSteps) throws {
        switch statement.action {
        case .start:
            insideGroup = true
            inExplicitTransaction = true
            openXA = []
        case .end, .prepare, .recover:
            break  // XA PREPARE arrives as its own event
        case .commit(let onePhase):
            if onePhase, let rows = openXA {
                openXA = nil
                steps.append(.preparedCommit(released(rows), context(decoded), TransactionEnd(xid: nil)))
            } else if let xid = statement.xid, let rows = prepared.removeValue(forKey: xid) {
                steps.append(.preparedCommit(released(rows), context(decoded), TransactionEnd(xid: nil)))
            } else {
                steps.append(.unresolvedXACommit(xid: statement.xid?.description ?? query.statement, query: query,
                                             binlogFile: decoded.binlogFile, position: decoded.position))
            }
            finishGroup()
        case .rollback:
            if let xid = statement.xid, let rows = prepared.removeValue(forKey: xid) { _ = released(rows) }
            if let rows = openXA { _ = released(rows) }
            openXA = nil
            finishGroup()
        }
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

    /// A GTID event starts a group; one still open (a stream cut short, a server crash) ends first.
    private mutating func beginGroup(gtid: String, _ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        try closeOpenTransaction(into: &steps)
        self.gtid = gtid
        insideGroup = true
        inExplicitTransaction = false
        rowsInTransaction = 0
        openXA = nil
    }

    private mutating func endGroup(_ end: TransactionEnd, _ decoded: DecodedEvent, into steps: inout TransactionSteps) throws {
        if let rows = openXA {
            // An XA transaction does not end with a plain commit; if a server ever writes one, its rows happened.
            openXA = nil
            steps.append(.preparedCommit(released(rows), context(decoded), end))
        } else {
            steps.append(.commit(end))
        }
        finishGroup()
    }

    /// Rows no longer held: their bytes leave the XA budget.
    private mutating func released(_ rows: [RowsEvent]) -> [RowsEvent] {
        heldBytes -= rows.reduce(0) { $0 + $1.byteCount }
        return rows
    }

    /// Ends a transaction whose rows were handed on but whose commit never came.
    private mutating func closeOpenTransaction(into steps: inout TransactionSteps) throws {
        if insideGroup && rowsInTransaction > 0 { steps.append(.commit(TransactionEnd(xid: nil))) }
        rowsInTransaction = 0
    }

    private mutating func finishGroup() {
        insideGroup = false
        inExplicitTransaction = false
        rowsInTransaction = 0
        endedGroup = true
    }

    private mutating func hold(_ event: RowsEvent, _ decoded: DecodedEvent) throws {
        heldBytes += event.byteCount
        guard heldBytes <= xaBufferLimitBytes else {
            throw BinlogDecodingError(binlogFile: decoded.binlogFile, position: decoded.position, eventType: decoded.header.type,
                                      table: event.table.qualifiedName,
                                      reason: "XA transactions hold \(heldBytes) bytes of rows until their outcome, more than the limit of \(xaBufferLimitBytes); raise the pipeline's source.xa_buffer_mb")
        }
        openXA?.append(event)
    }

    private func context(_ decoded: DecodedEvent) -> TransactionContext {
        TransactionContext(gtid: gtid, rowsBefore: rowsInTransaction, timestamp: decoded.header.timestamp,
                           serverID: decoded.header.serverID)
    }
}
