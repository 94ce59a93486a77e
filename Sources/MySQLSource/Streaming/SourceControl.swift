import Foundation
import Synchronization

/// What another thread may do to a running source: ask it to stop, which also unblocks a
/// replication read in progress (by shutting its socket down) and wakes a backoff sleep.
final class SourceControl: Sendable {
    private struct State {
        var stopping = false
        /// A graceful stop waits for the transaction being read to end.
        var stopAtBoundary = false
        /// Whether the reader stands between two transactions (updated after every event).
        var betweenTransactions = true
        /// A duplicate of the replication socket's descriptor, owned here: libmariadb closes its own
        /// descriptor when a read fails, and that number may be reused at once by another thread's
        /// socket, but this one stays ours (and the socket open) until `detach` closes it.
        var socket: Int32 = -1
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    var isStopping: Bool { state.withLock { $0.stopping } }

    func requestStop() {
        state.withLock { state in
            state.stopping = true
            // Shutting the duplicate down shuts the connection's socket down too.
            if state.socket >= 0 { _ = shutdown(state.socket, Int32(SHUT_RDWR)) }
        }
        wake.signal()
    }

    /// Asks the source to stop once the transaction being read has ended; at once if none is open.
    func requestStopAtBoundary() {
        let now = state.withLock { state -> Bool in
            state.stopAtBoundary = true
            return state.betweenTransactions
        }
        if now { requestStop() }
    }

    /// The reader handed an event on; returns true when it must stop now (a stop at the boundary it reached).
    func eventHandled(betweenTransactions: Bool) -> Bool {
        let now = state.withLock { state -> Bool in
            state.betweenTransactions = betweenTransactions
            return betweenTransactions && state.stopAtBoundary && !state.stopping
        }
        if now { requestStop() }
        return now
    }

    /// The socket of the replication connection about to be read; false if a stop was requested already.
    func attach(socket: Int32) -> Bool {
        state.withLock { state in
            guard !state.stopping else { return false }
            if state.socket >= 0 { close(state.socket) }
            state.socket = dup(socket)
            return true
        }
    }

    /// Called when reading that connection is over.
    func detach() {
        state.withLock { state in
            if state.socket >= 0 { close(state.socket) }
            state.socket = -1
        }
    }

    /// Sleeps up to `seconds`; returns false when a stop was requested meanwhile.
    func sleep(seconds: Double) -> Bool {
        if isStopping { return false }
        _ = wake.wait(timeout: .now() + seconds)
        return !isStopping
    }
}
