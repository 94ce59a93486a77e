/// What one binlog event means for the changes downstream, as the `TransactionAssembler` decides.
/// The rare and large cases are `indirect`, so that the common ones stay small to copy.
public enum TransactionStep: Sendable {
    /// Nothing to publish: a format description, a table map, BEGIN, a savepoint, XA END, rows held
    /// until their transaction ends, an account-management statement, …
    case none
    /// A rows event of a transaction too large for the look-ahead, streamed as it arrives.
    case rows(RowsEvent, TransactionContext)
    /// Held rows handed on before their transaction ends: it outgrew the look-ahead.
    indirect case release([HeldRows])
    /// A schema change (DDL): a transaction of its own, or the first change of CREATE TABLE … SELECT.
    indirect case schemaChange(SchemaChange, TransactionContext)
    /// The transaction being read ended and nothing of it is held: its last published change is its last.
    case commit(TransactionEnd)
    /// The transaction ended (or a prepared XA transaction committed): its held rows, then its end.
    indirect case commitHeld([HeldRows], TransactionEnd)
    /// A rollback undid rows already handed on (a transaction larger than the look-ahead): what went
    /// out cannot be called back; the caller reports it and drops the change it holds for the commit mark.
    indirect case rolledBackAfterPublishing(RollbackNotice)
    /// `XA COMMIT` of a transaction prepared before reading started: its rows were never read, so
    /// nothing can be published for it. The caller says so (a warning naming the XID and position).
    indirect case unresolvedXACommit(xid: String, binlogFile: String, position: UInt64)
}

/// A rows event held until its transaction ends, with its place in it.
public struct HeldRows: Sendable {
    public var event: RowsEvent
    public var context: TransactionContext
}

/// Rows handed on and then undone by a rollback.
public struct RollbackNotice: Sendable, CustomStringConvertible {
    public var gtid: String
    public var binlogFile: String
    public var position: UInt64
    /// Rows events of the transaction that were published before the rollback undid them.
    public var publishedEvents: Int

    public var description: String {
        "\(binlogFile):\(position) (transaction \(gtid)): a rollback undid \(publishedEvents) rows events already published; raise source.transaction_lookahead_mb above the transaction's size to hold it until it ends"
    }
}

/// Where the rows of one step sit in their transaction.
public struct TransactionContext: Sendable {
    /// The transaction's GTID (MariaDB `domain-server-sequence`, MySQL `uuid:n`), or "" when none is logged.
    public var gtid: String
    /// The rows of the transaction before this step's first row.
    public var rowsBefore: Int
    /// The event's timestamp (seconds since the epoch) and the server that wrote it.
    public var timestamp: UInt32
    public var serverID: UInt32
    /// Where in its binlog file the transaction began (its BEGIN, or its GTID event on MariaDB).
    public var transactionStart: UInt32

    public init(gtid: String, rowsBefore: Int, timestamp: UInt32, serverID: UInt32, transactionStart: UInt32 = 0) {
        self.gtid = gtid
        self.rowsBefore = rowsBefore
        self.timestamp = timestamp
        self.serverID = serverID
        self.transactionStart = transactionStart
    }
}

/// How a transaction ended.
public struct TransactionEnd: Sendable {
    /// The XID of a commit on a transactional engine, when the server logged one.
    public var xid: UInt64?

    public init(xid: UInt64?) {
        self.xid = xid
    }
}

/// The steps of one event, held inline: an event means at most two (the end of a transaction a new
/// one cut short, or that a DDL statement commits implicitly, then its own step), so no array is
/// made per event on the hot path.
public struct TransactionSteps: Sendable, Sequence {
    private var first: TransactionStep?
    private var second: TransactionStep?

    public init() {}

    public var isEmpty: Bool { first == nil }

    mutating func append(_ step: TransactionStep) {
        if first == nil {
            first = step
        } else {
            precondition(second == nil, "an event means at most two transaction steps")
            second = step
        }
    }

    public func makeIterator() -> Iterator { Iterator(steps: self) }

    /// Calls `body` with each step in order, without copying them into an iterator (the hot path's way).
    public func forEach(_ body: (TransactionStep) throws -> Void) rethrows {
        guard let first else { return }
        try body(first)
        if let second { try body(second) }
    }

    public struct Iterator: IteratorProtocol {
        fileprivate var steps: TransactionSteps
        private var index = 0

        fileprivate init(steps: TransactionSteps) {
            self.steps = steps
        }

        public mutating func next() -> TransactionStep? {
            defer { index += 1 }
            return index == 0 ? steps.first : index == 1 ? steps.second : nil
        }
    }
}
