import CRdKafka

/// One pipeline's Kafka settings.
public struct KafkaOutputConfiguration: Sendable, Equatable {
    public var brokers: [String]
    public var clientID: String
    public var profile: DeliveryProfile
    /// librdkafka properties that override the profile's (compression.type, linger.ms, SASL/SSL, …).
    public var properties: [String: String]
    public var topic: TopicTemplate
    public var key: MessageKeyMode
    /// Whether messages carry pipeline, database, table, type, position and gtid headers.
    public var headers: Bool
    /// How many librdkafka producers the pipeline uses; a message's key picks one, so per-key order holds.
    public var producers: Int

    public init(brokers: [String], clientID: String = "binlogo", profile: DeliveryProfile = .idempotent,
                properties: [String: String] = [:], topic: TopicTemplate, key: MessageKeyMode = .primaryKey,
                headers: Bool = true, producers: Int = 1) {
        self.brokers = brokers
        self.clientID = clientID
        self.profile = profile
        self.properties = properties
        self.topic = topic
        self.key = key
        self.headers = headers
        self.producers = producers
    }

    /// Under every profile: librdkafka's own buffer of produced, unacknowledged messages, behind the
    /// pipeline's bounded queue, capped at 16 MiB of payload and 50,000 messages (librdkafka's defaults,
    /// 1 GiB and 100,000, let a large transaction through a slow Kafka take 190 MiB of RSS, ~1.3 KiB per
    /// message with its headers; with these caps it peaks near 105 MiB, at the same throughput).
    public static let bufferKilobytes = 16384
    public static let bufferProperties = ["queue.buffering.max.kbytes": String(bufferKilobytes), "queue.buffering.max.messages": "50000"]

    /// The buffer caps, the profile's properties, the brokers and client id, then the explicit properties on top.
    public var librdkafkaProperties: KafkaProperties {
        var values = Self.bufferProperties
        for (name, value) in profile.properties { values[name] = value }
        values["bootstrap.servers"] = brokers.joined(separator: ",")
        values["client.id"] = clientID
        for (name, value) in properties { values[name] = value }
        // A message larger than the buffer would never fit in it: the buffer grows with a raised message.max.bytes.
        if properties["queue.buffering.max.kbytes"] == nil, let largest = properties["message.max.bytes"].flatMap({ Int($0) }),
           largest / 1024 + 1 > Self.bufferKilobytes {
            values["queue.buffering.max.kbytes"] = String(largest / 1024 + 1)
        }
        return KafkaProperties(values)
    }

    /// Checks every property with librdkafka itself, without connecting; the error names the pipeline and the property.
    public func validate(pipeline: String) throws(KafkaError) {
        guard !brokers.isEmpty else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): output.kafka.brokers is empty: list at least one host:port")
        }
        guard (1...64).contains(producers) else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): output.kafka.producers is \(producers): use 1 to 64")
        }
        do {
            let conf = try librdkafkaProperties.makeConf()
            rd_kafka_conf_destroy(conf)
        } catch {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): \(error.message)")
        }
    }
}
