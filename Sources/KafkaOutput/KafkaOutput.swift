import Foundation
import Synchronization

/// A pipeline's Kafka output: a pool of librdkafka producers configured from the pipeline's
/// settings. Each message goes to the producer chosen by a hash of its key, so all messages of
/// one key go through one producer, and per-key order holds across the pool.
///
/// A message librdkafka refuses when it is produced (larger than `message.max.bytes`, an unknown
/// partition) is an error of kind `.refused` that names the table, the binlog position and the
/// setting to change. Under the `performance` profile it is reported through `onDelivery` as a failed
/// message (counted, and the checkpoint may pass it) and sending goes on; under the others `send` throws it.
public final class KafkaOutput: MessageOutput {
    public let configuration: KafkaOutputConfiguration
    public let pipeline: String
    private let producers: [KafkaProducer]
    private let roundRobin = AtomicCounter()
    private let abandoned = Atomic(false)
    private let onDelivery: @Sendable (UInt64, KafkaError?) -> Void

    /// - Parameters:
    ///   - onDelivery: called for every message: its token and nil once acknowledged, or the error it failed
    ///     with after librdkafka's retries (on a producer's poll thread), or its refusal (performance profile, on the sending thread).
    ///   - onLog: librdkafka's log lines and error reports; nil leaves them to librdkafka (stderr).
    public init(configuration: KafkaOutputConfiguration, pipeline: String,
                onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void,
                onLog: (@Sendable (KafkaLogMessage) -> Void)? = nil) throws(KafkaError) {
        try configuration.validate(pipeline: pipeline)
        guard configuration.profile != .exactlyOnce else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): the exactly_once profile needs TransactionalKafkaOutput")
        }
        self.configuration = configuration
        self.pipeline = pipeline
        self.onDelivery = onDelivery
        var producers: [KafkaProducer] = []
        for index in 0..<configuration.producers {
            var properties = configuration.librdkafkaProperties
            if configuration.producers > 1 { properties["client.id"] = "\(configuration.clientID)-\(index)" }
            producers.append(try KafkaProducer(properties: properties, onDelivery: { report in onDelivery(report.token, report.error) },
                                               onLog: onLog))
        }
        self.producers = producers
    }

    public func send(_ message: OutgoingMessage) throws(KafkaError) {
        let producer = producers[producerIndex(for: message.key)]
        do {
            try producer.produce(message, unless: { abandoned.load(ordering: .relaxed) })
        } catch where error.kind == .stopped {
            throw error
        } catch {
            let refusal = ProduceRefusal.error(error, message: message, pipeline: pipeline)
            guard configuration.profile.failureStopsPipeline else {
                onDelivery(message.token, refusal)
                return
            }
            throw refusal
        }
    }

    public func abandonPendingSends() {
        abandoned.store(true, ordering: .relaxed)
    }

    public func flush(timeoutMilliseconds: Int32) -> Int {
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        var outstanding = 0
        for producer in producers {
            let remaining = max(0, Int32(deadline.timeIntervalSinceNow * 1000))
            outstanding += producer.flush(timeoutMilliseconds: remaining)
        }
        return outstanding
    }

    /// FNV-1a of the key; keyless messages take turns.
    private func producerIndex(for key: ArraySlice<UInt8>?) -> Int {
        guard producers.count > 1 else { return 0 }
        guard let key else { return roundRobin.next() % producers.count }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(producers.count))
    }
}
