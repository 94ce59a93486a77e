#if canImport(Glibc)
import Glibc
#endif

/// A WRITE/UPDATE/DELETE ROWS event (and MySQL's PARTIAL_UPDATE_ROWS, as an UPDATE), split into rows
/// and cells; values are written as JSON on demand.
///
/// The event's bytes are kept once; each cell records where its value lies in them, so
/// rows are not copied and values nobody asks for (filtered tables, excluded columns) are
/// never formatted.
public final class RowsEvent: Sendable {
    public enum Kind: String, Sendable {
        case insert, update, delete
        /// A row as a snapshot read it (`SnapshotRowsBuilder`): an after image, like an insert's.
        case read
    }

    /// Before and after images of an UPDATE; the single image of an INSERT (after) or DELETE (before).
    public enum Image: Sendable {
        case before, after
    }

    public let kind: Kind
    public let table: TableMap
    public let flags: UInt16
    /// Where the event starts, for messages and errors.
    public let binlogFile: String
    public let position: UInt64
    public let eventType: UInt8
    public let rowCount: Int

    let bytes: EventBytes
    /// rowCount × images × columnCount cells.
    let cells: [Cell]
    private let imagesPerRow: Int

    /// The JSON diffs of a PARTIAL_UPDATE_ROWS_EVENT that could not be applied because the before image
    /// leaves the column out (`binlog_row_image=MINIMAL`): the after image leaves it out too, and the
    /// message carries these instead (`data.json_diffs`). Empty for every other event.
    public let unappliedJSONDiffs: [UnappliedJSONDiffs]
    /// How many after-image JSON values of a PARTIAL_UPDATE_ROWS_EVENT binlogo built from the old
    /// document and the logged diffs (0 for every other event).
    public let documentsFromJSONDiffs: Int

    /// One row's column whose new JSON document is not known, only the changes MySQL logged for it.
    public struct UnappliedJSONDiffs: Sendable {
        public let row: Int
        public let column: Int
        let diffs: [JSONDiff]
    }

    /// Where a value lies in `bytes`; length -1 for NULL, -2 for a column absent from the image.
    struct Cell: Sendable {
        var start: UInt32
        var length: Int32
        static let null: Int32 = -1
        static let absent: Int32 = -2
    }

    /// The bytes the event keeps (its body), for memory accounting.
    public var byteCount: Int { bytes.buffer.count }

    /// Whether this event ends its statement (STMT_END_F).
    public var endsStatement: Bool { flags & 1 != 0 }

    init(kind: Kind, table: TableMap, flags: UInt16, binlogFile: String, position: UInt64, eventType: UInt8,
         bytes: EventBytes, rowsStart: Int, columnCount: Int, presentBefore: [UInt8], presentAfter: [UInt8]) throws(EventFailure) {
        self.kind = kind
        self.table = table
        self.flags = flags
        self.binlogFile = binlogFile
        self.position = position
        self.eventType = eventType
        self.bytes = bytes
        let imagesPerRow = kind == .update ? 2 : 1
        self.imagesPerRow = imagesPerRow
        let images = kind == .update ? [presentBefore, presentAfter] : [kind == .delete ? presentBefore : presentAfter]
        var cells: [Cell] = []
        var rows = 0
        let tableColumns = table.columns.count
        do {
            let buffer = bytes.buffer
            var offset = rowsStart
            cells.reserveCapacity(max(1, (buffer.count - rowsStart) / 8) * imagesPerRow)
            while offset < buffer.count {
                let rowStart = offset
                for present in images {
                    try Self.scanImage(buffer, at: &offset, present: present, columnCount: columnCount,
                                       table: table, tableColumns: tableColumns, into: &cells)
                }
                guard offset > rowStart else {
                    throw EventFailure("a row image of zero bytes (no column present)", table: table.qualifiedName)
                }
                rows += 1
            }
        }
        self.cells = cells
        self.rowCount = rows
        self.unappliedJSONDiffs = []
        self.documentsFromJSONDiffs = 0
    }

    /// The rows of a PARTIAL_UPDATE_ROWS_EVENT, as an UPDATE whose partial JSON columns hold the whole
    /// new document (see `PartialUpdateRows`).
    init(partialUpdateOf table: TableMap, flags: UInt16, binlogFile: String, position: UInt64, eventType: UInt8,
         bytes: EventBytes, rowsStart: Int, columnCount: Int, presentBefore: [UInt8], presentAfter: [UInt8]) throws(EventFailure) {
        let rows = try PartialUpdateRows(table: table, bytes: bytes, rowsStart: rowsStart, columnCount: columnCount,
                                         presentBefore: presentBefore, presentAfter: presentAfter)
        self.kind = .update
        self.table = table
        self.flags = flags
        self.binlogFile = binlogFile
        self.position = position
        self.eventType = eventType
        self.bytes = rows.bytes
        self.imagesPerRow = 2
        self.cells = rows.cells
        self.rowCount = rows.rowCount
        self.unappliedJSONDiffs = rows.unapplied
        self.documentsFromJSONDiffs = rows.documentsFromDiffs
    }

    /// Reads one row image: its NULL bitmap over the present columns, then each present non-NULL value.
    static func scanImage(_ buffer: UnsafeRawBufferPointer, at offset: inout Int, present: [UInt8], columnCount: Int,
                          table: TableMap, tableColumns: Int, into cells: inout [Cell]) throws(EventFailure) {
        var presentCount = 0
        for index in 0..<columnCount where present[index >> 3] & (1 << (index & 7)) != 0 { presentCount += 1 }
        let nullBitmapLength = (presentCount + 7) / 8
        guard nullBitmapLength <= buffer.count - offset else { throw EventFailure("row image ends inside its NULL bitmap", table: table.qualifiedName) }
        let nullBitmap = offset
        offset += nullBitmapLength
        var presentIndex = 0
        for index in 0..<tableColumns {
            guard index < columnCount, present[index >> 3] & (1 << (index & 7)) != 0 else {
                cells.append(Cell(start: 0, length: Cell.absent))
                continue
            }
            defer { presentIndex += 1 }
            if buffer[nullBitmap + (presentIndex >> 3)] & (1 << (presentIndex & 7)) != 0 {
                cells.append(Cell(start: 0, length: Cell.null))
                continue
            }
            do throws(EventFailure) {
                let (start, length) = try ColumnValueWriter.extent(of: table.kinds[index], in: buffer, at: offset)
                cells.append(Cell(start: UInt32(start), length: Int32(length)))
                offset = start + length
            } catch {
                throw EventFailure(error.reason, table: table.qualifiedName, column: table.columnName(index),
                                   columnType: table.columns[index].realType)
            }
        }
    }

    private func cellIndex(row: Int, image: Image, column: Int) -> Int {
        let imageIndex = kind == .update && image == .after ? 1 : 0
        return (row * imagesPerRow + imageIndex) * table.columns.count + column
    }

    /// Whether the image carries the column (MINIMAL and NOBLOB images leave some out).
    public func isPresent(row: Int, image: Image, column: Int) -> Bool {
        cells[cellIndex(row: row, image: image, column: column)].length != Cell.absent
    }

    /// Whether an UPDATE row's column holds the same bytes before and after (a column the after image
    /// leaves out, as MINIMAL images do with unchanged ones, counts as unchanged). Compares the logged
    /// bytes, so it is what comparing the two JSON values would say, without writing them.
    public func isUnchanged(row: Int, column: Int) -> Bool {
        guard kind == .update else { return true }
        let before = cells[cellIndex(row: row, image: .before, column: column)]
        let after = cells[cellIndex(row: row, image: .after, column: column)]
        if after.length == Cell.absent { return true }
        guard before.length == after.length else { return false }
        guard before.length > 0 else { return true }
        let buffer = bytes.buffer
        return memcmp(buffer.baseAddress! + Int(before.start), buffer.baseAddress! + Int(after.start), Int(before.length)) == 0
    }

    public func isNull(row: Int, image: Image, column: Int) -> Bool {
        cells[cellIndex(row: row, image: image, column: column)].length == Cell.null
    }

    /// Writes a row image as a JSON object of the columns it carries, leaving out `excluded` names.
    public func writeImage(row: Int, image: Image, excluded: ExcludedColumns?, to writer: JSONWriter) throws(BinlogDecodingError) {
        try writeImage(row: row, image: image, excluded: excluded, style: .binlogo, onlyChanged: false, to: writer)
    }

    /// The same in another format's values (`style`), and, with `onlyChanged`, of an UPDATE only the columns
    /// whose value differs between the images (Maxwell's and Canal's `old`). Inlined, so that binlogo's own
    /// format (the call above, with constants) pays for neither (callgrind: 1.7 % of the decode otherwise).
    @inline(__always)
    public func writeImage(row: Int, image: Image, excluded: ExcludedColumns?, style: ValueStyle, onlyChanged: Bool,
                           to writer: JSONWriter) throws(BinlogDecodingError) {
        let columnCount = table.columns.count
        let base = cellIndex(row: row, image: image, column: 0)
        // The columns left out (excluded, or unchanged when only the changed are written), found before the
        // loop, so that the loop over every other image tests no more than a nil.
        let skipped: [Bool]? = excluded == nil && !onlyChanged ? nil : (0..<columnCount).map { column in
            excluded?.contains(table.columnName(column)) == true || (onlyChanged && isUnchanged(row: row, column: column))
        }
        var failure: (column: Int, reason: String)?
        writer.byte(UInt8(ascii: "{"))
        cells.withUnsafeBufferPointer { cells in
            table.kinds.withUnsafeBufferPointer { kinds in
                table.jsonKeyBytes.withUnsafeBytes { keys in
                    table.jsonKeyOffsets.withUnsafeBufferPointer { keyOffsets in
                        var first = true
                        for column in 0..<columnCount {
                            let cell = cells[base + column]
                            if cell.length == Cell.absent { continue }
                            if let skipped, skipped[column] { continue }
                            if !first { writer.byte(UInt8(ascii: ",")) }
                            first = false
                            writer.raw(UnsafeRawBufferPointer(rebasing: keys[keyOffsets[column]..<keyOffsets[column + 1]]))
                            if cell.length == Cell.null {
                                writer.null()
                                continue
                            }
                            let start = Int(cell.start)
                            let value = UnsafeRawBufferPointer(rebasing: bytes.buffer[start..<(start + Int(cell.length))])
                            do throws(EventFailure) {
                                try ColumnValueWriter.write(value, kind: kinds[column], table: table, column: column, style: style, to: writer)
                            } catch {
                                failure = (column, error.reason)
                                return
                            }
                        }
                    }
                }
            }
        }
        writer.byte(UInt8(ascii: "}"))
        if let failure {
            throw BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: eventType,
                                      table: table.qualifiedName, column: table.columnName(failure.column),
                                      columnType: table.columns[failure.column].realType, reason: failure.reason)
        }
    }

    /// Writes the column's value in that row image as JSON (`null` for NULL); an absent column writes nothing and returns false.
    @discardableResult
    public func writeValue(row: Int, image: Image, column: Int, style: ValueStyle = .binlogo,
                           to writer: JSONWriter) throws(BinlogDecodingError) -> Bool {
        let cell = cells[cellIndex(row: row, image: image, column: column)]
        if cell.length == Cell.absent { return false }
        if cell.length == Cell.null {
            writer.null()
            return true
        }
        let value = UnsafeRawBufferPointer(rebasing: bytes.buffer[Int(cell.start)..<(Int(cell.start) + Int(cell.length))])
        do throws(EventFailure) {
            try ColumnValueWriter.write(value, kind: table.kinds[column], table: table, column: column, style: style, to: writer)
        } catch {
            throw BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: eventType,
                                      table: table.qualifiedName, column: table.columnName(column),
                                      columnType: table.columns[column].realType, reason: error.reason)
        }
        return true
    }

    /// Writes a key column's value from `image`, or from the before image where the after image leaves the
    /// column out (MINIMAL row images log an UPDATE's unchanged key there only), or `null` when neither has it.
    public func writeKeyValue(row: Int, image: Image, column: Int, style: ValueStyle = .binlogo,
                              to writer: JSONWriter) throws(BinlogDecodingError) {
        if try !writeValue(row: row, image: image, column: column, style: style, to: writer),
           try !writeValue(row: row, image: .before, column: column, style: style, to: writer) {
            writer.null()
        }
    }

    /// Writes `,"json_diffs":{"column":[{"op":…,"path":…,"value":…},…],…}` for the row's columns whose new
    /// JSON document is not known (see `unappliedJSONDiffs`), leaving out `excluded` names; writes nothing
    /// when the row has none.
    public func writeUnappliedJSONDiffs(row: Int, excluded: ExcludedColumns?, to writer: JSONWriter) throws(BinlogDecodingError) {
        var first = true
        for unapplied in unappliedJSONDiffs where unapplied.row == row {
            let name = table.columnName(unapplied.column)
            if let excluded, excluded.contains(name) { continue }
            if first { writer.raw(",\"json_diffs\":{") } else { writer.byte(UInt8(ascii: ",")) }
            first = false
            table.writeKey(unapplied.column, to: writer)
            writer.byte(UInt8(ascii: "["))
            for (index, diff) in unapplied.diffs.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                do throws(EventFailure) {
                    try diff.write(in: bytes.buffer, to: writer)
                } catch {
                    throw BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: eventType,
                                              table: table.qualifiedName, column: name,
                                              columnType: table.columns[unapplied.column].realType, reason: error.reason)
                }
            }
            writer.byte(UInt8(ascii: "]"))
        }
        if !first { writer.byte(UInt8(ascii: "}")) }
    }
}
