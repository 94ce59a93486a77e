import CRdKafka

/// An error from librdkafka or from binlogo's use of it.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A configuration property was rejected; the message names it.
        case configuration
        /// The local producer queue is full: poll for delivery reports and try again.
        case queueFull
        /// The output was told to give up sending (a stop's deadline passed).
        case stopped
        /// librdkafka reported an error with this code (`rd_kafka_resp_err_t`).
        case librdkafka(code: Int32)
        /// librdkafka refused a message when it was produced (too large, unknown partition …), with this code.
        case refused(code: Int32)
        /// Another producer with the same `transactional.id` took over: this one can never send again.
        case fenced
        /// The Kafka transaction had to be aborted (a message failed, a broker lost its state): nothing of
        /// it is visible to read_committed consumers, and the pipeline goes on from the last committed position.
        case transactionAborted
    }

    public let kind: Kind
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    init(code: rd_kafka_resp_err_t, context: String) {
        let text = String(cString: rd_kafka_err2str(code))
        if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            self.init(kind: .queueFull, message: "\(context): \(text)")
        } else {
            self.init(kind: .librdkafka(code: code.rawValue), message: "\(context): \(text)")
        }
    }

    public var description: String { message }
}
