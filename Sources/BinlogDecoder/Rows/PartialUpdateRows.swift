/// The rows of a PARTIAL_UPDATE_ROWS_EVENT (MySQL 8.0+, `binlog_row_value_options=PARTIAL_JSON`),
/// turned into the cells of an ordinary UPDATE: each JSON column MySQL logged as a list of diffs gets
/// the whole new document, the old document with the diffs applied.
///
/// Layout (sql/rpl_record.h, `pack_row`/`unpack_row`): each row is a before image as in UPDATE_ROWS,
/// then a "shared image" — `value_options` (a length-encoded integer, 0 or 1 = PARTIAL_JSON_UPDATES)
/// and, when it is 1, one bit per JSON column of the table (whether the column is in the after image
/// or not) saying whether that column's after value is a diff list rather than a document — then the
/// after image, whose partial JSON values are a 4-byte length and `Json_diff_vector`'s diffs.
///
/// A diff list needs the old document. When the before image leaves the column out
/// (`binlog_row_image=MINIMAL`), nothing is guessed: the column is left out of the after image and its
/// diffs are kept as `RowsEvent.UnappliedJSONDiffs`, which the message carries as they are.
///
/// The rows of ordinary events never come here: this scanner is a copy of the row scan with the shared
/// image and the partial bits added, so that the scan every other rows event takes stays as it is.
struct PartialUpdateRows {
    private(set) var bytes: EventBytes
    private(set) var cells: [RowsEvent.Cell] = []
    private(set) var rowCount = 0
    private(set) var unapplied: [RowsEvent.UnappliedJSONDiffs] = []
    /// How many after-image values are documents built here from an old document and diffs.
    private(set) var documentsFromDiffs = 0

    /// A partial column of the after image, before its diffs are applied.
    private struct PendingDiffs {
        var row: Int
        var column: Int
        /// The diffs' bytes (what the column's 4-byte length delimits) in the event's bytes.
        var start: Int
        var length: Int
    }

    init(table: TableMap, bytes body: EventBytes, rowsStart: Int, columnCount: Int,
         presentBefore: [UInt8], presentAfter: [UInt8]) throws(EventFailure) {
        bytes = body
        let buffer = body.buffer
        let tableColumns = table.columns.count
        let jsonColumns = table.columns.reduce(0) { $0 + ($1.realType == ColumnType.json ? 1 : 0) }
        var pending: [PendingDiffs] = []
        var offset = rowsStart
        cells.reserveCapacity(max(1, (buffer.count - rowsStart) / 8) * 2)
        while offset < buffer.count {
            let rowStart = offset
            try RowsEvent.scanImage(buffer, at: &offset, present: presentBefore, columnCount: columnCount,
                                    table: table, tableColumns: tableColumns, into: &cells)
            var reader = ByteReader(buffer, offset: offset)
            let valueOptions: UInt64
            let partialBits: UnsafeRawBufferPointer
            do throws(EventFailure) {
                valueOptions = try reader.lengthEncoded()
                partialBits = valueOptions == 1 ? try reader.slice((jsonColumns + 7) / 8) : UnsafeRawBufferPointer(start: nil, count: 0)
            } catch {
                throw EventFailure("the row ends inside its value options and partial JSON bits (\(error.reason))", table: table.qualifiedName)
            }
            guard valueOptions <= 1 else {
                throw EventFailure("a row with value options \(valueOptions) (only 0 and 1 = PARTIAL_JSON exist)", table: table.qualifiedName)
            }
            offset = reader.offset
            try scanAfterImage(buffer, at: &offset, present: presentAfter, partialBits: partialBits, columnCount: columnCount,
                               table: table, row: rowCount, into: &pending)
            guard offset > rowStart else {
                throw EventFailure("a row image of zero bytes (no column present)", table: table.qualifiedName)
            }
            rowCount += 1
        }
        try apply(pending, table: table)
    }

    /// The after image: like `RowsEvent.scanImage`, with each JSON column's partial bit read (every
    /// JSON column of the table has one, in the image or not) and partial values set aside.
    private mutating func scanAfterImage(_ buffer: UnsafeRawBufferPointer, at offset: inout Int, present: [UInt8],
                                         partialBits: UnsafeRawBufferPointer, columnCount: Int, table: TableMap, row: Int,
                                         into pending: inout [PendingDiffs]) throws(EventFailure) {
        var presentCount = 0
        for index in 0..<columnCount where present[index >> 3] & (1 << (index & 7)) != 0 { presentCount += 1 }
        let nullBitmapLength = (presentCount + 7) / 8
        guard nullBitmapLength <= buffer.count - offset else { throw EventFailure("row image ends inside its NULL bitmap", table: table.qualifiedName) }
        let nullBitmap = offset
        offset += nullBitmapLength
        var presentIndex = 0
        var jsonIndex = 0
        for index in 0..<table.columns.count {
            var partial = false
            if table.columns[index].realType == ColumnType.json {
                partial = !partialBits.isEmpty && partialBits[jsonIndex >> 3] & (1 << (jsonIndex & 7)) != 0
                jsonIndex += 1
            }
            guard index < columnCount, present[index >> 3] & (1 << (index & 7)) != 0 else {
                cells.append(RowsEvent.Cell(start: 0, length: RowsEvent.Cell.absent))
                continue
            }
            defer { presentIndex += 1 }
            // A NULL value has no diffs, whatever its partial bit says (MySQL's reader reads the NULL bit first).
            if buffer[nullBitmap + (presentIndex >> 3)] & (1 << (presentIndex & 7)) != 0 {
                cells.append(RowsEvent.Cell(start: 0, length: RowsEvent.Cell.null))
                continue
            }
            do throws(EventFailure) {
                let kind = table.kinds[index]
                if partial && kind != .json(lengthBytes: 4) {
                    throw EventFailure("a partial JSON value in a column whose length does not take 4 bytes")
                }
                let (start, length) = try ColumnValueWriter.extent(of: kind, in: buffer, at: offset)
                if partial { pending.append(PendingDiffs(row: row, column: index, start: start, length: length)) }
                cells.append(RowsEvent.Cell(start: UInt32(start), length: Int32(length)))
                offset = start + length
            } catch {
                throw EventFailure(error.reason, table: table.qualifiedName, column: table.columnName(index),
                                   columnType: table.columns[index].realType)
            }
        }
    }

    /// Applies each partial column's diffs to its old document and points its cell at the new one,
    /// appended to the event's bytes; a column without an old document gets an absent cell and its diffs kept.
    private mutating func apply(_ pending: [PendingDiffs], table: TableMap) throws(EventFailure) {
        guard !pending.isEmpty else { return }
        let columnCount = table.columns.count
        let buffer = bytes.buffer
        var appended: [UInt8] = []
        for diffs in pending {
            let afterIndex = (diffs.row * 2 + 1) * columnCount + diffs.column
            let before = cells[(diffs.row * 2) * columnCount + diffs.column]
            do throws(EventFailure) {
                let parsed = try JSONDiff.parseVector(buffer, start: diffs.start, length: diffs.length)
                if before.length == RowsEvent.Cell.absent {
                    let scratch = JSONWriter(capacity: 256)
                    for diff in parsed { try diff.write(in: buffer, to: scratch) }  // values are checked now, not when written
                    cells[afterIndex] = RowsEvent.Cell(start: 0, length: RowsEvent.Cell.absent)
                    unapplied.append(RowsEvent.UnappliedJSONDiffs(row: diffs.row, column: diffs.column, diffs: parsed))
                    continue
                }
                guard before.length != RowsEvent.Cell.null else { throw EventFailure("a partial JSON update of a NULL document") }
                if parsed.isEmpty {
                    // MySQL logs an unchanged JSON column of a FULL after image as an empty diff list.
                    cells[afterIndex] = before
                    continue
                }
                let start = Int(before.start)
                var document = try JSONDocument(binary: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + Int(before.length))]))
                for diff in parsed {
                    try document.apply(diff, value: UnsafeRawBufferPointer(rebasing: buffer[diff.valueStart..<(diff.valueStart + diff.valueLength)]))
                }
                let new = try document.binary()
                let newStart = buffer.count + appended.count
                guard newStart + new.count <= Int(Int32.max) else { throw EventFailure("the new JSON document does not fit in a rows event") }
                cells[afterIndex] = RowsEvent.Cell(start: UInt32(newStart), length: Int32(new.count))
                appended.append(contentsOf: new)
                documentsFromDiffs += 1
            } catch {
                throw EventFailure(error.reason, table: table.qualifiedName, column: table.columnName(diffs.column),
                                   columnType: table.columns[diffs.column].realType)
            }
        }
        if !appended.isEmpty {
            bytes = appended.withUnsafeBytes { EventBytes(copying: buffer, appending: $0) }
        }
    }
}
