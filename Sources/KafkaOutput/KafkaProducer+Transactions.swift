import CRdKafka

/// librdkafka's transactional producer API. Every call blocks (up to its timeout): call them from a
/// thread of the pipeline's own, never from Swift's cooperative pool.
extension KafkaProducer {
    /// How librdkafka classes a failed transactional call.
    public enum TransactionFailure: Error, Sendable, CustomStringConvertible {
        /// Try the same call again (a timeout, a coordinator moving).
        case retriable(String)
        /// Abort the transaction, then go on from the last committed position.
        case abortable(String)
        /// Another producer with the same `transactional.id` took over.
        case fenced(String)
        /// The producer cannot go on (an unsupported broker, an authorization failure, …).
        case fatal(String)

        public var description: String {
            switch self {
            case let .retriable(text), let .abortable(text), let .fenced(text), let .fatal(text): return text
            }
        }
    }

    /// Registers the `transactional.id` with its coordinator: fences any earlier producer with the same id
    /// and completes what it left (an open transaction is aborted, one being committed finishes).
    public func initTransactions(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check(rd_kafka_init_transactions(client.handle, timeoutMilliseconds), "init_transactions")
    }

    public func beginTransaction() throws(TransactionFailure) {
        try check(rd_kafka_begin_transaction(client.handle), "begin_transaction")
    }

    /// Delivers every message produced in the transaction, then commits it.
    public func commitTransaction(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check(rd_kafka_commit_transaction(client.handle, timeoutMilliseconds), "commit_transaction")
    }

    public func abortTransaction(timeoutMilliseconds: Int32) throws(TransactionFailure) {
        try check(rd_kafka_abort_transaction(client.handle, timeoutMilliseconds), "abort_transaction")
    }

    /// The producer's fatal error, if one was raised: its code and text.
    public var fatalError: (code: Int32, text: String)? {
        var text = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(client.handle, &text, text.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return (code.rawValue, String(decodingCString: text))
    }

    /// Whether a fatal error code means a newer producer with the same `transactional.id` took over.
    static func isFencing(_ code: Int32) -> Bool {
        code == RD_KAFKA_RESP_ERR__FENCED.rawValue || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED.rawValue
            || code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH.rawValue
    }

    private func check(_ error: OpaquePointer?, _ call: String) throws(TransactionFailure) {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        let text = "\(call): \(String(cString: rd_kafka_error_string(error)))"
        if rd_kafka_error_is_fatal(error) != 0 {
            let code = fatalError?.code ?? rd_kafka_error_code(error).rawValue
            throw Self.isFencing(code) ? .fenced(text) : .fatal(text)
        }
        if rd_kafka_error_txn_requires_abort(error) != 0 { throw .abortable(text) }
        if rd_kafka_error_is_retriable(error) != 0 { throw .retriable(text) }
        // Neither flag: librdkafka's advice is to treat it as fatal; a fencing code still says who took over.
        let code = rd_kafka_error_code(error).rawValue
        throw Self.isFencing(code) ? .fenced(text) : .fatal(text)
    }
}
