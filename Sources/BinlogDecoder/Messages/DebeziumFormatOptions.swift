/// The settings of `output.format: debezium`.
public struct DebeziumFormatOptions: Sendable, Equatable {
    /// A message with the key and a null value after each delete, as Debezium sends by default, so that
    /// log compaction can drop the row's messages.
    public var tombstones: Bool
    /// `transaction: {id, total_order, data_collection_order}` in every row message, and each transaction's
    /// BEGIN and END on the topic `{pipeline}.transaction`, as Debezium's `provide.transaction.metadata=true`
    /// gives; null and nothing otherwise, as by Debezium's default.
    public var transactionMetadata: Bool
    public var values: Values

    /// How values are written: what Flink reads, or Debezium's own encodings.
    public enum Values: Sendable, Equatable {
        case flink
        /// Debezium's logical types, with its `decimal.handling.mode` and `time.precision.mode`.
        case original(decimals: DecimalHandling, time: TimePrecision)
    }

    /// Debezium's `decimal.handling.mode`.
    public enum DecimalHandling: String, Sendable, Equatable, CaseIterable {
        /// The unscaled value's two's complement bytes, big-endian, as base64 (`org.apache.kafka.connect.data.Decimal`).
        case precise
        /// The exact digits as a string.
        case string
        /// The nearest double.
        case double
    }

    /// Debezium's `time.precision.mode` for MySQL.
    public enum TimePrecision: String, Sendable, Equatable, CaseIterable {
        /// DATE in days, TIME in microseconds, DATETIME in milliseconds (fsp 0–3) or microseconds (4–6) since the epoch.
        case adaptiveTimeMicroseconds = "adaptive_time_microseconds"
        /// Kafka Connect's own: DATE in days, TIME and DATETIME in milliseconds.
        case connect
    }

    public init(tombstones: Bool = true, transactionMetadata: Bool = false, values: Values = .flink) {
        self.tombstones = tombstones
        self.transactionMetadata = transactionMetadata
        self.values = values
    }

    /// How the row images' values are written.
    public var style: ValueStyle {
        switch values {
        case .flink:
            return ValueStyle(timestampWithSpace: true, jsonAsText: true, setAsText: true)
        case let .original(decimals, time):
            let decimal: ValueStyle.OriginalForms.DecimalForm = switch decimals {
            case .precise: .unscaledBytes
            case .string: .text
            case .double: .double
            }
            var style = ValueStyle(jsonAsText: true, setAsText: true)
            style.original = ValueStyle.OriginalForms(decimal: decimal, temporal: time == .connect ? .debeziumMilliseconds : .debeziumMicroseconds,
                                                      bit: .debezium, geometry: .debezium)
            return style
        }
    }
}
