import CRdKafka
import Foundation

/// Reads topics back from a Kafka cluster for assertions: every partition from the beginning
/// up to its end at the time of the call, through a plain librdkafka consumer.
///
/// The end is the high watermark under `.readUncommitted` and the last stable offset (where the
/// oldest open transaction begins) under `.readCommitted`, which also hides the records of aborted
/// transactions. A transactional topic's last offsets may hold commit and abort markers, which are
/// never delivered: a partition counts as read when the consumer reports it reached the partition's
/// end, not when a message at the last offset arrives.
public final class KafkaTestConsumer {
    /// Which records of transactions the consumer sees (librdkafka's `isolation.level`).
    public enum IsolationLevel: String, Sendable {
        /// Only committed records; the end of a partition is its last stable offset.
        case readCommitted = "read_committed"
        /// Every record, aborted and still open ones too; the end of a partition is its high watermark.
        case readUncommitted = "read_uncommitted"
    }

    private let handle: OpaquePointer
    public let isolationLevel: IsolationLevel

    /// - Parameter isolationLevel: `.readCommitted` (librdkafka's default, what every reader used
    ///   before transactions were tested) unless a test must see aborted or open records.
    public init(bootstrapServers: String, isolationLevel: IsolationLevel = .readCommitted) throws {
        self.isolationLevel = isolationLevel
        let conf = rd_kafka_conf_new()
        var errorText = [CChar](repeating: 0, count: 512)
        let properties = [
            "bootstrap.servers": bootstrapServers,
            "group.id": "binlogo-test-\(UUID().uuidString)",
            "enable.auto.commit": "false",
            // readAll ends a partition at the end-of-partition event, which also comes after control records.
            "enable.partition.eof": "true",
            "isolation.level": isolationLevel.rawValue,
            // Small fetches for brokers that honour them; noida-db answers a fetch with everything it holds
            // from the fetch offset on, whatever the fetch asked for, hence responses of any size.
            "fetch.max.bytes": "1048576",
            "max.partition.fetch.bytes": "1048576",
            "receive.message.max.bytes": "2147483647",
            "log_level": "3",
        ]
        for (name, value) in properties where rd_kafka_conf_set(conf, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
            throw TestBenchError("consumer property \(name): \(Self.text(errorText))")
        }
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText, errorText.count) else {
            throw TestBenchError("cannot create a consumer: \(Self.text(errorText))")
        }
        self.handle = handle
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        rd_kafka_consumer_close(handle)
        rd_kafka_destroy(handle)
    }

    /// The topic's partition ids, from a metadata request (which also creates the topic if the cluster auto-creates).
    public func partitions(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws -> [Int32] {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw TestBenchError("cannot open topic \(topic)")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw TestBenchError("metadata for \(topic): \(String(cString: rd_kafka_err2str(result)))")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1 else { throw TestBenchError("no metadata for topic \(topic)") }
        let topicMetadata = metadata.pointee.topics[0]
        guard topicMetadata.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw TestBenchError("topic \(topic): \(String(cString: rd_kafka_err2str(topicMetadata.err)))")
        }
        return (0..<Int(topicMetadata.partition_cnt)).map { topicMetadata.partitions[$0].id }
    }

    /// How many offsets the topic's partitions span now (the sum of their watermark spans), without reading
    /// them: the number of messages on a topic without transactions; on a transactional one it also counts
    /// commit and abort markers (and, under `.readUncommitted`, aborted and open records).
    public func messageCount(topic: String) throws -> Int {
        try watermarks(topic: topic).reduce(0) { $0 + Int($1.high - $1.low) }
    }

    /// Whether the cluster dropped a partition's oldest messages (the mock keeps 5 MiB per partition).
    public func droppedMessages(topic: String) throws -> Bool {
        try watermarks(topic: topic).contains { $0.low > 0 }
    }

    /// Where each partition of the topic ends now for this consumer: its high watermark under
    /// `.readUncommitted`, its last stable offset under `.readCommitted` (the broker answers with the
    /// consumer's isolation level).
    public func endOffsets(topic: String, timeoutMilliseconds: Int32 = 10_000) throws -> [Int32: Int64] {
        Dictionary(uniqueKeysWithValues: try watermarks(topic: topic, timeoutMilliseconds: timeoutMilliseconds)
            .map { ($0.partition, $0.high) })
    }

    private func watermarks(topic: String, timeoutMilliseconds: Int32 = 10_000) throws -> [(partition: Int32, low: Int64, high: Int64)] {
        try partitions(of: topic, timeoutMilliseconds: timeoutMilliseconds).map { partition in
            var low: Int64 = 0, high: Int64 = 0
            let result = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeoutMilliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw TestBenchError("watermarks of \(topic) [\(partition)]: \(String(cString: rd_kafka_err2str(result)))")
            }
            return (partition, low, high)
        }
    }

    /// Every message now in the topic that this consumer's isolation level shows, ordered by partition
    /// then offset: each partition is read from its beginning until the consumer reaches the end the
    /// partition had at the time of the call (see the type's comment).
    public func readAll(topic: String, timeoutSeconds: Double = 30) throws -> [ConsumedMessage] {
        var remaining: [Int32: Int64] = [:]  // partition -> end offset still to reach
        for (partition, low, high) in try watermarks(topic: topic) where high > low {
            remaining[partition] = high
        }
        if remaining.isEmpty { return [] }

        let assignment = rd_kafka_topic_partition_list_new(Int32(remaining.count))
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        for partition in remaining.keys {
            rd_kafka_topic_partition_list_add(assignment, topic, partition).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        let assigned = rd_kafka_assign(handle, assignment)
        guard assigned == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw TestBenchError("assign \(topic): \(String(cString: rd_kafka_err2str(assigned)))")
        }
        defer { rd_kafka_assign(handle, nil) }

        var messages: [ConsumedMessage] = []
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        while !remaining.isEmpty {
            guard Date() < deadline else {
                throw TestBenchError("timed out reading \(topic): partitions \(remaining.keys.sorted()) not read to their end")
            }
            guard let message = rd_kafka_consumer_poll(handle, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let pointee = message.pointee
            switch pointee.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                messages.append(Self.convert(message))
                // The message at the last offset: the partition is read, without waiting for its end event.
                if let end = remaining[pointee.partition], pointee.offset + 1 >= end {
                    remaining[pointee.partition] = nil
                }
            case RD_KAFKA_RESP_ERR__PARTITION_EOF:
                // The event's offset is where the next fetch would start: the end the consumer reached,
                // past any trailing control records and hidden aborted records.
                if let end = remaining[pointee.partition], pointee.offset >= end {
                    remaining[pointee.partition] = nil
                }
            default:
                throw TestBenchError("consume \(topic): \(String(cString: rd_kafka_err2str(pointee.err)))")
            }
        }
        return messages.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
    }

    private static func convert(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> ConsumedMessage {
        let pointee = message.pointee
        let value = pointee.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: pointee.len)) } ?? []
        let key = pointee.key.map { Array(UnsafeRawBufferPointer(start: $0, count: pointee.key_len)) }
        var headers: [ConsumedMessage.Header] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var headerValue: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &headerValue, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = headerValue.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(.init(name: name.map { String(cString: $0) } ?? "", value: bytes))
                index += 1
            }
        }
        return ConsumedMessage(topic: String(cString: rd_kafka_topic_name(pointee.rkt)), partition: pointee.partition,
                               offset: pointee.offset, key: key, value: value, headers: headers, hasNullValue: pointee.payload == nil)
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
