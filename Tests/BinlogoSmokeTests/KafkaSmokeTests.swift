import Testing
import Foundation
import Synchronization
import KafkaOutput
import TestBench

/// librdkafka driven from Swift against the mock cluster over TCP: what is produced is consumed back
/// with its key, value, headers and per-key partition.
@Suite struct KafkaSmokeTests {
    @Test func producedMessagesAreConsumedBackWithKeysHeadersAndOrder() throws {
        let cluster = try KafkaMockProcess.shared()
        let topic = "smoke-\(UUID().uuidString.prefix(8))"
        try cluster.control("create-topic \(topic) 3 1")

        let reports = Mutex<[KafkaDeliveryReport]>([])
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "acks": "all", "linger.ms": "5"]),
            onDelivery: { report in reports.withLock { $0.append(report) } })
        let count = 200
        for index in 0..<count {
            try producer.produce(
                topic: topic, key: Array("key-\(index % 7)".utf8), value: Array("value-\(index)".utf8),
                headers: [("index", Array(String(index).utf8))], token: UInt64(index))
        }
        #expect(producer.flush(timeoutMilliseconds: 10_000) == 0)

        let delivered = reports.withLock { $0 }
        #expect(delivered.count == count)
        #expect(delivered.allSatisfy { $0.error == nil && $0.topic == topic })
        #expect(Set(delivered.map(\.token)) == Set((0..<count).map(UInt64.init)))

        let messages = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic)
        #expect(messages.count == count)
        #expect(Set(messages.map(\.valueText)) == Set((0..<count).map { "value-\($0)" }))
        for message in messages {
            let index = try #require(message.header("index").flatMap { Int($0) })
            #expect(message.valueText == "value-\(index)")
            #expect(message.keyText == "key-\(index % 7)")
        }
        // One partition per key, and the key's messages in produce order there.
        let byKey = Dictionary(grouping: messages) { $0.keyText ?? "" }
        #expect(byKey.count == 7)
        for (_, keyed) in byKey {
            #expect(Set(keyed.map(\.partition)).count == 1)
            let indexes = keyed.sorted { $0.offset < $1.offset }.compactMap { $0.header("index").flatMap { Int($0) } }
            #expect(indexes == indexes.sorted())
        }
        // The report's partition and offset are where the message landed.
        let landed = Dictionary(uniqueKeysWithValues: messages.map { ($0.header("index")!, ($0.partition, $0.offset)) })
        for report in delivered {
            let place = try #require(landed[String(report.token)])
            #expect(place.0 == report.partition && place.1 == report.offset)
        }
    }
}
