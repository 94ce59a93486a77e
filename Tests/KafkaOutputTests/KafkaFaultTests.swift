import Foundation
import KafkaOutput
import TestBench
import Testing

/// Faults injected into a mock cluster of the test's own (over its control port): retriable errors
/// and a broker down lose nothing and keep per-key order; permanent errors stop the checkpoint
/// before the failed message and name the topic and the reason.
@Suite(.serialized) struct KafkaFaultTests {
    /// `count` messages over `keys` keys, each value `key:sequence`.
    private func produce(_ output: KafkaOutput, topic: String, count: Int, keys: Int, deliveries: TrackedDeliveries,
                         during disturb: (Int) throws -> Void = { _ in }) throws {
        var sequence = [Int](repeating: 0, count: keys)
        for index in 0..<count {
            try disturb(index)
            let key = index % keys
            sequence[key] += 1
            try output.send(OutgoingMessage(topic: topic, key: Array("k\(key)".utf8), value: Array("k\(key):\(sequence[key])".utf8),
                                            token: deliveries.tracker.nextToken()))
            if index % 100 == 99 { deliveries.tracker.endTransaction(at: index + 1) }
        }
    }

    /// Every message present, and each key's sequence non-decreasing by offset (strictly increasing when `exactlyOnce`).
    private func verify(_ messages: [ConsumedMessage], count: Int, keys: Int, exactlyOnce: Bool) {
        var perKey: [String: [Int]] = [:]
        for message in messages.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let parts = message.valueText.split(separator: ":")
            perKey[String(parts[0]), default: []].append(Int(parts[1])!)
        }
        #expect(perKey.count == keys)
        for (key, sequence) in perKey {
            let expected = Array(1...(count / keys))
            #expect(Set(sequence) == Set(expected), "\(key): nothing lost")
            if exactlyOnce {
                #expect(sequence == expected, "\(key): in order, no duplicates")
            } else {
                #expect(sequence == sequence.sorted(), "\(key): in order")
            }
        }
        if exactlyOnce { #expect(messages.count == count) } else { #expect(messages.count >= count) }
    }

    @Test(arguments: [DeliveryProfile.available, .idempotent])
    func retriableErrorsAndABrokerDownLoseNothing(profile: DeliveryProfile) throws {
        let cluster = try KafkaMockProcess.start(brokers: 3)
        defer { cluster.stop() }
        let topic = try cluster.newTopic("faults")
        let deliveries = TrackedDeliveries()
        let output = try KafkaOutput(
            configuration: KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: profile,
                                                    properties: ["linger.ms": "5", "retry.backoff.ms": "50"],
                                                    topic: try TopicTemplate(topic), producers: 2),
            pipeline: "faults", onDelivery: deliveries.onDelivery)
        try produce(output, topic: topic, count: 3000, keys: 30, deliveries: deliveries) { index in
            switch index {
            case 500: try cluster.control("request-errors 0 NOT_LEADER_FOR_PARTITION NOT_LEADER_FOR_PARTITION NOT_LEADER_FOR_PARTITION")
            case 1000: try cluster.control("request-errors 0 REQUEST_TIMED_OUT REQUEST_TIMED_OUT REQUEST_TIMED_OUT")
            case 1500: try cluster.control("broker-down 1")
            case 1600: Thread.sleep(forTimeInterval: 2)
            case 1601: try cluster.control("broker-up 1")
            default: break
            }
        }
        deliveries.tracker.endTransaction(at: 3000)
        #expect(output.flush(timeoutMilliseconds: 60_000) == 0)
        #expect(deliveries.waitUntilSettled())
        #expect(deliveries.tracker.failure == nil, "\(String(describing: deliveries.tracker.failure))")
        #expect(deliveries.tracker.checkpoint == 3000)
        let messages = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic)
        verify(messages, count: 3000, keys: 30, exactlyOnce: profile == .idempotent)
    }

    @Test func messageTooLargeFreezesTheCheckpointBeforeIt() throws {
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let topic = try cluster.newTopic("too-large", partitions: 1)
        let deliveries = TrackedDeliveries()
        let output = try KafkaOutput(
            configuration: KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .idempotent,
                                                    topic: try TopicTemplate(topic)),
            pipeline: "big", onDelivery: deliveries.onDelivery)
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("first".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 1)
        #expect(output.flush(timeoutMilliseconds: 10_000) == 0)
        #expect(deliveries.tracker.checkpoint == 1)

        try cluster.control("request-errors 0 MSG_SIZE_TOO_LARGE")
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("second".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 2)
        _ = output.flush(timeoutMilliseconds: 10_000)
        #expect(deliveries.waitUntilSettled())
        let failure = try #require(deliveries.tracker.failure)
        #expect(failure.message.contains(topic), "\(failure)")
        #expect(failure.message.lowercased().contains("too large"), "\(failure)")
        #expect(deliveries.tracker.checkpoint == 1, "the checkpoint stays before the failed message")

        // Later messages that succeed do not move the checkpoint past the failure.
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("third".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 3)
        _ = output.flush(timeoutMilliseconds: 10_000)
        #expect(deliveries.tracker.checkpoint == 1)
    }

    @Test func unknownTopicFailsWithTheTopicNamed() throws {
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let topic = "missing-\(UUID().uuidString.prefix(8).lowercased())"
        try cluster.control("topic-error \(topic) UNKNOWN_TOPIC_OR_PART")
        let deliveries = TrackedDeliveries()
        let output = try KafkaOutput(
            configuration: KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .idempotent,
                                                    properties: ["allow.auto.create.topics": "false",
                                                                 "topic.metadata.propagation.max.ms": "500",
                                                                 "message.timeout.ms": "5000"],
                                                    topic: try TopicTemplate(topic)),
            pipeline: "lost", onDelivery: deliveries.onDelivery)
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("x".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 1)
        _ = output.flush(timeoutMilliseconds: 15_000)
        #expect(deliveries.waitUntilSettled(seconds: 20))
        let failure = try #require(deliveries.tracker.failure)
        #expect(failure.message.contains(topic), "\(failure)")
        #expect(failure.message.lowercased().contains("unknown topic"), "\(failure)")
        #expect(deliveries.tracker.checkpoint == nil)
    }

    @Test func performanceProfileCountsFailuresAndGoesOn() throws {
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let topic = try cluster.newTopic("fast", partitions: 1)
        let deliveries = TrackedDeliveries(acceptsLoss: true)
        let output = try KafkaOutput(
            configuration: KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .performance,
                                                    topic: try TopicTemplate(topic)),
            pipeline: "fast", onDelivery: deliveries.onDelivery)
        try cluster.control("request-errors 0 REQUEST_TIMED_OUT")
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("lost".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 1)
        _ = output.flush(timeoutMilliseconds: 10_000)
        try output.send(OutgoingMessage(topic: topic, key: nil, value: Array("kept".utf8), token: deliveries.tracker.nextToken()))
        deliveries.tracker.endTransaction(at: 2)
        #expect(output.flush(timeoutMilliseconds: 10_000) == 0)
        #expect(deliveries.tracker.failedCount == 1, "retries=0: the first send is lost and counted")
        #expect(deliveries.tracker.failure == nil)
        #expect(deliveries.tracker.checkpoint == 2)
    }

    @Test func poolOfFourKeepsPerKeyOrderUnderLoad() throws {
        let cluster = try KafkaMockProcess.shared()
        let topic = try cluster.newTopic("pool", partitions: 6)
        let deliveries = TrackedDeliveries()
        let output = try KafkaOutput(
            configuration: KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .idempotent,
                                                    properties: ["linger.ms": "1"], topic: try TopicTemplate(topic), producers: 4),
            pipeline: "pool", onDelivery: deliveries.onDelivery)
        try produce(output, topic: topic, count: 20_000, keys: 100, deliveries: deliveries)
        deliveries.tracker.endTransaction(at: 20_000)
        #expect(output.flush(timeoutMilliseconds: 60_000) == 0)
        #expect(deliveries.waitUntilSettled())
        #expect(deliveries.tracker.checkpoint == 20_000)
        let messages = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic)
        verify(messages, count: 20_000, keys: 100, exactlyOnce: true)
        for (_, keyed) in Dictionary(grouping: messages, by: { $0.keyText ?? "" }) {
            #expect(Set(keyed.map(\.partition)).count == 1)
        }
    }
}
