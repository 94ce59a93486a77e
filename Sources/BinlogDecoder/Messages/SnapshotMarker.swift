/// Where a table's snapshot rows begin or end in its topic: a `snapshot_start` message before a table's
/// first `read` row and a `snapshot_end` message after its last, the first table's start and the last
/// table's end flagged as the whole snapshot's (see `Docs/message-format.md`).
public struct SnapshotMarker: Sendable {
    public enum Kind: String, Sendable {
        case start = "snapshot_start"
        case end = "snapshot_end"
    }

    public var kind: Kind
    public var database: String
    public var table: String
    /// Start: the server's estimate of the table's rows, if it gave one.
    public var estimatedRows: Int?
    /// End: the table's rows the snapshot emitted (rows the stream changed meanwhile went out as changes instead).
    public var rows: Int
    /// Start of the snapshot's first table, or end of its last.
    public var isSnapshotBoundary: Bool
    /// Where the stream stood when the marker went out.
    public var binlogFile: String
    public var position: UInt64

    public init(kind: Kind, database: String, table: String, estimatedRows: Int? = nil, rows: Int = 0, isSnapshotBoundary: Bool,
                binlogFile: String, position: UInt64) {
        self.kind = kind
        self.database = database
        self.table = table
        self.estimatedRows = estimatedRows
        self.rows = rows
        self.isSnapshotBoundary = isSnapshotBoundary
        self.binlogFile = binlogFile
        self.position = position
    }
}

extension ChangeMessageEncoder {
    /// `{"head":{"type":"snapshot_start",…,"database":…,"table":…,"position":{…},…},"data":{"estimated_rows":…,"first":true}}`,
    /// or `snapshot_end` with `{"rows":…,"last":…}`.
    public static func writeSnapshotMarker(_ marker: SnapshotMarker, timestamp: UInt32, context: MessageContext, to writer: JSONWriter) {
        writer.raw("{\"head\":{\"type\":\"")
        writer.rawText(marker.kind.rawValue)
        writer.raw("\",\"time\":")
        writer.unsigned(UInt64(timestamp))
        writer.raw(",\"database\":")
        writer.string(marker.database)
        writer.raw(",\"table\":")
        writer.string(marker.table)
        let placement = RowPlacement(gtid: "", rowInTransaction: 0, xid: nil, isLastInTransaction: true, timestamp: timestamp, serverID: 0)
        writePosition(file: marker.binlogFile, position: marker.position, placement: placement, context: context, to: writer)
        writer.raw("},\"data\":{")
        switch marker.kind {
        case .start:
            writer.raw("\"estimated_rows\":")
            if let estimate = marker.estimatedRows { writer.unsigned(UInt64(max(0, estimate))) } else { writer.null() }
            writer.raw(",\"first\":")
        case .end:
            writer.raw("\"rows\":")
            writer.unsigned(UInt64(marker.rows))
            writer.raw(",\"last\":")
        }
        writer.bool(marker.isSnapshotBoundary)
        writer.raw("}}")
    }
}
