/// The four producer presets: each sets the librdkafka properties for one trade-off between speed
/// and safety. Properties given explicitly override the preset's.
public enum DeliveryProfile: String, Sendable, Equatable, CaseIterable {
    /// Fastest: the leader's ack only, no retries, snappy. A leader failing before it replicates loses
    /// messages, and a failed send is counted and logged, not retried: the operator accepted the risk.
    case performance
    /// Survives leader failover: all in-sync replicas ack, retries on, one request in flight per
    /// connection so retries cannot reorder a key's messages. A retry may duplicate a message.
    case available
    /// No loss and no duplicates from producer retries within a partition: the idempotent producer.
    /// A crash still repeats what was sent after the last checkpoint.
    case idempotent
    /// Nothing lost and nothing repeated, crashes included, for consumers that read committed records
    /// only: one transactional producer whose Kafka transactions carry the binlog position with them
    /// (`KafkaTransactionSettings`).
    case exactlyOnce = "exactly_once"

    /// The librdkafka properties of the preset.
    public var properties: [String: String] {
        switch self {
        case .performance:
            return ["acks": "1", "enable.idempotence": "false", "compression.type": "snappy", "retries": "0"]
        case .available:
            return ["acks": "all", "enable.idempotence": "false", "retries": "10",
                    "max.in.flight.requests.per.connection": "1"]
        case .idempotent, .exactlyOnce:
            return ["acks": "all", "enable.idempotence": "true", "retries": "10"]
        }
    }

    /// Whether a message that failed for good stops the pipeline (it does, except with `performance`).
    public var failureStopsPipeline: Bool { self != .performance }
}
