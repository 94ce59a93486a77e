import Foundation
import Synchronization

/// What another thread may do to a running source: ask it to stop, which also unblocks a
/// replication read in progress (by shutting its socket down) and wakes a backoff sleep.
final class SourceControl: Sendable {
    private struct State {
        var stopping = false
        var socket: Int32 = -1
    }

    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    var isStopping: Bool { state.withLock { $0.stopping } }

    func requestStop() {
        state.withLock { state in
            state.stopping = true
            // Under the lock, so the socket cannot be closed and its number reused meanwhile.
            if state.socket >= 0 { _ = shutdown(state.socket, Int32(SHUT_RDWR)) }
        }
        wake.signal()
    }

    /// The socket of the replication connection being read; detach before closing it.
    func attach(socket: Int32) -> Bool {
        state.withLock { state in
            state.socket = socket
            return !state.stopping
        }
    }

    func detach() {
        state.withLock { $0.socket = -1 }
    }

    /// Sleeps up to `seconds`; returns false when a stop was requested meanwhile.
    func sleep(seconds: Double) -> Bool {
        if isStopping { return false }
        _ = wake.wait(timeout: .now() + seconds)
        return !isStopping
    }
}
