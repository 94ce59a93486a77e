import CRdKafka

/// librdkafka configuration properties (`bootstrap.servers`, `acks`, …), checked by librdkafka itself.
public struct KafkaProperties: Sendable, Equatable {
    public var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// A new `rd_kafka_conf_t` with every property set; a rejected property becomes an error naming it.
    func makeConf() throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(kind: .configuration,
                                 message: "Kafka property \(name): \(String(decodingCString: errorText))")
            }
        }
        return conf
    }
}

extension String {
    /// Text from a NUL-terminated C buffer such as librdkafka's `errstr`.
    init(decodingCString buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
