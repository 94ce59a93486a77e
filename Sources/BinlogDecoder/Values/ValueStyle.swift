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
    /// The original tools' own forms (`output.values: original`); nil in binlogo's format and the Flink-readable
    /// styles, which then pay one check per value for them (`OriginalValueWriter`).
    public var original: OriginalForms?

    public init(timestampWithSpace: Bool = false, jsonAsText: Bool = false, setAsText: Bool = false, allAsText: Bool = false) {
        self.timestampWithSpace = timestampWithSpace
        self.jsonAsText = jsonAsText
        self.setAsText = setAsText
        self.allAsText = allAsText
    }

    /// binlogo's own format.
    public static let binlogo = ValueStyle()
}

extension ValueStyle {
    /// Where an original tool's values differ from the Flink-readable ones. Each default is the form
    /// binlogo's own format writes. A class, so that `ValueStyle`, passed with every value, stays a few
    /// bytes and the styles without original forms pay one nil check (measured: as a struct of its own,
    /// +2 % instructions on binlogo's format).
    public final class OriginalForms: Sendable, Equatable {
        public let decimal: DecimalForm
        /// DATE, TIME and DATETIME (TIMESTAMP follows `timestampWithSpace`).
        public let temporal: TemporalForm
        public let bit: BitForm
        public let geometry: GeometryForm
        /// BINARY, VARBINARY and BLOB.
        public let bytes: BytesForm
        /// BINARY(n) with the trailing zero bytes the binlog leaves out put back, as SELECT returns it; without,
        /// as stored (Maxwell's and Canal's own).
        public let padsFixedBinary: Bool
        public let labels: LabelForm
        /// An ENUM's invalid value (index 0, MySQL's `''`) as null (Maxwell's own).
        public let invalidEnumAsNull: Bool
        /// With `jsonAsText`: MySQL's JSON documents as MySQL prints them, with a space after `,` and `:` (Canal's
        /// own), rather than compact.
        public let spacedJSONText: Bool

        public init(decimal: DecimalForm = .number, temporal: TemporalForm = .text, bit: BitForm = .number, geometry: GeometryForm = .wkt,
                    bytes: BytesForm = .base64, padsFixedBinary: Bool = true, labels: LabelForm = .names, invalidEnumAsNull: Bool = false,
                    spacedJSONText: Bool = false) {
            self.decimal = decimal
            self.temporal = temporal
            self.bit = bit
            self.geometry = geometry
            self.bytes = bytes
            self.padsFixedBinary = padsFixedBinary
            self.labels = labels
            self.invalidEnumAsNull = invalidEnumAsNull
            self.spacedJSONText = spacedJSONText
        }

        public static func == (left: OriginalForms, right: OriginalForms) -> Bool {
            (left.decimal, left.temporal, left.bit, left.geometry, left.bytes) == (right.decimal, right.temporal, right.bit, right.geometry, right.bytes)
                && (left.padsFixedBinary, left.labels, left.invalidEnumAsNull, left.spacedJSONText)
                == (right.padsFixedBinary, right.labels, right.invalidEnumAsNull, right.spacedJSONText)
        }

        public enum DecimalForm: Sendable, Equatable {
            /// An exact JSON number with the column's scale (`12.30`).
            case number
            /// The same digits in a string.
            case text
            /// The nearest double (Debezium's `decimal.handling.mode=double`).
            case double
            /// Base64 of the unscaled value's shortest two's complement, big-endian (Debezium's `precise`).
            case unscaledBytes
        }

        public enum TemporalForm: Sendable, Equatable {
            /// The strings MySQL prints (`2024-01-02`, `-12:00:00.5`, `2024-01-02 03:04:05.123`).
            case text
            /// Debezium's `adaptive_time_microseconds`: DATE as days since the epoch, TIME as microseconds,
            /// DATETIME as milliseconds since the epoch (fsp 0–3) or microseconds (4–6); a zero date is null
            /// in a nullable column and the epoch otherwise. TIMESTAMP as ISO-8601 in UTC.
            case debeziumMicroseconds
            /// Debezium's `connect`: as `debeziumMicroseconds`, but TIME and DATETIME in milliseconds.
            case debeziumMilliseconds
        }

        public enum BitForm: Sendable, Equatable {
            /// The bits as an unsigned number.
            case number
            /// Debezium's: BIT(1) `true`/`false`, longer ones base64 of their bytes, least significant first.
            case debezium
        }

        public enum GeometryForm: Sendable, Equatable {
            /// WKT as the server's `ST_AsText` prints it.
            case wkt
            /// Debezium's `io.debezium.data.geometry.Geometry`: `{"wkb":base64,"srid":n|null}`, a POINT with its
            /// `x` and `y` first (`io.debezium.data.geometry.Point`).
            case debezium
            /// The stored bytes (the 4-byte SRID, then WKB) as `bytes` writes bytes (Canal's own).
            case storedBytes
        }

        public enum LabelForm: Sendable, Equatable {
            /// ENUM as its label, SET as its members' (per `setAsText`).
            case names
            /// ENUM as its 1-based index, SET as its bitmap (Canal's own).
            case numbers
        }

        public enum BytesForm: Sendable, Equatable {
            case base64
            /// One ISO-8859-1 character per byte (Canal's `new String(bytes, ISO_8859_1)`).
            case latin1
        }
    }
}
