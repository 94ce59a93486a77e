/// Where a message format writes a value differently from binlogo's own format (`Docs/types.md`).
/// Everything not named here is written the same in every format.
public struct ValueStyle: Sendable, Equatable {
    /// TIMESTAMP as `"YYYY-MM-DD HH:MM:SS[.f]"` in UTC (what Flink's JSON formats read), rather than
    /// ISO-8601 with `T` and `Z`.
    public var timestampWithSpace: Bool
    /// MySQL's JSON columns as a string holding the document's text (Debezium's `io.debezium.data.Json`),
    /// rather than the document embedded.
    public var jsonAsText: Bool
    /// SET as one string of its members joined by commas (as MySQL prints it), rather than an array.
    public var setAsText: Bool
    /// Every value as a JSON string (Canal's): numbers and the rest written as they are, in quotes.
    public var allAsText: Bool

    public init(timestampWithSpace: Bool = false, jsonAsText: Bool = false, setAsText: Bool = false, allAsText: Bool = false) {
        self.timestampWithSpace = timestampWithSpace
        self.jsonAsText = jsonAsText
        self.setAsText = setAsText
        self.allAsText = allAsText
    }

    /// binlogo's own format.
    public static let binlogo = ValueStyle()
}
