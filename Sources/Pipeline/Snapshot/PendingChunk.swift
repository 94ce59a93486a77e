import BinlogDecoder
import MySQLSource

/// A chunk of snapshot rows waiting for the stream to reach its high watermark (the DBLog window):
/// its rows whose key the stream changed past the low watermark are dropped (the stream carries
/// their newer values), and the rest go out once the stream has read up to the high watermark.
struct PendingChunk: Sendable {
    /// The chunk's table (`database.table`) and its rows (nil when it has none).
    let table: String
    let rows: RowsEvent?
    /// Signal-table watermarks (MySQL without GTIDs) are settled as the stream finds their rows.
    var watermarks: SnapshotConnection.Watermarks
    /// The cursor once this chunk is out.
    let cursorAfter: SnapshotCursor
    /// Markers around the chunk: a `snapshot_start` before the table's first chunk (with the server's
    /// estimate of its rows), a `snapshot_end` after its last; the snapshot's first and last flagged.
    var beginsTable = false
    var estimatedRows: Int?
    var endsTable = false
    var beginsSnapshot = false
    var endsSnapshot = false
    /// The stream's count of DDL statements on the table when the chunk's columns were read (`SnapshotWindow.schemaVersion`).
    var schemaVersion = 0
    /// Each row's key (`SnapshotWindow.key`), made at the first drop: a chunk the stream did not touch
    /// never needs it.
    private var rowOfKey: [[UInt8]: Int]?
    /// Whether each row still goes out.
    private(set) var keeps: [Bool]

    init(table: String, rows: RowsEvent?, watermarks: SnapshotConnection.Watermarks, cursorAfter: SnapshotCursor) {
        self.table = table
        self.rows = rows
        self.watermarks = watermarks
        self.cursorAfter = cursorAfter
        keeps = Array(repeating: true, count: rows?.rowCount ?? 0)
    }

    /// Drops the row of `key` (made of the columns `keyColumns`), which the stream changed past the low watermark.
    mutating func drop(_ key: [UInt8], keyColumns: [String]) throws {
        guard let rows else { return }
        if rowOfKey == nil {
            var keys: [[UInt8]: Int] = [:]
            keys.reserveCapacity(rows.rowCount)
            let writer = JSONWriter(capacity: 128)
            if let columns = SnapshotWindow.keyIndexes(keyColumns, in: rows.table) {
                for row in 0..<rows.rowCount { keys[try SnapshotWindow.key(of: rows, row: row, image: .after, columns: columns, writer: writer)] = row }
            }
            rowOfKey = keys
        }
        if let index = rowOfKey?[key] { keeps[index] = false }
    }
}
