/// The settings of `output.format: canal`.
public struct CanalFormatOptions: Sendable, Equatable {
    public var values: ValueEncoding

    public init(values: ValueEncoding = .flink) {
        self.values = values
    }

    /// Every value a string (Canal's). With `original`, as Canal's own: bytes as text of one ISO-8859-1
    /// character each (BINARY(n) as stored, GEOMETRY with its SRID), ENUM as its index, SET as its bitmap,
    /// JSON spaced as MySQL prints it.
    public var style: ValueStyle {
        var style = ValueStyle(timestampWithSpace: true, jsonAsText: true, setAsText: true, allAsText: true)
        if values == .original {
            style.original = ValueStyle.OriginalForms(geometry: .storedBytes, bytes: .latin1, padsFixedBinary: false, labels: .numbers,
                                                      spacedJSONText: true)
        }
        return style
    }
}
