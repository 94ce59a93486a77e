/// How the `exactly_once` profile groups messages into Kafka transactions and where it keeps positions.
///
/// A Kafka transaction ends only where the source may resume (the end of a MySQL transaction, or a row
/// inside a large one), once `commitIntervalMilliseconds` passed since it began or it holds
/// `maximumMessages` messages or `maximumBytes` bytes. Its last record is the pipeline's position in the
/// positions topic, so the messages and the position become visible together or not at all.
public struct KafkaTransactionSettings: Sendable, Equatable {
    /// librdkafka's `transactional.id`; the same for every run of the pipeline, on any host, so that a new
    /// run fences the old one and aborts what it left open.
    public var transactionalID: String
    public var commitIntervalMilliseconds: Int
    public var maximumMessages: Int
    public var maximumBytes: Int
    /// The compacted topic that holds each pipeline's last committed position, keyed by pipeline name.
    public var positionsTopic: String

    public static let defaultPositionsTopic = "binlogo.positions"

    public init(transactionalID: String, commitIntervalMilliseconds: Int = 100, maximumMessages: Int = 10_000,
                maximumBytes: Int = 32 << 20, positionsTopic: String = Self.defaultPositionsTopic) {
        self.transactionalID = transactionalID
        self.commitIntervalMilliseconds = commitIntervalMilliseconds
        self.maximumMessages = maximumMessages
        self.maximumBytes = maximumBytes
        self.positionsTopic = positionsTopic
    }

    /// The default `transactional.id` of a pipeline: stable across restarts and hosts.
    public static func defaultTransactionalID(pipeline: String) -> String { "binlogo-\(pipeline)" }

    /// librdkafka's own default `transaction.timeout.ms`.
    public static let defaultTransactionTimeoutMilliseconds = 60_000
}
