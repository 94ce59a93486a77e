import Foundation
import Synchronization

/// A pipeline's Kafka output: a pool of librdkafka producers configured from the pipeline's
/// settings. Each message goes to the producer chosen by a hash of its key, so all messages of
/// one key go through one producer, and per-key order holds across the pool.
public final class KafkaOutput: MessageOutput {
    public let configuration: KafkaOutputConfiguration
    private let producers: [KafkaProducer]
    private let roundRobin = AtomicCounter()
    private let abandoned = Mutex(false)

    /// - Parameter onDelivery: called on a producer's poll thread for every message: its token and nil
    ///   once acknowledged, or the error it failed with after librdkafka's retries.
    public init(configuration: KafkaOutputConfiguration, pipeline: String,
                onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void) throws(KafkaError) {
        try configuration.validate(pipeline: pipeline)
        self.configuration = configuration
        var producers: [KafkaProducer] = []
        for index in 0..<configuration.producers {
            var properties = configuration.librdkafkaProperties
            if configuration.producers > 1 { properties["client.id"] = "\(configuration.clientID)-\(index)" }
            producers.append(try KafkaProducer(properties: properties) { report in onDelivery(report.token, report.error) })
        }
        self.producers = producers
    }

    public func send(_ message: OutgoingMessage) throws(KafkaError) {
        let producer = producers[producerIndex(for: message.key)]
        while true {
            do {
                try producer.produce(topic: message.topic, key: message.key, value: message.value,
                                     headers: message.headers, token: message.token)
                return
            } catch where error.kind == .queueFull {
                // librdkafka's queue is full: wait for deliveries to make room (backpressure on the reader).
                if abandoned.withLock({ $0 }) { throw KafkaError(kind: .stopped, message: "the pipeline is stopping") }
                usleep(1_000)
            }
        }
    }

    public func abandonPendingSends() {
        abandoned.withLock { $0 = true }
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
