import KafkaOutput
import Logging
import Metrics
import MySQLSource

/// What a pipeline does with each message's fate and with librdkafka's own log lines: counts them
/// (`binlogo_messages_acknowledged_total`, `…_failed_total`, `…_refused_total`), samples the
/// acknowledgement latency, feeds the delivery tracker, and logs failures and librdkafka's lines
/// through the daemon's logger, summarised when they repeat.
final class DeliveryReporter: Sendable {
    private let deliveries: DeliveryTracker<SourcePosition>
    private let latency: AckLatencySampler
    private let logger: Logger
    private let kafkaLogger: Logger
    private let summarizer: RepeatedLogSummarizer
    private let acknowledged: Counter
    private let failed: Counter
    private let refused: Counter
    /// What a failed message means for the pipeline, for the log.
    private let failureOutcome: String

    /// - Parameter transactional: the `exactly_once` profile, where a failed message aborts the Kafka transaction.
    init(deliveries: DeliveryTracker<SourcePosition>, pipeline: String, latency: AckLatencySampler, logger: Logger,
         summarizer: RepeatedLogSummarizer, transactional: Bool = false) {
        self.failureOutcome = transactional
            ? "message failed for good; its Kafka transaction is aborted and the pipeline goes back to its last committed position"
            : "message failed for good; the pipeline stops"
        self.deliveries = deliveries
        self.latency = latency
        self.logger = logger
        var kafkaLogger = Logger(label: "librdkafka")
        kafkaLogger.handler.metadata = logger.handler.metadata
        self.kafkaLogger = kafkaLogger
        self.summarizer = summarizer
        acknowledged = Counter(label: "binlogo_messages_acknowledged_total", dimensions: [("pipeline", pipeline)])
        failed = Counter(label: "binlogo_messages_failed_total", dimensions: [("pipeline", pipeline)])
        refused = Counter(label: "binlogo_messages_refused_total", dimensions: [("pipeline", pipeline)])
    }

    /// For `KafkaOutput`'s and `StandardOutputOutput`'s `onDelivery`.
    var onDelivery: @Sendable (UInt64, KafkaError?) -> Void {
        { [self] token, error in delivered(token, error) }
    }

    /// For `KafkaOutput`'s `onLog`.
    var onKafkaLog: @Sendable (KafkaLogMessage) -> Void {
        { [self] message in kafkaLog(message) }
    }

    private func delivered(_ token: UInt64, _ error: KafkaError?) {
        guard let error else {
            acknowledged.increment()
            latency.acknowledged(token)
            return deliveries.acknowledge(token)
        }
        let isRefusal: Bool
        if case .refused = error.kind { isRefusal = true } else { isRefusal = false }
        if isRefusal { refused.increment() } else { failed.increment() }
        if deliveries.fail(token, error) {
            logger.error("\(failureOutcome)", metadata: ["error": "\(error)"])
        } else if isRefusal {
            summarizer.log(.warning, "message refused by librdkafka and skipped (performance profile)", metadata: ["error": "\(error)"],
                           key: "refused \(error.kind)", to: logger)
        } else {
            summarizer.log(.warning, "message lost (performance profile)", metadata: ["error": "\(error)"], key: "lost \(error.kind)", to: logger)
        }
    }

    private func kafkaLog(_ message: KafkaLogMessage) {
        let level: Logger.Level
        switch message.severity {
        case ...2: level = .critical
        case 3: level = .error
        case 4: level = .warning
        case 5: level = .notice
        case 6: level = .info
        default: level = .debug
        }
        guard kafkaLogger.logLevel <= level else { return }
        var metadata: Logger.Metadata = ["facility": .string(message.facility)]
        if let code = message.code { metadata["code"] = .stringConvertible(Int(code)) }
        // Lines that differ only in numbers (ports, milliseconds, counts) are one kind.
        let key = "kafka \(message.facility) " + String(message.text.unicodeScalars.filter { !("0"..."9").contains($0) })
        summarizer.log(level, message.text, metadata: metadata, key: key, to: kafkaLogger)
    }
}
