import Foundation
import Synchronization
import ThreadNames

/// A thread of its own that calls back a few times per commit interval, so that a Kafka transaction
/// waiting at a position is committed on time even when no more messages come. Its callback may block
/// (a commit), which is why it is not a timer on a shared queue.
final class CommitTicker: Sendable {
    private let period: Double
    private let running = Atomic(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let thread = Mutex<pthread_t?>(nil)

    init(intervalMilliseconds: Int) {
        period = Double(max(1, min(10, intervalMilliseconds / 5))) / 1000
    }

    func start(_ tick: @escaping @Sendable () -> Void) {
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            nameCurrentThread("binlogo-ktxn")
            self.thread.withLock { $0 = pthread_self() }
            while running.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + period)
                if running.load(ordering: .acquiring) { tick() }
            }
            finished.signal()
        }
        thread.start()
    }

    /// Returns once the thread made its last tick; later calls return at once.
    func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        // The ticker's own last tick may be what releases the output: it ends on its own then.
        if let ticker = thread.withLock({ $0 }), pthread_equal(ticker, pthread_self()) != 0 { return }
        finished.wait()
    }
}
