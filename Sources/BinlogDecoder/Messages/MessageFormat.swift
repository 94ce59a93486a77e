/// The shape of a pipeline's messages (`output.format`, `Docs/message-format.md`).
public enum MessageFormat: Sendable, Equatable, CustomStringConvertible {
    /// binlogo's own, the original Binlogo's shape (`ChangeMessageEncoder`).
    case binlogo
    /// Debezium's MySQL connector's, as its JSON converter writes it with schemas disabled
    /// (`DebeziumMessageEncoder`). `tombstones`: a message with the key and a null value after each delete,
    /// as Debezium sends by default, so that log compaction can drop the row's messages.
    case debezium(tombstones: Bool)

    public var description: String {
        switch self {
        case .binlogo: return "binlogo"
        case .debezium: return "debezium"
        }
    }

    /// The values' encoding: Debezium's readers (Flink's `debezium-json`) want TIMESTAMP with a space and
    /// no zone, a JSON column as text and a SET as one string (`Docs/types.md`).
    public var valueStyle: ValueStyle {
        switch self {
        case .binlogo: return .binlogo
        case .debezium: return ValueStyle(timestampWithSpace: true, jsonAsText: true, setAsText: true)
        }
    }
}
