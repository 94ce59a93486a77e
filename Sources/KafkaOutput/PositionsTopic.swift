import CRdKafka
import Foundation

/// The compacted topic where `exactly_once` pipelines keep their positions: one record per Kafka
/// transaction, keyed by the pipeline's name, written in the same transaction as the messages it
/// accounts for. Its last committed record for a pipeline is where that pipeline resumes.
///
/// A pipeline's records all go to one partition, chosen by a hash of its name (partition 0 of the
/// one-partition topic binlogo creates), so that reading them back needs one partition only.
public struct PositionsTopic: Sendable, Equatable {
    public let name: String
    /// The pipeline's name: the records' key.
    public let key: String

    public init(name: String, pipeline: String) {
        self.name = name
        self.key = pipeline
    }

    /// The partition of this pipeline's records among `count`.
    public func partition(count: Int32) -> Int32 {
        guard count > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int32(hash % UInt64(count))
    }

    /// Creates the topic (one partition, `cleanup.policy=compact`, the brokers' replication factor) if it
    /// does not exist, and returns its partition count.
    func prepare(on producer: KafkaProducer, timeoutMilliseconds: Int32) throws(KafkaError) -> Int32 {
        // Created before its metadata is asked for: a metadata request may make a cluster that creates
        // topics on demand create it with its defaults, not compacted.
        let created = create(on: producer.client.handle, timeoutMilliseconds: timeoutMilliseconds)
        if let count = try? producer.partitionCount(of: name, timeoutMilliseconds: timeoutMilliseconds) { return count }
        throw KafkaError(kind: .configuration, message: "the positions topic \(name) does not exist and could not be created (\(created ?? "no answer")): create it with one partition and cleanup.policy=compact, or name another in output.kafka.transactions.positions_topic")
    }

    /// Asks the cluster to create the topic; returns why it could not, or nil.
    private func create(on handle: OpaquePointer, timeoutMilliseconds: Int32) -> String? {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, 1, -1, &errorText, errorText.count) else {
            return String(decodingCString: errorText)
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        _ = rd_kafka_NewTopic_set_config(newTopic, "cleanup.policy", "compact")
        let queue = rd_kafka_queue_new(handle)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(handle, &topics, 1, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, Int32(timeoutMilliseconds)) else { return "timed out" }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            return String(cString: rd_kafka_event_error_string(event))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else { return "no result" }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count), count == 1, let first = results[0] else {
            return "no result"
        }
        let code = rd_kafka_topic_result_error(first)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR, code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else { return nil }
        return rd_kafka_topic_result_error_string(first).map { String(cString: $0) } ?? String(cString: rd_kafka_err2str(code))
    }
}

extension KafkaProducer {
    /// The topic's partition count, from a metadata request.
    func partitionCount(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int32 {
        guard let topicHandle = rd_kafka_topic_new(client.handle, topic, nil) else {
            throw KafkaError(code: rd_kafka_last_error(), context: "open topic \(topic)")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(client.handle, 0, topicHandle, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(code: result, context: "metadata of \(topic)")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1, metadata.pointee.topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR,
              metadata.pointee.topics[0].partition_cnt > 0 else {
            let code = metadata.pointee.topic_cnt == 1 ? metadata.pointee.topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
            throw KafkaError(code: code, context: "metadata of \(topic)")
        }
        return metadata.pointee.topics[0].partition_cnt
    }
}
