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

    /// Runs the closure now rather than at the end of the interval (once, however often called meanwhile).
    func runNow() {
        wake.signal()
    }

    /// Stops the task and waits for a run in progress to end.
    func cancel() {
        if cancelled.exchange(true, ordering: .acquiringAndReleasing) { return }
        wake.signal()
        finished.wait()
    }
}
