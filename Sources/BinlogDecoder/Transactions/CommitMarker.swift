/// Marks the last published change of every transaction as its last (`commit:true`, with the XID).
///
/// It sits after the filter: it holds back the newest row that passed, releases it unmarked when
/// another passing row arrives, and marked when the transaction ends. So a transaction that
/// publishes anything ends with exactly one message marked commit, whatever the filter dropped,
/// and one that publishes nothing leaves no trace. Only one row is ever held.
public struct CommitMarker: Sendable {
    private var held: (event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement)?

    public init() {}

    /// Whether a row is held (its transaction has published something and not ended yet).
    public var isHoldingRow: Bool { held != nil }

    /// Rows `range` of `event`, all of which passed the filter.
    public mutating func rows(_ event: RowsEvent, _ range: Range<Int>, context: TransactionContext,
                              emit: (Change) throws -> Void) rethrows {
        for row in range {
            if let previous = held { try emit(.row(previous.event, row: previous.row, placement: previous.placement)) }
            held = (event, row, ChangeMessageEncoder.RowPlacement(
                gtid: context.gtid, rowInTransaction: context.rowsBefore + row + 1, xid: nil, isLastInTransaction: false,
                timestamp: context.timestamp, serverID: context.serverID))
        }
    }

    /// A DDL statement that passed the filter: a transaction of its own, so its message is its last.
    public mutating func schemaChange(_ change: SchemaChange, context: TransactionContext,
                                      emit: (Change) throws -> Void) rethrows {
        try releaseUnfinished(emit: emit)
        try emit(.ddl(change, placement: ChangeMessageEncoder.RowPlacement(
            gtid: context.gtid, rowInTransaction: 1, xid: nil, isLastInTransaction: true,
            timestamp: context.timestamp, serverID: context.serverID)))
    }

    /// The transaction ended: its held row is released as its last.
    public mutating func commit(_ end: TransactionEnd, emit: (Change) throws -> Void) rethrows {
        guard var last = held else { return }
        held = nil
        last.placement.isLastInTransaction = true
        last.placement.xid = end.xid
        try emit(.row(last.event, row: last.row, placement: last.placement))
    }

    /// Releases the held row unmarked: the input ended (a binlog file cut short, a failure) before
    /// its transaction did.
    public mutating func releaseUnfinished(emit: (Change) throws -> Void) rethrows {
        guard let last = held else { return }
        held = nil
        try emit(.row(last.event, row: last.row, placement: last.placement))
    }
}
