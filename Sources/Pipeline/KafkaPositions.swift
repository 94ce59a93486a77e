import Foundation
import KafkaOutput
import MySQLSource

/// The position an `exactly_once` pipeline keeps in Kafka's positions topic, as `binlogo position show`
/// and `set` read and replace it.
public enum KafkaPositions {
    /// The pipeline's last committed position, read as a consumer reads it (a running pipeline is not disturbed).
    public static func committed(pipeline: String, kafka: KafkaOutputConfiguration) throws -> SourcePosition? {
        let settings = kafka.transactions(pipeline: pipeline)
        let topic = PositionsTopic(name: settings.positionsTopic, pipeline: pipeline)
        guard let record = try topic.lastCommittedRecord(configuration: kafka, pipeline: pipeline, timeoutMilliseconds: 30_000) else {
            return nil
        }
        return try position(from: record, topic: settings.positionsTopic, pipeline: pipeline)
    }

    /// A record of the positions topic as a position; one that is not names the topic, the pipeline and the fix.
    static func position(from record: [UInt8], topic: String, pipeline: String) throws(CheckpointStore.Failure) -> SourcePosition {
        do {
            return try CheckpointStore.decode(record)
        } catch {
            throw CheckpointStore.Failure(description: "the positions topic \(topic) holds a record for pipeline \(pipeline) that is not a position (\(record.count) bytes): replace it with `binlogo position set`")
        }
    }

    /// Commits `position` as the pipeline's position, in a transaction of its own. Taking the pipeline's
    /// transactional id over fences any process still running the pipeline: that one stops.
    public static func set(_ position: SourcePosition, pipeline: String, kafka: KafkaOutputConfiguration) throws {
        let output = try TransactionalKafkaOutput(configuration: kafka, pipeline: pipeline, onDelivery: { _, _ in },
                                                  onCommitted: { _, _ in })
        let deadline = Date().addingTimeInterval(30)
        _ = try output.recover(isCancelled: { Date() > deadline })
        try output.commit(only: CommittedPosition(position: position))
    }
}
