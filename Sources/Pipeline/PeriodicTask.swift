import Foundation
import Synchronization
import ThreadNames

/// Runs a closure every `interval` seconds on a thread of its own until cancelled.
/// `name` (at most 15 bytes, as Linux keeps) names the thread for `top -H` and perf.
final class PeriodicTask: Sendable {
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let cancelled = Atomic(false)

    init(name: String, interval: Double, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            nameCurrentThread(name)
            while !cancelled.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + interval)
                if cancelled.load(ordering: .acquiring) { break }
                body()
            }
            finished.signal()
        }
        thread.start()
    }

    /// Runs the closure now rather than at the end of the interval (each call is one more run).
    func runNow() {
        wake.signal()
    }

    /// Stops the task and waits at most `timeoutSeconds` for a run in progress to end; returns whether
    /// the thread ended (a run stuck in a hung disk's fsync keeps it).
    @discardableResult
    func cancel(timeoutSeconds: Double = .infinity) -> Bool {
        if !cancelled.exchange(true, ordering: .acquiringAndReleasing) { wake.signal() }
        let ended = timeoutSeconds.isFinite ? finished.wait(timeout: .now() + max(0, timeoutSeconds)) == .success : {
            finished.wait()
            return true
        }()
        if ended { finished.signal() }
        return ended
    }
}
