import BinlogDecoder

/// A pipeline's signal table on the source (`snapshot.signal_table`): requests to the pipeline, and on
/// MySQL without GTIDs the rows that bracket each snapshot chunk in the binlog (`SnapshotConnection`).
public struct SignalTable: Sendable, Equatable {
    /// `database.table`.
    public var name: String
    /// The pipeline whose rows these are (the `pipeline` column).
    public var pipeline: String

    public init(name: String, pipeline: String) {
        self.name = name
        self.pipeline = pipeline
    }

    /// The action of the rows that bracket a chunk; their `tables` column holds `low:ID` or `high:ID`.
    public static let watermarkAction = "watermark"

    /// The table's name quoted for SQL.
    public var quotedName: String { Self.quote(name) }

    static func quote(_ name: String) -> String {
        name.split(separator: ".").map { SnapshotColumn.quoteIdentifier(String($0)) }.joined(separator: ".")
    }

    /// A text as an SQL literal that reads the same under every sql_mode: its UTF-8 bytes in hex.
    public static func textLiteral(_ text: String) -> String {
        Array(text.utf8).withUnsafeBytes { "CONVERT(\(hexLiteral($0)) USING utf8mb4)" }
    }

    /// Bytes as an SQL hex literal, `X'…'`.
    static func hexLiteral(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var hex = Array("X'".utf8)
        hex.reserveCapacity(bytes.count * 2 + 3)
        for byte in bytes { hex += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        hex.append(UInt8(ascii: "'"))
        return String(decoding: hex, as: UTF8.self)
    }

    /// The statement that creates a signal table named `name` (`database.table`, quoted or not).
    public static func createStatement(_ name: String) -> String {
        "CREATE TABLE \(name) (id BIGINT AUTO_INCREMENT PRIMARY KEY, pipeline VARCHAR(255) NOT NULL, action VARCHAR(32) NOT NULL, "
            + "tables TEXT NULL, `condition` TEXT NULL, created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))"
    }
}
