import CRdKafka
import Foundation

/// Reads a pipeline's last committed record back from the positions topic, as a read_committed consumer.
///
/// Called after the pipeline's producer initialised its transactions, so none of the pipeline's own
/// transactions is still open. Another pipeline's may be: its records hold the partition's last stable
/// offset back, and a committed record of this pipeline after them stays invisible until they end. So the
/// reader first waits until the last stable offset reaches the end the partition had when it began.
/// It reads the newest records first, in windows growing backwards, so that a topic the brokers do not
/// compact (or not yet) is not read whole.
struct PositionsTopicReader {
    let topic: PositionsTopic
    let partition: Int32
    /// The connection properties of the pipeline's producer (brokers, security).
    let properties: KafkaProperties

    /// The value of the pipeline's last committed record, or nil when it has none.
    func lastRecord(timeoutMilliseconds: Int32) throws(KafkaError) -> [UInt8]? {
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1000)
        let end = try ConsumerHandle(properties, isolation: "read_uncommitted").watermarks(topic.name, partition, deadline).high
        let committed = try ConsumerHandle(properties, isolation: "read_committed")
        var (low, stable) = try committed.watermarks(topic.name, partition, deadline)
        while stable < end {
            guard Date() < deadline else {
                throw KafkaError(kind: .librdkafka(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue), message:
                    "the positions topic \(topic.name) [\(partition)] has a transaction open (last stable offset \(stable), end \(end)) that did not end in time; another producer's transaction holds it: its transaction.timeout.ms ends it")
            }
            usleep(50_000)
            (low, stable) = try committed.watermarks(topic.name, partition, deadline)
        }
        var window: Int64 = 1_000
        var start = max(low, stable - window)
        while true {
            if let value = try committed.lastValue(topic.name, partition, key: Array(topic.key.utf8), from: start, deadline: deadline) {
                return value
            }
            guard start > low else { return nil }
            window *= 8
            start = max(low, stable - window)
        }
    }
}

extension PositionsTopic {
    /// The pipeline's last committed record, read as any consumer reads it: without taking the pipeline's
    /// transactional id over (`binlogo position show`). Nil when the topic or the record does not exist.
    public func lastCommittedRecord(configuration: KafkaOutputConfiguration, pipeline: String,
                                    timeoutMilliseconds: Int32) throws(KafkaError) -> [UInt8]? {
        let properties = configuration.librdkafkaProperties(pipeline: pipeline)
        guard let count = try ConsumerHandle(properties, isolation: "read_committed").partitionCount(name, timeoutMilliseconds) else {
            return nil
        }
        return try PositionsTopicReader(topic: self, partition: partition(count: count), properties: properties)
            .lastRecord(timeoutMilliseconds: timeoutMilliseconds)
    }
}

/// A plain librdkafka consumer, for the reader above.
private final class ConsumerHandle {
    let handle: OpaquePointer

    /// Connection properties only: the producer's own (acks, transactional.id, …) would be warned about.
    private static let connectionPrefixes = ["bootstrap.servers", "security.", "sasl.", "ssl.", "socket.", "broker.", "client.",
                                             "api.version", "enable.ssl", "reconnect.", "resolve.", "connections.max.idle.ms",
                                             "metadata.", "topic.metadata", "debug", "log_level"]

    init(_ properties: KafkaProperties, isolation: String) throws(KafkaError) {
        var values = properties.values.filter { name, _ in Self.connectionPrefixes.contains { name.hasPrefix($0) } }
        values["isolation.level"] = isolation
        values["enable.auto.commit"] = "false"
        values["enable.partition.eof"] = "true"
        values["group.id"] = "binlogo-positions-reader"
        // Small fetches: a broker may answer with all it has after the offset.
        values["fetch.max.bytes"] = "1048576"
        values["max.partition.fetch.bytes"] = "1048576"
        let conf = try KafkaProperties(values).makeConf()
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(kind: .configuration, message: "cannot create a Kafka consumer: \(String(decodingCString: errorText))")
        }
        self.handle = handle
        rd_kafka_poll_set_consumer(handle)
    }

    deinit {
        rd_kafka_consumer_close(handle)
        rd_kafka_destroy(handle)
    }

    /// The topic's partition count; nil when it does not exist.
    func partitionCount(_ topic: String, _ timeoutMilliseconds: Int32) throws(KafkaError) -> Int32? {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(code: result, context: "metadata") }
        defer { rd_kafka_metadata_destroy(metadata) }
        for index in 0..<Int(metadata.pointee.topic_cnt) where String(cString: metadata.pointee.topics[index].topic) == topic {
            let count = metadata.pointee.topics[index].partition_cnt
            return count > 0 ? count : nil
        }
        return nil
    }

    /// The partition's low watermark and its end (the last stable offset for a read_committed consumer).
    func watermarks(_ topic: String, _ partition: Int32, _ deadline: Date) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, Self.milliseconds(until: deadline))
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: result, context: "offsets of the positions topic \(topic) [\(partition)]")
        }
        return (low, high)
    }

    /// The value of the last record with `key` from `offset` to the partition's end, if any.
    func lastValue(_ topic: String, _ partition: Int32, key: [UInt8], from offset: Int64, deadline: Date) throws(KafkaError) -> [UInt8]? {
        let assignment = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        rd_kafka_topic_partition_list_add(assignment, topic, partition).pointee.offset = offset
        let assigned = rd_kafka_assign(handle, assignment)
        guard assigned == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: assigned, context: "assign \(topic) [\(partition)]") }
        defer { rd_kafka_assign(handle, nil) }
        var found: [UInt8]?
        while true {
            guard Date() < deadline else {
                throw KafkaError(kind: .librdkafka(code: RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue),
                                 message: "reading the positions topic \(topic) [\(partition)] timed out")
            }
            guard let message = rd_kafka_consumer_poll(handle, 100) else { continue }
            defer { rd_kafka_message_destroy(message) }
            let record = message.pointee
            if record.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return found }
            guard record.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(code: record.err, context: "read the positions topic \(topic) [\(partition)]")
            }
            guard let keyBytes = record.key, record.key_len == key.count,
                  memcmp(keyBytes, key, key.count) == 0 else { continue }
            // A record without a value (a tombstone) removes the position.
            found = record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) }
        }
    }

    private static func milliseconds(until deadline: Date) -> Int32 {
        Int32(max(100, min(Double(Int32.max), deadline.timeIntervalSinceNow * 1000)))
    }
}
