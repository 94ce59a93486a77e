/// The shape of a pipeline's messages (`output.format`, `Docs/message-format.md`).
public enum MessageFormat: Sendable, Equatable, CustomStringConvertible {
    /// binlogo's own, the original Binlogo's shape (`ChangeMessageEncoder`).
    case binlogo
    /// Debezium's MySQL connector's, as its JSON converter writes it with schemas disabled
    /// (`DebeziumMessageEncoder`). `tombstones`: a message with the key and a null value after each delete,
    /// as Debezium sends by default, so that log compaction can drop the row's messages.
    case debezium(tombstones: Bool)
    /// Maxwell's (`MaxwellMessageEncoder`). `details`: the fields Maxwell writes only when asked (`position`,
    /// `gtid`, `server_id`, `primary_key`, `primary_key_columns`); `snapshotAsInsert`: snapshot rows as plain
    /// `insert`s without `bootstrap-start`/`bootstrap-complete` (Flink's `maxwell-json` reads no others).
    case maxwell(details: Bool, snapshotAsInsert: Bool)
    /// Canal's flat message (`CanalMessageEncoder`), one row per message.
    case canal

    public var description: String {
        switch self {
        case .binlogo: return "binlogo"
        case .debezium: return "debezium"
        case .maxwell: return "maxwell"
        case .canal: return "canal"
        }
    }
}
