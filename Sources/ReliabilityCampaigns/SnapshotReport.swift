/// What the snapshot campaign's checker found: the table rebuilt from the topic against the source's.
public struct SnapshotReport: Sendable, CustomStringConvertible {
    /// `read` messages on the topic.
    public var reads = 0
    /// Rows with more than one `read` message (only a crash outside `exactly_once` may cause them).
    public var rowsReadTwice = 0
    /// Whether a `snapshot_end` marker flagged `last` reached the topic.
    public var completed = false
    /// Pipeline starts (after a kill, or a reload that restarted the pipeline) that went on with the table from
    /// a stored cursor rather than from its first row.
    public var resumedStarts = 0
    /// The rows in the source's `items` at the end.
    public var sourceRows = 0
    /// The first rows where the rebuilt table differs from the source's; nil when equal.
    public var differences: String?

    public var description: String {
        "snapshot: \(reads) reads, \(rowsReadTwice) rows read twice, \(resumedStarts) starts resumed from a cursor, "
            + "\(completed ? "completed" : "NOT COMPLETED"), "
            + (differences.map { "rebuilt table DIFFERS from the source's \(sourceRows) rows: \($0)" }
                ?? "rebuilt table equals the source's \(sourceRows) rows")
    }
}
