import CRdKafka
import Foundation

/// Describes a message librdkafka refused when it was produced, in one line: where the change came
/// from (table and binlog position, read from the head of binlogo's message), why, and which
/// setting to change.
enum ProduceRefusal {
    static func error(_ cause: KafkaError, message: OutgoingMessage, pipeline: String) -> KafkaError {
        let code: Int32
        if case .librdkafka(let value) = cause.kind { code = value } else { code = -1 }
        let origin = origin(of: message).map { " of \($0)" } ?? ""
        return KafkaError(kind: .refused(code: code), message:
            "pipeline \(pipeline): a message\(origin) (\(message.keyAndValue.count) bytes) was refused by librdkafka: \(cause.message): \(fix(code))")
    }

    private static func fix(_ code: Int32) -> String {
        switch code {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.rawValue:
            return "raise message.max.bytes in output.kafka.properties (and max.message.bytes of the topic on the brokers), or leave the large columns out with filters.exclude_columns"
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION.rawValue, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue,
             RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue:
            return "create the topic with enough partitions, or correct output.kafka.topic / topics"
        default:
            return "see the librdkafka properties in output.kafka.properties"
        }
    }

    /// `database.table at FILE:POSITION` from the message's `head`, which binlogo writes first: the
    /// value up to `,"data":` (a sequence no JSON string can hold unescaped) closed by `}` is the head alone.
    static func origin(of message: OutgoingMessage) -> String? {
        let value = message.value
        let marker = Array(#","data":"#.utf8)
        guard let end = value.firstRange(of: marker) else { return nil }
        let head = Array(value[value.startIndex..<end.lowerBound]) + [UInt8(ascii: "}")]
        guard let object = try? JSONSerialization.jsonObject(with: Data(head)) as? [String: Any],
              let fields = object["head"] as? [String: Any], let database = fields["database"] as? String else { return nil }
        let table = (fields["table"] as? String).map { $0.isEmpty ? database : "\(database).\($0)" } ?? database
        guard let position = fields["position"] as? [String: Any], let file = position["binlog_file"] as? String,
              let offset = position["binlog_position"] as? Int else { return table }
        return "\(table) at \(file):\(offset)"
    }
}
