/// A WRITE/UPDATE/DELETE ROWS event, split into rows and cells; values are written as JSON on demand.
///
/// The event's bytes are kept once; each cell records where its value lies in them, so
/// rows are not copied and values nobody asks for (filtered tables, excluded columns) are
/// never formatted.
public struct RowsEvent: Sendable {
    public enum Kind: String, Sendable {
        case insert, update, delete
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

    let bytes: [UInt8]
    /// rowCount × images × columnCount cells.
    let cells: [Cell]
    private let imagesPerRow: Int

    /// Where a value lies in `bytes`; length -1 for NULL, -2 for a column absent from the image.
    struct Cell: Sendable {
        var start: UInt32
        var length: Int32
        static let null: Int32 = -1
        static let absent: Int32 = -2
    }

    /// Whether this event ends its statement (STMT_END_F).
    public var endsStatement: Bool { flags & 1 != 0 }

    init(kind: Kind, table: TableMap, flags: UInt16, binlogFile: String, position: UInt64, eventType: UInt8,
         bytes: [UInt8], rowsStart: Int, columnCount: Int, presentBefore: [UInt8], presentAfter: [UInt8]) throws(EventFailure) {
        self.kind = kind
        self.table = table
        self.flags = flags
        self.binlogFile = binlogFile
        self.position = position
        self.eventType = eventType
        self.bytes = bytes
        let imagesPerRow = kind == .update ? 2 : 1
        self.imagesPerRow = imagesPerRow
        let images = kind == .update ? [presentBefore, presentAfter] : [kind == .insert ? presentAfter : presentBefore]
        var cells: [Cell] = []
        var rows = 0
        let tableColumns = table.columns.count
        try bytes.withEventBytes { buffer throws(EventFailure) in
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
    }

    /// Reads one row image: its NULL bitmap over the present columns, then each present non-NULL value.
    private static func scanImage(_ buffer: UnsafeRawBufferPointer, at offset: inout Int, present: [UInt8], columnCount: Int,
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
            let column = table.columns[index]
            do throws(EventFailure) {
                let (start, length) = try ColumnValueWriter.extent(of: column.kind, in: buffer, at: offset)
                cells.append(Cell(start: UInt32(start), length: Int32(length)))
                offset = start + length
            } catch {
                throw EventFailure(error.reason, table: table.qualifiedName, column: table.columnName(index), columnType: column.realType)
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

    public func isNull(row: Int, image: Image, column: Int) -> Bool {
        cells[cellIndex(row: row, image: image, column: column)].length == Cell.null
    }

    /// Writes the column's value in that row image as JSON (`null` for NULL); an absent column writes nothing and returns false.
    @discardableResult
    public func writeValue(row: Int, image: Image, column: Int, to writer: inout JSONWriter) throws(BinlogDecodingError) -> Bool {
        let cell = cells[cellIndex(row: row, image: image, column: column)]
        if cell.length == Cell.absent { return false }
        if cell.length == Cell.null {
            writer.null()
            return true
        }
        let definition = table.columns[column]
        do throws(EventFailure) {
            try bytes.withEventBytes { buffer throws(EventFailure) in
                let value = UnsafeRawBufferPointer(rebasing: buffer[Int(cell.start)..<(Int(cell.start) + Int(cell.length))])
                try ColumnValueWriter.write(value, column: definition, to: &writer)
            }
        } catch {
            throw BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: eventType,
                                      table: table.qualifiedName, column: table.columnName(column),
                                      columnType: definition.realType, reason: error.reason)
        }
        return true
    }
}
