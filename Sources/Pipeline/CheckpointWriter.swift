import Logging
import Metrics
import MySQLSource
import Synchronization

/// The one writer of a pipeline's checkpoint file. Every write happens on the pipeline's checkpoint
/// thread (each second, and at once when a starting position is offered) or, once that thread has
/// ended, in the stop's final write; no other thread writes, so a checkpoint never goes backwards
/// through two writers racing.
///
/// What it writes is the newest position Kafka's acknowledgements allow, or, for a pipeline that has
/// none yet, where it started reading, so that a crash before the first acknowledgement resumes there
/// instead of at `start: current` again. A failed write (a read-only or full disk) leaves the previous
/// file whole, shows in the log (once per distinct error), `/status` and
/// `binlogo_checkpoint_failures_total`, and is tried again at the next write.
final class CheckpointWriter: Sendable {
    private let store: CheckpointStore
    private let logger: Logger
    private let failures: Counter
    private let onSaved: @Sendable (SourcePosition) -> Void
    private let state: Mutex<State>

    private struct State {
        var saved: SourcePosition?
        /// Why the last write failed; nil once one succeeds again.
        var error: String?
        /// A starting position offered and not yet written.
        var start: SourcePosition?
    }

    init(store: CheckpointStore, loaded: SourcePosition?, logger: Logger, failures: Counter,
         onSaved: @escaping @Sendable (SourcePosition) -> Void) {
        self.store = store
        self.logger = logger
        self.failures = failures
        self.onSaved = onSaved
        self.state = Mutex(State(saved: loaded))
    }

    /// The last position written (or loaded at start).
    var saved: SourcePosition? { state.withLock { $0.saved } }
    var lastError: String? { state.withLock { $0.error } }

    /// Where a pipeline without a checkpoint starts reading; written at the next write unless an
    /// acknowledged position comes first. Returns whether the offer was taken.
    @discardableResult
    func offerStart(_ position: SourcePosition) -> Bool {
        state.withLock { state in
            guard state.saved == nil else { return false }
            state.start = position
            return true
        }
    }

    /// Writes `acknowledged` (or the offered start when nothing is acknowledged yet) if it differs from
    /// the file. Called only from the checkpoint thread, or after it ended.
    func write(acknowledged: SourcePosition?) {
        let (candidate, saved) = state.withLock { ($0.start.map { start in acknowledged ?? start } ?? acknowledged, $0.saved) }
        guard let position = candidate, position != saved else { return }
        do {
            try store.save(position)
            state.withLock { state in
                state.saved = position
                state.error = nil
                state.start = nil
            }
            onSaved(position)
        } catch {
            failures.increment()
            let repeated = state.withLock { state in
                defer { state.error = error.description }
                return state.error == error.description
            }
            if !repeated {
                logger.error("checkpoint not written; the previous one stays (if any) and the write is retried every second",
                             metadata: ["error": "\(error)"])
            }
        }
    }
}
