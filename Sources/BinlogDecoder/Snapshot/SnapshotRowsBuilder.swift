/// Collects the rows a snapshot's SELECT returns as binlog row images of one table, and hands them on
/// as a rows event of kind `read`: the encoder, the router and the filters then treat them exactly as
/// the table's streamed rows, and every value is written by the same code.
public struct SnapshotRowsBuilder {
    public private(set) var table: TableMap
    private var bytes: [UInt8] = []
    public private(set) var rowCount = 0
    private let nullBitmapLength: Int

    /// Per column: whether it is an ENUM or SET whose `information_schema` labels hold a `?` to correct.
    private var labelsToCorrect: [Bool]

    public init(table: TableMap) {
        self.table = table
        nullBitmapLength = (table.columns.count + 7) / 8
        labelsToCorrect = table.columns.map { $0.isEnumOrSet && $0.labels?.contains { $0.contains("?") } == true }
    }

    /// The bytes the rows take so far.
    public var byteCount: Int { bytes.count }

    /// Appends one row: `values[i]` is column i's text (nil for NULL), as the SELECT of
    /// `SnapshotColumn.selectExpression` returns it. Throws naming the column when a value cannot be read.
    public mutating func appendRow(_ values: (Int) -> UnsafeRawBufferPointer?) throws(BinlogDecodingError) {
        let rowStart = bytes.count
        let bitmap = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: nullBitmapLength))
        for column in 0..<table.columns.count {
            guard let value = values(column) else {
                bytes[bitmap + column >> 3] |= 1 << UInt8(column & 7)
                continue
            }
            do throws(EventFailure) {
                try SnapshotValueEncoder.append(value, kind: table.kinds[column], to: &bytes)
                if labelsToCorrect[column] {
                    if case .set = table.kinds[column] { try correctLabels(column, from: value, set: true) } else { try correctLabels(column, from: value, set: false) }
                }
            } catch {
                bytes.removeSubrange(rowStart...)
                throw BinlogDecodingError(binlogFile: "", position: 0, eventType: 0, table: table.qualifiedName,
                                          column: table.columnName(column), columnType: table.columns[column].realType,
                                          reason: "snapshot value: \(error.reason)")
            }
        }
        rowCount += 1
    }

    /// Puts the labels a value of an ENUM or SET column shows in place of `information_schema`'s when
    /// these hold a `?` (a character it could not show): a label is only replaced by the server's own.
    private mutating func correctLabels(_ column: Int, from value: UnsafeRawBufferPointer, set: Bool) throws(EventFailure) {
        guard var labels = table.columns[column].labels else { return }
        let (number, text) = try SnapshotValueEncoder.labelledNumber(value)
        let encoding = table.columns[column].collation.map(TextEncoding.init(collation:)) ?? .utf8
        guard let shown = TextValue.string(text, encoding: encoding) else { return }
        let indexes = set ? (0..<min(labels.count, 64)).filter { number & (1 << UInt64($0)) != 0 } : number > 0 ? [Int(number) - 1] : []
        let members = set ? shown.split(separator: ",", omittingEmptySubsequences: false).map(String.init) : [shown]
        guard indexes.count == members.count else { return }
        var changed = false
        for (index, member) in zip(indexes, members) where index < labels.count && labels[index] != member {
            labels[index] = member
            changed = true
        }
        if changed { table.columns[column].labels = labels }
    }

    /// The rows so far as one rows event of kind `read`, placed at `binlogFile:position` (where the
    /// stream stood when they were read); the builder starts over empty.
    public mutating func makeEvent(binlogFile: String, position: UInt64) throws(BinlogDecodingError) -> RowsEvent {
        let columnCount = table.columns.count
        let allPresent = [UInt8](repeating: 0xff, count: (columnCount + 7) / 8)
        defer {
            bytes.removeAll(keepingCapacity: true)
            rowCount = 0
        }
        let copy = bytes.withUnsafeBytes { EventBytes(copying: $0) }
        do throws(EventFailure) {
            return try RowsEvent(kind: .read, table: table, flags: 1, binlogFile: binlogFile, position: position, eventType: 0,
                                 bytes: copy, rowsStart: 0, columnCount: columnCount,
                                 presentBefore: allPresent, presentAfter: allPresent)
        } catch {
            throw BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: 0, table: table.qualifiedName,
                                      column: error.column, reason: error.reason)
        }
    }
}
