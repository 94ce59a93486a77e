import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Real changes from the sandbox server, routed and produced with each delivery profile to the mock
/// cluster over TCP, arrive with their topic, key, partition per key, headers and JSON value.
@Suite struct DeliveryProfileTests {
    /// `exactly_once` has tests of its own, against a broker with transactions (ExactlyOnceOutputTests).
    @Test(arguments: DeliveryProfile.allCases.filter { $0 != .exactlyOnce })
    func routedChangesArriveIntact(profile: DeliveryProfile) throws {
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "kafka_\(profile.rawValue)")
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))")
        for id in 1...30 { try connection.execute("INSERT INTO items VALUES (\(id), 'item \(id) ü', \(id).50)") }
        try connection.execute("UPDATE items SET price = price + 1 WHERE id % 3 = 0")
        try connection.execute("DELETE FROM items WHERE id % 5 = 0")
        let changes = try SandboxChanges.read(database, from: start).filter { if case .row = $0 { true } else { false } }
        #expect(changes.count == 30 + 10 + 6)

        let topic = "binlogo.\(database.name).items"
        try cluster.control("create-topic \(topic) 3 1")
        let configuration = KafkaOutputConfiguration(
            brokers: [cluster.bootstrapServers], profile: profile, properties: ["linger.ms": "2"],
            topic: try TopicTemplate("binlogo.{database}.{table}"), key: .primaryKey)
        let deliveries = TrackedDeliveries(acceptsLoss: !profile.failureStopsPipeline)
        let output = try KafkaOutput(configuration: configuration, pipeline: "shop", onDelivery: deliveries.onDelivery)
        let router = ChangeRouter(pipeline: "shop", topic: configuration.topic, key: configuration.key, headers: true,
                                  context: MessageContext(pipelineName: "shop"))
        var sent: [OutgoingMessage] = []
        for change in changes {
            try router.messages(for: change, token: deliveries.tracker.nextToken, into: &sent)
        }
        for message in sent { try output.send(message) }
        deliveries.tracker.endTransaction(at: 1)
        #expect(output.flush(timeoutMilliseconds: 10_000) == 0)
        #expect(deliveries.waitUntilSettled())
        #expect(deliveries.tracker.checkpoint == 1)
        #expect(deliveries.reportedErrors.isEmpty)

        let received = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic)
        #expect(received.count == sent.count)
        #expect(Set(received.map(\.valueText)) == Set(sent.map { String(decoding: $0.value, as: UTF8.self) }))
        for message in received {
            let value = try JSONSerialization.jsonObject(with: Data(message.value)) as! [String: Any]
            let head = value["head"] as! [String: Any]
            let id = (head["primary_key"] as! [String: Any])["id"] as! Int
            #expect(message.keyText == "{\"database\":\"\(database.name)\",\"table\":\"items\",\"primary_key\":{\"id\":\(id)}}")
            #expect(message.header("pipeline") == "shop")
            #expect(message.header("database") == database.name)
            #expect(message.header("table") == "items")
            #expect(message.header("type") == head["type"] as? String)
            #expect(message.header("gtid")?.isEmpty == false)
            #expect(message.header("position")?.hasPrefix(start.file) == true)
        }
        // Each key in one partition, its changes in the order they happened (insert, update, delete).
        for (key, messages) in Dictionary(grouping: received, by: { $0.keyText ?? "" }) {
            #expect(Set(messages.map(\.partition)).count == 1, "\(key)")
            let types = messages.sorted { $0.offset < $1.offset }.compactMap { $0.header("type") }
            let expected = sent.filter { String(decoding: $0.key ?? [], as: UTF8.self) == key }
                .compactMap { message in message.headers.first { $0.0 == "type" }.map { String(decoding: $0.1, as: UTF8.self) } }
            #expect(types == expected, "\(key)")
        }
    }

    @Test func invalidPropertiesAreRejectedWithTheirName() throws {
        for (properties, expected) in [(["acks": "sometimes"], "acks"), (["no.such.property": "1"], "no.such.property"),
                                       (["linger.ms": "-5"], "linger.ms")] {
            let configuration = KafkaOutputConfiguration(brokers: ["127.0.0.1:9"], properties: properties,
                                                         topic: try TopicTemplate())
            let error = try #require(throws: KafkaError.self) { try configuration.validate(pipeline: "shop") }
            #expect(error.kind == .configuration)
            #expect(error.message.contains("pipeline shop") && error.message.contains("Kafka property \(expected)"), "\(error)")
        }
        #expect(throws: TopicTemplate.Invalid.self) { try TopicTemplate("binlogo.{schema}") }
        #expect(throws: MessageKeyMode.Invalid.self) { try MessageKeyMode(parsing: "column:") }
        #expect(try MessageKeyMode(parsing: "column:sku") == .column("sku"))
    }

    @Test func profilesSetTheirTradeOffAndPropertiesOverride() {
        let idempotent = KafkaOutputConfiguration(brokers: ["a:1", "b:2"], properties: ["compression.type": "zstd"],
                                                  topic: try! TopicTemplate()).librdkafkaProperties
        #expect(idempotent["enable.idempotence"] == "true" && idempotent["acks"] == "all")
        #expect(Int(idempotent["retries"] ?? "0")! >= 3)
        #expect(idempotent["compression.type"] == "zstd")
        #expect(idempotent["bootstrap.servers"] == "a:1,b:2")
        let performance = DeliveryProfile.performance.properties
        #expect(performance == ["acks": "1", "enable.idempotence": "false", "compression.type": "snappy", "retries": "0"])
        let available = DeliveryProfile.available.properties
        #expect(available["acks"] == "all" && available["enable.idempotence"] == "false" && Int(available["retries"]!)! >= 3)
    }

    @Test func librdkafkaBufferIsCappedUnderEveryProfileAndFitsTheLargestMessage() throws {
        for profile in DeliveryProfile.allCases {
            let properties = KafkaOutputConfiguration(brokers: ["a:1"], profile: profile, topic: try TopicTemplate()).librdkafkaProperties
            #expect(properties["queue.buffering.max.kbytes"] == "16384" && properties["queue.buffering.max.messages"] == "50000")
        }
        let explicit = KafkaOutputConfiguration(brokers: ["a:1"], properties: ["queue.buffering.max.kbytes": "4096"],
                                                topic: try TopicTemplate()).librdkafkaProperties
        #expect(explicit["queue.buffering.max.kbytes"] == "4096")
        let large = KafkaOutputConfiguration(brokers: ["a:1"], properties: ["message.max.bytes": "67108864"],
                                             topic: try TopicTemplate())
        #expect(large.librdkafkaProperties["queue.buffering.max.kbytes"] == "65537")
        try large.validate(pipeline: "shop")
    }
}
