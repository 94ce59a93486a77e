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
    /// The `exactly_once` profile's transactions; nil takes the defaults (`transactions(pipeline:)`).
    public var transactions: KafkaTransactionSettings?

    public init(brokers: [String], clientID: String = "binlogo", profile: DeliveryProfile = .idempotent,
                properties: [String: String] = [:], topic: TopicTemplate, key: MessageKeyMode = .primaryKey,
                headers: Bool = true, producers: Int = 1, transactions: KafkaTransactionSettings? = nil) {
        self.brokers = brokers
        self.clientID = clientID
        self.profile = profile
        self.properties = properties
        self.topic = topic
        self.key = key
        self.headers = headers
        self.producers = producers
        self.transactions = transactions
    }

    /// The transaction settings of the `exactly_once` profile, with the pipeline's default `transactional.id`.
    public func transactions(pipeline: String) -> KafkaTransactionSettings {
        transactions ?? KafkaTransactionSettings(transactionalID: KafkaTransactionSettings.defaultTransactionalID(pipeline: pipeline))
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

    /// The properties of a pipeline's producers: under `exactly_once`, with its `transactional.id`, and a
    /// `message.timeout.ms` below `transaction.timeout.ms` (a message that cannot be delivered fails with its
    /// own error before the broker times the transaction out) unless one is given.
    public func librdkafkaProperties(pipeline: String) -> KafkaProperties {
        var values = librdkafkaProperties
        guard profile == .exactlyOnce else { return values }
        values["transactional.id"] = transactions(pipeline: pipeline).transactionalID
        if properties["message.timeout.ms"] == nil, properties["delivery.timeout.ms"] == nil {
            values["message.timeout.ms"] = String(transactionTimeoutMilliseconds * 9 / 10)
        }
        return values
    }

    /// `transaction.timeout.ms` as given, else librdkafka's default.
    var transactionTimeoutMilliseconds: Int {
        properties["transaction.timeout.ms"].flatMap { Int($0) } ?? KafkaTransactionSettings.defaultTransactionTimeoutMilliseconds
    }

    /// Checks every property with librdkafka itself, without connecting; the error names the pipeline and the property.
    public func validate(pipeline: String) throws(KafkaError) {
        try validateTransactions(pipeline: pipeline)
        guard !brokers.isEmpty else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): output.kafka.brokers is empty: list at least one host:port")
        }
        guard (1...64).contains(producers) else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): output.kafka.producers is \(producers): use 1 to 64")
        }
        do {
            let conf = try librdkafkaProperties(pipeline: pipeline).makeConf()
            rd_kafka_conf_destroy(conf)
        } catch {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): \(error.message)")
        }
    }

    /// The rules of the `exactly_once` profile, each broken one named with its fix.
    private func validateTransactions(pipeline: String) throws(KafkaError) {
        func refuse(_ text: String) -> KafkaError { KafkaError(kind: .configuration, message: "pipeline \(pipeline): \(text)") }
        guard profile == .exactlyOnce else {
            if properties["transactional.id"] != nil {
                throw refuse("output.kafka.properties sets transactional.id: for transactions use profile: exactly_once (its id is output.kafka.transactions.id)")
            }
            if transactions != nil {
                throw refuse("output.kafka.transactions is set but the profile is \(profile.rawValue): use profile: exactly_once, or remove transactions")
            }
            return
        }
        if properties["transactional.id"] != nil {
            throw refuse("output.kafka.properties sets transactional.id: under exactly_once give it as output.kafka.transactions.id")
        }
        guard producers == 1 else {
            throw refuse("output.kafka.producers is \(producers): the exactly_once profile uses one transactional producer; remove producers or set it to 1")
        }
        let timeout = transactionTimeoutMilliseconds
        for name in ["message.timeout.ms", "delivery.timeout.ms"] {
            if let given = properties[name].flatMap({ Int($0) }), given >= timeout {
                throw refuse("output.kafka.properties \(name) is \(given) but must be below transaction.timeout.ms (\(timeout)) under exactly_once: lower \(name), or raise transaction.timeout.ms (at most the brokers' transaction.max.timeout.ms, 900000 by default)")
            }
        }
        let settings = transactions(pipeline: pipeline)
        if settings.commitIntervalMilliseconds * 2 > timeout {
            throw refuse("output.kafka.transactions.commit_interval_ms is \(settings.commitIntervalMilliseconds) but must be at most half of transaction.timeout.ms (\(timeout)): lower it, or raise transaction.timeout.ms in output.kafka.properties")
        }
    }
}
