/// The transaction assembler and the commit marks with nothing between them: every change of an
/// event stream, in order, each transaction's last marked. `binlogo dump` and the tests read binlogs
/// through it; a pipeline puts its filter between the two.
public struct ChangeStream: Sendable {
    private var assembler = TransactionAssembler()
    private var marker = CommitMarker()

    public init() {}

    /// Consumes one decoded event (the events inside a TRANSACTION_PAYLOAD_EVENT one by one, see
    /// `BinlogDecoder.decodeEach`); `emit` gets its changes. What cannot be published goes to `notice`,
    /// one line each: an `XA COMMIT` whose transaction was prepared before the stream started, rows a
    /// rollback undid after they were handed on, an INCIDENT_EVENT.
    public mutating func consume(_ decoded: DecodedEvent, emit: (Change) throws -> Void,
                                 notice: (String) -> Void = { _ in }) throws {
        if case let .incident(number, message) = decoded.event {
            notice("\(decoded.binlogFile):\(decoded.position) INCIDENT \(number) \"\(message)\": the server says changes may be missing from the binlog here")
        }
        try assembler.consume(decoded).forEach { step in try marker.take(step, emit: emit, notice: notice) }
    }

    /// XA transactions prepared and still waiting for their outcome: at the end of a finite input their
    /// rows are not printed (nothing says they committed).
    public var preparedXATransactions: [XID] { assembler.preparedXATransactions }

    /// The input ended: a row still held (its transaction's end was never read) is released unmarked.
    public mutating func finish(emit: (Change) throws -> Void) rethrows {
        try marker.releaseUnfinished(emit: emit)
    }
}
