/// How far a pipeline's snapshot has gone, kept in its position (the checkpoint, and the positions
/// topic under `exactly_once`) so that a restart goes on after the last chunk Kafka acknowledged.
public struct SnapshotCursor: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The tables still to read (`database.table`), the one being read first; empty once the snapshot is
    /// done; nil before the snapshot listed them.
    public var tables: [String]?
    /// The last key read of the first table, as SQL literals in key order; nil before its first chunk.
    public var after: [String]?
    /// The rows of the first table emitted so far (for its end marker and the progress).
    public var rows: Int?

    public init(tables: [String]?, after: [String]? = nil, rows: Int? = nil) {
        self.tables = tables
        self.after = after
        self.rows = rows
    }

    public var isDone: Bool { tables?.isEmpty == true }

    public var description: String {
        guard let tables else { return "snapshot not begun" }
        guard let table = tables.first else { return "snapshot done" }
        return "snapshot of \(table)" + (after.map { " after key (\($0.joined(separator: ", ")))" } ?? "") + ", \(tables.count - 1) more tables"
    }
}
