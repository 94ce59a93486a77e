/// The settings of `output.format: maxwell`.
public struct MaxwellFormatOptions: Sendable, Equatable {
    /// The fields Maxwell writes only when asked: `position`, `gtid`, `server_id`, `primary_key`,
    /// `primary_key_columns`.
    public var details: Bool
    /// Snapshot rows as plain `insert`s without `bootstrap-start`/`bootstrap-complete` (Flink's
    /// `maxwell-json` reads no others).
    public var snapshotAsInsert: Bool
    public var values: ValueEncoding

    public init(details: Bool = false, snapshotAsInsert: Bool = false, values: ValueEncoding = .flink) {
        self.details = details
        self.snapshotAsInsert = snapshotAsInsert
        self.values = values
    }

    /// How the row images' values are written: TIMESTAMP as Maxwell writes it (with a space, in UTC), the
    /// rest as binlogo's format; with `original`, BINARY(n) as stored and an invalid ENUM value as null too.
    public var style: ValueStyle {
        var style = ValueStyle(timestampWithSpace: true)
        if values == .original { style.original = ValueStyle.OriginalForms(padsFixedBinary: false, invalidEnumAsNull: true) }
        return style
    }
}
