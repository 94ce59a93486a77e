/// An event the decoder cannot decode exactly. It names where: the binlog file and the
/// event's position, and for row data the table, the column and its type code.
public struct BinlogDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var binlogFile: String
    /// The byte offset of the event in its binlog file.
    public var position: UInt64
    public var eventType: UInt8
    /// `database.table`, for events about a table.
    public var table: String?
    /// The column's name, or `#N` (1-based) when the table map carries no names.
    public var column: String?
    public var columnType: UInt8?
    public var reason: String

    public init(binlogFile: String, position: UInt64, eventType: UInt8, table: String? = nil,
                column: String? = nil, columnType: UInt8? = nil, reason: String) {
        self.binlogFile = binlogFile
        self.position = position
        self.eventType = eventType
        self.table = table
        self.column = column
        self.columnType = columnType
        self.reason = reason
    }

    public var description: String {
        var text = "\(binlogFile):\(position) \(BinlogEventType.name(of: eventType))"
        if let table { text += " table \(table)" }
        if let column { text += " column \(column)" }
        if let columnType { text += " (type \(columnType) \(ColumnType.name(of: columnType)))" }
        return text + ": " + reason
    }
}

/// A failure inside an event, before the decoder adds the file and position.
struct EventFailure: Error {
    var reason: String
    var table: String?
    var column: String?
    var columnType: UInt8?

    init(_ reason: String, table: String? = nil, column: String? = nil, columnType: UInt8? = nil) {
        self.reason = reason
        self.table = table
        self.column = column
        self.columnType = columnType
    }

    static func truncated(needed: Int, offset: Int) -> EventFailure {
        EventFailure("truncated event: \(needed) more bytes needed at offset \(offset)")
    }
}
