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
    /// A condition (SQL) the rows read must meet, for every table of the snapshot; nil for all rows.
    public var condition: String?
    /// The tables a snapshot asked for through the signal table, until it lists them in `tables`; nil for
    /// every table the pipeline includes.
    public var chosenTables: [String]?
    /// Set while the snapshot is paused through the signal table: no chunk is read until it resumes.
    public var paused: Bool?

    public init(tables: [String]?, after: [String]? = nil, rows: Int? = nil, condition: String? = nil, chosenTables: [String]? = nil) {
        self.tables = tables
        self.after = after
        self.rows = rows
        self.condition = condition
        self.chosenTables = chosenTables
    }

    public var isDone: Bool { tables?.isEmpty == true }

    public var description: String {
        guard let tables else { return "snapshot not begun" }
        guard let table = tables.first else { return "snapshot done" }
        return (paused == true ? "paused " : "") + "snapshot of \(table)" + (after.map { " after key (\($0.joined(separator: ", ")))" } ?? "")
            + (condition.map { " where \($0)" } ?? "") + ", \(tables.count - 1) more tables"
    }
}
