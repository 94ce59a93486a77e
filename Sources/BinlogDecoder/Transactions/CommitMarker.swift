/// Marks the last published change of every transaction as its last (`commit:true`, with the XID).
///
/// It sits after the filter: it holds back the newest change that passed, releases it unmarked when
/// another passing change arrives, and marked when the transaction ends. So a transaction that
/// publishes anything ends with exactly one message marked commit, whatever the filter dropped,
/// and one that publishes nothing leaves no trace. Only one change is ever held.
public struct CommitMarker: Sendable {
    private var held: Change?

    public init() {}

    /// Rows `range` of `event`, all of which passed the filter.
    public mutating func rows(_ event: RowsEvent, _ range: Range<Int>, context: TransactionContext,
                              emit: (Change) throws -> Void) rethrows {
        for row in range {
            try hold(.row(event, row: row, placement: placement(context, rowInTransaction: context.rowsBefore + row + 1)), emit: emit)
        }
    }

    /// Applies one step of the assembler with nothing filtered out (`binlogo dump`, the tests); what cannot
    /// be published goes to `notice`, one line each. A pipeline applies the steps itself, its filter between.
    public mutating func take(_ step: TransactionStep, emit: (Change) throws -> Void, notice: (String) -> Void) rethrows {
        switch step {
        case .none:
            break
        case let .rows(event, context):
            try rows(event, 0..<event.rowCount, context: context, emit: emit)
        case let .release(held):
            for rows in held { try self.rows(rows.event, 0..<rows.event.rowCount, context: rows.context, emit: emit) }
        case let .commitHeld(held, end):
            for rows in held { try self.rows(rows.event, 0..<rows.event.rowCount, context: rows.context, emit: emit) }
            try commit(end, emit: emit)
        case let .commit(end):
            try commit(end, emit: emit)
        case let .schemaChange(change, context):
            try schemaChange(change, context: context, emit: emit)
        case let .rolledBackAfterPublishing(rollback):
            discard()
            notice("\(rollback)")
        case let .unresolvedXACommit(xid, file, position):
            notice("\(file):\(position) XA COMMIT \(xid): prepared before the start, its rows are not in this stream")
        }
    }

    /// A DDL statement that passed the filter: the last of its own transaction, or (CREATE TABLE … SELECT)
    /// the first change of the transaction its rows follow in.
    public mutating func schemaChange(_ change: SchemaChange, context: TransactionContext,
                                      emit: (Change) throws -> Void) rethrows {
        if change.standsAlone {
            try releaseUnfinished(emit: emit)
            var last = placement(context, rowInTransaction: 1)
            last.isLastInTransaction = true
            try emit(.ddl(change, placement: last))
        } else {
            try hold(.ddl(change, placement: placement(context, rowInTransaction: context.rowsBefore + 1)), emit: emit)
        }
    }

    /// The transaction ended: its held change is released as its last.
    public mutating func commit(_ end: TransactionEnd, emit: (Change) throws -> Void) rethrows {
        guard let last = held else { return }
        held = nil
        switch last {
        case let .row(event, row, placement):
            try emit(.row(event, row: row, placement: Self.marked(placement, end)))
        case let .ddl(change, placement):
            try emit(.ddl(change, placement: Self.marked(placement, end)))
        }
    }

    /// Forgets the held change: a rollback undid its transaction.
    public mutating func discard() {
        held = nil
    }

    /// Releases the held change unmarked: the input ended (a binlog file cut short, a failure) before
    /// its transaction did.
    public mutating func releaseUnfinished(emit: (Change) throws -> Void) rethrows {
        guard let last = held else { return }
        held = nil
        try emit(last)
    }

    private mutating func hold(_ change: Change, emit: (Change) throws -> Void) rethrows {
        if let previous = held { try emit(previous) }
        held = change
    }

    private func placement(_ context: TransactionContext, rowInTransaction: Int) -> ChangeMessageEncoder.RowPlacement {
        ChangeMessageEncoder.RowPlacement(gtid: context.gtid, rowInTransaction: rowInTransaction, xid: nil,
                                          isLastInTransaction: false, timestamp: context.timestamp, serverID: context.serverID,
                                          transactionStart: context.transactionStart)
    }

    private static func marked(_ placement: ChangeMessageEncoder.RowPlacement, _ end: TransactionEnd) -> ChangeMessageEncoder.RowPlacement {
        var placement = placement
        placement.isLastInTransaction = true
        placement.xid = end.xid
        return placement
    }
}
