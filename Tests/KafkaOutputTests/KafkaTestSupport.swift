import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Synchronization
import TestBench

/// A delivery tracker with a Sendable box, plus waiting helpers for tests.
final class TrackedDeliveries: Sendable {
    let tracker: DeliveryTracker<Int>
    private let errors = Mutex<[KafkaError]>([])

    init(acceptsLoss: Bool = false) {
        tracker = DeliveryTracker<Int>(acceptsLoss: acceptsLoss)
    }

    var onDelivery: @Sendable (UInt64, KafkaError?) -> Void {
        { [self] token, error in
            if let error {
                errors.withLock { $0.append(error) }
                tracker.fail(token, error)
            } else {
                tracker.acknowledge(token)
            }
        }
    }

    var reportedErrors: [KafkaError] { errors.withLock { $0 } }

    /// Waits until nothing is in flight, at most `seconds`.
    func waitUntilSettled(seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if tracker.inFlight == 0 { return true }
            if tracker.failure != nil && tracker.inFlight <= tracker.failedCount { return true }
            usleep(10_000)
        }
        return false
    }
}
