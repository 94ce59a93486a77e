/// What librdkafka reports once a produced message is acknowledged or has failed for good.
public struct KafkaDeliveryReport: Sendable {
    /// The token given to `KafkaProducer.produce`.
    public let token: UInt64
    public let topic: String
    public let partition: Int32
    /// The message's offset in its partition, when acknowledged.
    public let offset: Int64
    /// nil when Kafka acknowledged the message.
    public let error: KafkaError?
}
