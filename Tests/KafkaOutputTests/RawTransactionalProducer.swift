import CRdKafka
import Foundation
import TestBench

/// A transactional librdkafka producer driven by plain C calls, independent of binlogo's own
/// producer: what the tests of the transactional broker use to write committed, aborted and open
/// records. Every record goes to partition 0, so a topic's records keep their write order.
///
/// Sendable: it holds only constants, and librdkafka's handle may be used from any thread.
final class RawTransactionalProducer: @unchecked Sendable {
    private let handle: OpaquePointer
    let transactionalID: String

    /// Creates the producer and runs `init_transactions` (which fences an older producer of the same id).
    init(bootstrapServers: String, transactionalID: String) throws {
        self.transactionalID = transactionalID
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        let properties = [
            "bootstrap.servers": bootstrapServers,
            "transactional.id": transactionalID,
            // A fenced producer logs its fatal error; the tests check it through the calls' results.
            "log_level": "0",
        ]
        for (name, value) in properties where rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
            throw TestBenchError("producer property \(name): \(Self.text(errorText))")
        }
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            throw TestBenchError("cannot create a producer: \(Self.text(errorText))")
        }
        self.handle = handle
        try Self.check("init_transactions", rd_kafka_init_transactions(handle, 30_000))
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    func beginTransaction() throws {
        try Self.check("begin_transaction", rd_kafka_begin_transaction(handle))
    }

    /// Produces `values` in order to partition 0 of `topic` and waits until the broker has them
    /// (inside the open transaction: an abort then has records to abort).
    func produce(topic: String, values: [String]) throws {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else { throw TestBenchError("cannot open topic \(topic)") }
        defer { rd_kafka_topic_destroy(topicHandle) }
        for value in values {
            var bytes = Array(value.utf8)
            let result = crdkafka_produce(handle, topicHandle, 0, nil, 0, &bytes, bytes.count, nil, nil)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw TestBenchError("produce to \(topic): \(String(cString: rd_kafka_err2str(result)))")
            }
        }
        let flushed = rd_kafka_flush(handle, 30_000)
        guard flushed == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw TestBenchError("flush to \(topic): \(String(cString: rd_kafka_err2str(flushed)))")
        }
    }

    func commitTransaction() throws {
        try Self.check("commit_transaction", rd_kafka_commit_transaction(handle, 30_000))
    }

    func abortTransaction() throws {
        try Self.check("abort_transaction", rd_kafka_abort_transaction(handle, 30_000))
    }

    /// `commit_transaction`'s error as librdkafka reports it, nil when the commit succeeded.
    func commitFailure() -> (code: rd_kafka_resp_err_t, isFatal: Bool, text: String)? {
        guard let error = rd_kafka_commit_transaction(handle, 30_000) else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return (rd_kafka_error_code(error), rd_kafka_error_is_fatal(error) != 0, String(cString: rd_kafka_error_string(error)))
    }

    /// The producer's fatal error (`rd_kafka_fatal_error`), RD_KAFKA_RESP_ERR_NO_ERROR when it has none.
    var fatalError: rd_kafka_resp_err_t {
        var text = [CChar](repeating: 0, count: 512)
        return rd_kafka_fatal_error(handle, &text, text.count)
    }

    private static func check(_ call: String, _ error: OpaquePointer?) throws {
        guard let error else { return }
        defer { rd_kafka_error_destroy(error) }
        throw TestBenchError("\(call): \(String(cString: rd_kafka_error_string(error)))")
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
