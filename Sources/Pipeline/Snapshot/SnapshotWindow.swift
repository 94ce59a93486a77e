import BinlogDecoder
import KafkaOutput
import MySQLSource

/// The reading thread's side of a snapshot: the cursor every position it hands on carries, the keys the
/// stream changed in the table being snapshotted, the chunk waiting for the stream to reach its high
/// watermark, and where the stream last stood between two transactions (where a chunk may go out when
/// the stream is idle).
///
/// The stream may read past a chunk's low watermark before the chunk is offered (its SELECT takes a
/// while), so the keys it changes in the table are recorded from the moment the table's snapshot
/// begins; each chunk drops the rows of the keys changed past its low watermark, and the record is
/// pruned to what a later chunk can still need (a later low watermark is never earlier).
struct SnapshotWindow {
    /// nil when the pipeline takes no snapshot.
    var cursor: SnapshotCursor?
    /// The table being snapshotted (`database.table`), whose changed keys are recorded.
    private(set) var table: String?
    private var changed: [ChangedKey] = []
    private(set) var pending: PendingChunk?
    /// The stream's position after its last event when reading may resume there (between transactions,
    /// no prepared XA transaction waiting); nil inside a transaction.
    var boundary: SourcePosition?
    /// The rows emitted of the table being snapshotted, for its end marker.
    var rowsOfTable = 0
    /// DDL statements the stream read on the table being snapshotted since its snapshot began: a chunk
    /// read under another count may have the old columns, and is read again.
    private(set) var schemaVersion = 0
    /// Whether the last chunk offered was refused for a schema change instead of emitted.
    private var refused = false

    /// What became of the chunk offered last.
    enum Outcome: Sendable {
        case waiting, emitted, schemaChanged
        /// The pipeline stops: nothing more goes out.
        case stopped
    }

    /// Set when the snapshot was cancelled: its reading thread gets `.stopped` and offers nothing more.
    private var cancelled = false
    /// Watermark rows of the signal table (MySQL without GTIDs) the stream found before their chunk was
    /// offered: id → where.
    private var foundWatermarks: [String: BinlogPoint] = [:]

    /// The outcome of the chunk offered last, once it is out: a refusal is reported once.
    mutating func takeOutcome() -> Outcome {
        if cancelled { return .stopped }
        if pending != nil { return .waiting }
        defer { refused = false }
        return refused ? .schemaChanged : .emitted
    }

    /// A key the stream changed, and where (to compare with a low watermark).
    private struct ChangedKey {
        let key: [UInt8]
        let file: String
        let position: UInt64
        let gtid: String
    }

    var isActive: Bool { cursor != nil }

    /// Whether a snapshot is under way (a cursor with tables left to read).
    var isReading: Bool { cursor.map { !$0.isDone } ?? false }

    /// A snapshot asked for through the signal table begins with `cursor`: the positions carry it from now
    /// on. `boundary`: where the stream stands, if between two transactions (the window did not follow the
    /// stream while no snapshot was under way).
    mutating func request(_ cursor: SnapshotCursor, boundary: SourcePosition?) {
        self.cursor = cursor
        self.boundary = boundary
        cancelled = false
        pending = nil
        table = nil
        changed.removeAll()
    }

    /// Pauses or resumes the snapshot under way; false when none is.
    mutating func setPaused(_ paused: Bool) -> Bool {
        guard isReading else { return false }
        cursor?.paused = paused ? true : nil
        return true
    }

    /// Whether the snapshot is paused.
    var isPaused: Bool { cursor?.paused == true }

    /// Ends the snapshot where it stands: the pending chunk is dropped, and the cursor says done.
    mutating func cancel() {
        cancelled = true
        pending = nil
        table = nil
        changed.removeAll()
        cursor = SnapshotCursor(tables: [])
    }

    /// The columns (by name) that tell the rows of the table being snapshotted apart: its primary key, or
    /// the unique index its chunks are read by (`identify`).
    private var keyColumns: [String] = []

    /// The snapshot of `table` begins (or goes on after a restart): the stream's changes to it are recorded
    /// from now on, once `identify` named its key (before the first chunk's low watermark).
    mutating func begin(table: String) {
        guard !cancelled else { return }
        self.table = table
        keyColumns = []
        changed.removeAll()
        rowsOfTable = cursor?.rows ?? 0
        schemaVersion = 0
    }

    /// The snapshot thread's chunk: it drops the rows of the keys changed past its low watermark, and waits;
    /// one read before a DDL statement on its table that the stream has read since is refused.
    mutating func offer(_ chunk: PendingChunk) throws {
        refused = chunk.schemaVersion != schemaVersion && chunk.rows != nil
        guard !refused else { return }
        var chunk = chunk
        for (id, point) in foundWatermarks where chunk.watermarks.awaits(id) {
            chunk.watermarks = chunk.watermarks.resolving(id, at: point)
        }
        // The rows found belong to this chunk or to none still to come (each chunk writes its own).
        foundWatermarks.removeAll()
        changed.removeAll { change in
            !chunk.watermarks.isNewer(file: change.file, position: change.position, gtid: change.gtid)
        }
        for change in changed { try chunk.drop(change.key, keyColumns: keyColumns) }
        pending = chunk
    }

    /// Takes the pending chunk out; the cursor moves past it.
    mutating func takePending() -> PendingChunk? {
        guard let chunk = pending.take() else { return nil }
        // A pause asked for after the chunk was read holds on past it.
        let paused = cursor?.paused
        cursor = chunk.cursorAfter
        if !chunk.cursorAfter.isDone { cursor?.paused = paused }
        if chunk.endsTable {
            // Nothing reads the table's changes any more: stop recording them.
            (table, keyColumns) = (nil, [])
            changed.removeAll()
        }
        return chunk
    }

    /// The key the table's chunks are read by (`TableChunkReader.keyColumnNames`), told by the reading thread
    /// before it reads a chunk.
    mutating func identify(keyColumns: [String]) {
        guard !cancelled else { return }
        self.keyColumns = keyColumns
    }

    /// Records a streamed rows event of the table being snapshotted (the keys of every row image), and
    /// drops the pending chunk's rows it makes stale.
    mutating func observe(_ event: RowsEvent, gtid: String) throws {
        guard let table, event.table.qualifiedName == table,
              let columns = Self.keyIndexes(keyColumns, in: event.table) else { return }
        let images: [RowsEvent.Image] = event.kind == .update ? [.before, .after] : [event.kind == .delete ? .before : .after]
        let writer = JSONWriter(capacity: 128)
        for row in 0..<event.rowCount {
            for image in images {
                let key = try Self.key(of: event, row: row, image: image, columns: columns, writer: writer)
                changed.append(ChangedKey(key: key, file: event.binlogFile, position: event.position, gtid: gtid))
                if let watermarks = pending?.watermarks, watermarks.isNewer(file: event.binlogFile, position: event.position, gtid: gtid) {
                    try pending!.drop(key, keyColumns: keyColumns)
                }
            }
        }
    }

    /// The stream found the signal-table row `id` that brackets a chunk (MySQL without GTIDs) at `point`.
    mutating func watermarkFound(_ id: String, at point: BinlogPoint) {
        if let watermarks = pending?.watermarks, watermarks.awaits(id) {
            pending!.watermarks = watermarks.resolving(id, at: point)
        } else if foundWatermarks.count < 64 {
            foundWatermarks[id] = point
        }
    }

    /// A DDL statement the stream read: one on the table being snapshotted refuses the pending chunk.
    mutating func observe(_ change: SchemaChange) {
        guard let table, change.targets.contains(where: { $0.table != nil && $0.description == table }) else { return }
        schemaVersion += 1
        if pending.take() != nil { refused = true }
    }

    /// The indexes of the columns `names` in `table`, in table order; nil when there are none or one is
    /// unknown (the rows cannot be matched).
    static func keyIndexes(_ names: [String], in table: TableMap) -> [Int]? {
        guard !names.isEmpty else { return nil }
        var indexes: [Int] = []
        for name in names {
            guard let index = table.columns.firstIndex(where: { $0.name == name }) else {
                // Column names unknown (a table map without them): the table map's own key, if it has one.
                return table.primaryKey.isEmpty ? nil : table.primaryKey.sorted()
            }
            indexes.append(index)
        }
        return indexes.sorted()
    }

    /// A row's key values (`columns`, in table order: the binlog lists key columns in key order only with
    /// full metadata) as JSON, the same for a streamed row and a snapshot row of the same key.
    static func key(of event: RowsEvent, row: Int, image: RowsEvent.Image, columns: [Int], writer: JSONWriter) throws -> [UInt8] {
        writer.reset()
        for column in columns {
            writer.byte(UInt8(ascii: ","))
            try event.writeKeyValue(row: row, image: image, column: column, to: writer)
        }
        return writer.bytes
    }

    /// `position` with the snapshot's cursor, as checkpoints record it.
    func stamped(_ position: SourcePosition) -> SourcePosition {
        var stamped = position
        stamped.snapshot = cursor
        return stamped
    }

    /// Called after each event's messages: records where the stream stands, and whether the pending
    /// chunk may go out now (reading stands between two transactions, at or past the chunk's high watermark).
    mutating func passed(_ event: SourceEvent) -> Bool {
        boundary = event.mayResumeHere ? event.resumePosition : nil
        // Only where reading may resume: the position that goes with the chunk carries the cursor past it.
        guard let pending, event.mayResumeHere else { return false }
        return pending.watermarks.isReached(by: event.resumePosition)
    }

    /// Whether the pending chunk may go out while the stream is idle between two transactions.
    var mayEmitWhileIdle: Bool {
        guard let pending, let boundary else { return false }
        return pending.watermarks.isReached(by: boundary)
    }
}
