import BinlogDecoder
import KafkaOutput
import MySQLSource
import Synchronization

/// Where the pipeline may resume, event by event, as the `exactly_once` profile's Kafka transactions
/// need it: the end of every MySQL transaction after which a checkpoint may be taken, and, inside a
/// transaction that began at such a point, every event that handed messages on — recorded as the
/// transaction's beginning plus the rows of it done (`SourcePosition.transactionRowsDone`), so that a
/// transaction too large for one Kafka transaction is committed in parts.
///
/// After resuming at such a position, the rows of that transaction done before are skipped; under
/// any profile, so that a checkpoint written by `exactly_once` resumes right under another.
struct CommitPoints {
    /// Where the transaction being read begins, while a checkpoint may be taken there; nil while a prepared
    /// XA transaction holds checkpoints back, and before the first position is known.
    private var transactionStart: SourcePosition?
    /// What the reader's hot path updates for every change (kept apart: copied per event, it must stay small).
    var rows: RowProgress

    /// - Parameter tracking: whether positions inside transactions are wanted (`exactly_once`).
    init(resumingAt stored: SourcePosition?, tracking: Bool) {
        rows = RowProgress(tracking: tracking, skipThrough: stored?.transactionRowsDone)
        guard tracking, var start = stored else { return }
        start.transactionRowsDone = nil
        transactionStart = start
    }

    /// A new pipeline's first dump starts here, between two transactions.
    mutating func dumpStarted(at position: SourcePosition) {
        if transactionStart == nil, rows.rowsDone == 0 { transactionStart = position }
    }

    /// Called after each event's messages were made: the position a Kafka transaction may end at after
    /// them, or nil.
    mutating func passed(_ event: SourceEvent, published: Bool) -> SourcePosition? {
        if event.endsTransaction {
            rows.transactionEnded()
            transactionStart = event.resumePosition
            return event.resumePosition
        }
        if event.endsEventGroup {
            // A prepared XA transaction waits: no checkpoint until it ends.
            rows.transactionEnded()
            transactionStart = nil
            return nil
        }
        guard published, var start = transactionStart else { return nil }
        start.transactionRowsDone = rows.rowsDone
        return start
    }
}

/// How far into the transaction being read the reader is, in rows, and which of its rows an earlier
/// run published already. Two integers and two flags: the reader copies it for every event.
struct RowProgress {
    /// Whether `rowsDone` is kept (`exactly_once`).
    let tracking: Bool
    /// The highest row number of the transaction being read whose messages were handed on (or skipped).
    private(set) var rowsDone: Int
    /// Rows of the transaction being read published by an earlier run: their changes are skipped.
    private(set) var skipThrough: Int?

    init(tracking: Bool, skipThrough: Int?) {
        self.tracking = tracking
        self.skipThrough = skipThrough
        rowsDone = skipThrough ?? 0
    }

    /// Whether `skips` has anything to do; false on the hot path of the other profiles.
    var isActive: Bool { tracking || skipThrough != nil }

    /// Called for each change the filter passed, before its messages are made: whether an earlier run
    /// published it already (it is then left out).
    mutating func skips(_ change: Change) -> Bool {
        let row = change.rowInTransaction
        if row > rowsDone { rowsDone = row }
        guard let skipThrough else { return false }
        return row <= skipThrough
    }

    mutating func transactionEnded() {
        rowsDone = 0
        skipThrough = nil
    }
}

/// A `SourcePosition` as the positions topic records it: its checkpoint JSON.
struct CommittedPosition: CommitPosition {
    let position: SourcePosition

    func encodedRecord() -> [UInt8] {
        (try? CheckpointStore.encode(position)) ?? []
    }
}

/// The position of the newest committed Kafka transaction, set on the committing thread and read by the
/// checkpoint thread and `/status`.
final class LastCommittedPosition: Sendable {
    private let position = Mutex<SourcePosition?>(nil)

    var value: SourcePosition? {
        get { position.withLock { $0 } }
        set { position.withLock { $0 = newValue } }
    }
}
