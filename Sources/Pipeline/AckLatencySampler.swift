import Dispatch
import Metrics
import Synchronization

/// Samples the time from handing a message to the output to Kafka's acknowledgement, for one
/// message in 64, into the `binlogo_ack_latency_seconds` histogram.
final class AckLatencySampler: Sendable {
    private static let sampleEvery: UInt64 = 64
    private let timer: Metrics.Timer
    private let pending = Mutex<[UInt64: UInt64]>([:])

    init(pipeline: String) {
        timer = Metrics.Timer(label: "binlogo_ack_latency_seconds", dimensions: [("pipeline", pipeline)], preferredDisplayUnit: .seconds)
    }

    func sent(_ token: UInt64) {
        guard token % Self.sampleEvery == 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        pending.withLock { $0[token] = now }
    }

    func acknowledged(_ token: UInt64) {
        guard token % Self.sampleEvery == 0, let started = pending.withLock({ $0.removeValue(forKey: token) }) else { return }
        timer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
    }
}
