/// The shape of a pipeline's messages (`output.format`, `Docs/message-format.md`).
public enum MessageFormat: Sendable, Equatable, CustomStringConvertible {
    /// binlogo's own, the original Binlogo's shape (`ChangeMessageEncoder`).
    case binlogo
    /// Debezium's MySQL connector's, as its JSON converter writes it with schemas disabled
    /// (`DebeziumMessageEncoder`).
    case debezium(DebeziumFormatOptions)
    /// Maxwell's (`MaxwellMessageEncoder`).
    case maxwell(MaxwellFormatOptions)
    /// Canal's flat message (`CanalMessageEncoder`), one row per message.
    case canal(CanalFormatOptions)

    public var description: String {
        switch self {
        case .binlogo: return "binlogo"
        case .debezium: return "debezium"
        case .maxwell: return "maxwell"
        case .canal: return "canal"
        }
    }
}

/// Which values a format writes where the readers downstream and the original tool disagree
/// (`output.values`, `Docs/types.md#values-per-format`).
public enum ValueEncoding: String, Sendable, Equatable, CaseIterable {
    /// What Apache Flink's `debezium-json`, `maxwell-json` and `canal-json` read, every value exact.
    case flink
    /// What the original tool writes with its default settings, for consumers written against it.
    case original
}
