/// The transaction assembler and the commit marks with nothing between them: every change of an
/// event stream, in order, each transaction's last marked. `binlogo dump` and the tests read binlogs
/// through it; a pipeline puts its filter between the two.
public struct ChangeStream: Sendable {
    public private(set) var assembler = TransactionAssembler()
    private var marker = CommitMarker()

    public init() {}

    /// Consumes one decoded event; `emit` gets its changes. An `XA COMMIT` whose transaction was
    /// prepared before the stream started goes to `unresolved` (its rows cannot be published).
    public mutating func consume(_ decoded: DecodedEvent, emit: (Change) throws -> Void,
                                 unresolved: (String) -> Void = { _ in }) throws {
        try assembler.consume(decoded).forEach { step in
            switch step {
            case .none:
                break
            case let .rows(event, context):
                try marker.rows(event, 0..<event.rowCount, context: context, emit: emit)
            case let .preparedCommit(events, context, end):
                var context = context
                for event in events {
                    try marker.rows(event, 0..<event.rowCount, context: context, emit: emit)
                    context.rowsBefore += event.rowCount
                }
                try marker.commit(end, emit: emit)
            case let .commit(end):
                try marker.commit(end, emit: emit)
            case let .schemaChange(change, context):
                try marker.schemaChange(change, context: context, emit: emit)
            case let .unresolvedXACommit(xid, _, file, position):
                unresolved("\(file):\(position) XA COMMIT \(xid): prepared before the start, its rows are not in this stream")
            }
        }
    }

    /// The input ended: a row still held (its transaction's end was never read) is released unmarked.
    public mutating func finish(emit: (Change) throws -> Void) rethrows {
        try marker.releaseUnfinished(emit: emit)
    }
}
