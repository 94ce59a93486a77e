import Logging
import Metrics
import MySQLSource
import Synchronization

/// The one writer of a pipeline's checkpoint file. Acknowledged positions are written on the pipeline's
/// checkpoint thread (each second) or, once that thread has ended, in the stop's final write; a pipeline
/// without a checkpoint writes where it starts reading on the source's thread, when its first dump starts
/// and before any event is read. Writes take turns under one lock, and the start is written only while
/// no position is, so a checkpoint never goes backwards through two writers racing.
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
    /// Held through each write of the file. Taken before `state`, never while holding it.
    private let writing = Mutex(())

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

    /// Where a pipeline without a checkpoint starts reading: written now, before the caller reads any event
    /// (a crash before the checkpoint thread's first write would otherwise start again at `start: current`,
    /// past whatever the server wrote in between). Nothing is written once a position is; a failed write is
    /// tried again by the next `write`.
    func writeStart(_ position: SourcePosition) {
        writing.withLock { _ in
            let taken = state.withLock { state in
                guard state.saved == nil else { return false }
                state.start = position
                return true
            }
            if taken { save(position) }
        }
    }

    /// Writes `acknowledged` (or the start when nothing is acknowledged yet) if it differs from the file.
    /// Called only from the checkpoint thread, or after it ended.
    func write(acknowledged: SourcePosition?) {
        writing.withLock { _ in
            let (candidate, saved) = state.withLock { ($0.start.map { start in acknowledged ?? start } ?? acknowledged, $0.saved) }
            guard let position = candidate, position != saved else { return }
            save(position)
        }
    }

    private func save(_ position: SourcePosition) {
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
