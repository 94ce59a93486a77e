/// A record read back from a Kafka cluster (`KafkaTestConsumer`).
public struct ConsumedMessage: Sendable, Equatable {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: [UInt8]?
    public let value: [UInt8]
    public let headers: [Header]
    /// A tombstone: the record's value is null (`value` is then empty).
    public let hasNullValue: Bool

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [Header] = [],
                hasNullValue: Bool = false) {
        self.hasNullValue = hasNullValue
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: [UInt8]

        public init(name: String, value: [UInt8]) {
            self.name = name
            self.value = value
        }
    }

    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    public var valueText: String { String(decoding: value, as: UTF8.self) }

    /// The first header of that name, as text.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}
