/// Turns raw binlog events (the bytes from the common header to the checksum, as in a binlog
/// file or from a replication stream) into `DecodedEvent`s.
///
/// Stateful: it keeps the format description, the current binlog file name and the table maps
/// that ROWS events refer to. It verifies CRC32 checksums, and every failure is a
/// `BinlogDecodingError` naming the file and position; it never reads out of bounds.
///
/// A TRANSACTION_PAYLOAD_EVENT (MySQL's compressed transaction) decodes to `.transactionPayload`, and the
/// events inside it come from `nextPayloadEvent()`; `decodeEach` does both (BinlogDecoder+Payload.swift).
public struct BinlogDecoder: Sendable {
    public private(set) var format: FormatDescription
    public private(set) var binlogFile: String
    public private(set) var tables: [UInt64: TableMap] = [:]
    /// Whether to check CRC32 checksums (on by default).
    public var verifiesChecksums = true
    /// The most bytes a TRANSACTION_PAYLOAD_EVENT may declare its events to take uncompressed (they are
    /// decompressed whole, into one buffer): 1 GiB, MySQL's own limit for one event.
    public var maximumPayloadBytes = 1 << 30
    /// The events of the last TRANSACTION_PAYLOAD_EVENT, created with the first one.
    var payloadBuffer: PayloadBuffer?
    /// Where `nextPayloadEvent` stands in them; nil when no payload's events are waiting.
    var pendingPayload: PendingPayload?

    /// - Parameters:
    ///   - binlogFile: the file the first events come from (a fake ROTATE at the start of a dump updates it).
    ///   - checksum: the checksum the events carry before the first FORMAT_DESCRIPTION_EVENT
    ///     (a dump's fake ROTATE does, with `@@binlog_checksum`); a binlog file starts with its FDE.
    public init(binlogFile: String = "", checksum: FormatDescription.Checksum = .none) {
        self.binlogFile = binlogFile
        var format = FormatDescription.assumed
        format.checksum = checksum
        self.format = format
    }

    /// Replaces the cached table map of `table.tableID` (after filling it in from the schema).
    public mutating func updateTable(_ table: TableMap) {
        tables[table.tableID] = table
    }

    /// Decodes one event.
    /// - Parameter filePosition: the event's offset when known from reading a file; else taken from its header.
    /// A TRANSACTION_PAYLOAD_EVENT's events are then read with `nextPayloadEvent()`, up to the next `decode`.
    public mutating func decode(_ event: UnsafeRawBufferPointer, filePosition: UInt64? = nil) throws(BinlogDecodingError) -> DecodedEvent {
        if pendingPayload != nil { finishPayload() }
        var reader = ByteReader(event)
        let header: EventHeader
        do throws(EventFailure) {
            header = try EventHeader(&reader)
        } catch {
            throw failure(error, type: event.count > 4 ? event[4] : 0, position: filePosition ?? 0)
        }
        let position = filePosition ?? (header.nextPosition >= header.eventLength && header.nextPosition > 0
            ? UInt64(header.nextPosition - header.eventLength) : 0)
        do throws(EventFailure) {
            guard Int(header.eventLength) == event.count else {
                throw EventFailure("the header says \(header.eventLength) bytes, the event has \(event.count)")
            }
            let checksum = header.type == BinlogEventType.formatDescription
                ? FormatDescription.Checksum(rawValue: Self.formatDescriptionChecksum(event)) ?? .none : format.checksum
            var bodyEnd = event.count
            if checksum == .crc32 {
                guard event.count >= EventHeader.size + 4 else { throw EventFailure("event too short for its checksum") }
                bodyEnd -= 4
                if verifiesChecksums {
                    let stored = UInt32(event.littleEndian(at: bodyEnd, width: 4))
                    let computed = Self.checksum(of: UnsafeRawBufferPointer(rebasing: event[0..<bodyEnd]), header: header)
                    guard stored == computed else {
                        throw EventFailure("checksum mismatch: stored \(hex(stored)), computed \(hex(computed))")
                    }
                }
            }
            let body = UnsafeRawBufferPointer(rebasing: event[EventHeader.size..<bodyEnd])
            let file = binlogFile  // a ROTATE belongs to the file it ends, not the one it names
            let decoded = try decodeBody(header, body, event: event, bodyEnd: bodyEnd, position: position)
            return DecodedEvent(header: header, binlogFile: header.isArtificial ? binlogFile : file, position: position, event: decoded)
        } catch {
            throw failure(error, type: header.type, position: position)
        }
    }

    func failure(_ error: EventFailure, type: UInt8, position: UInt64) -> BinlogDecodingError {
        BinlogDecodingError(binlogFile: binlogFile, position: position, eventType: type, table: error.table,
                            column: error.column, columnType: error.columnType, reason: error.reason)
    }

    /// The CRC32 the server computed for the event. A binlog file's FDE is checksummed before the
    /// server sets LOG_EVENT_BINLOG_IN_USE_F in it, so that flag is cleared for the computation.
    private static func checksum(of bytes: UnsafeRawBufferPointer, header: EventHeader) -> UInt32 {
        guard header.type == BinlogEventType.formatDescription, header.flags & 0x01 != 0 else {
            return CRC32.checksum(bytes)
        }
        var copy = Array(bytes)
        copy[17] &= 0xfe
        return copy.withUnsafeBytes { CRC32.checksum($0) }
    }

    /// The FDE names its own checksum algorithm in the byte before its last four.
    private static func formatDescriptionChecksum(_ event: UnsafeRawBufferPointer) -> UInt8 {
        guard event.count >= EventHeader.size + 57 + 5 else { return 0 }
        let algorithm = event[event.count - 5]
        return algorithm == 0xff ? 0 : algorithm
    }

    mutating func decodeBody(_ header: EventHeader, _ body: UnsafeRawBufferPointer, event: UnsafeRawBufferPointer,
                                     bodyEnd: Int, position: UInt64) throws(EventFailure) -> BinlogEvent {
        var reader = ByteReader(body)
        switch header.type {
        case BinlogEventType.formatDescription:
            // Its own parser wants the algorithm byte and checksum that follow the post-header lengths.
            let description = try FormatDescription(parsing: UnsafeRawBufferPointer(rebasing: event[EventHeader.size...]))
            format = description
            // A new file starts with its FDE; the copy a server resends when a dump resumes mid-file
            // (next position 0) must keep the table maps of the transaction in progress.
            if header.nextPosition != 0 { tables.removeAll() }
            return .formatDescription(description)

        case BinlogEventType.rotate:
            let nextPosition = try reader.uint64()
            let file = try reader.string(reader.remaining)
            binlogFile = file
            if !header.isArtificial { tables.removeAll() }
            return .rotate(file: file, position: nextPosition)

        case BinlogEventType.query, BinlogEventType.queryCompressed:
            _ = try reader.uint32()  // thread id
            _ = try reader.uint32()  // execution time
            let databaseLength = Int(try reader.uint8())
            let errorCode = try reader.uint16()
            let statusLength = Int(try reader.uint16())
            try reader.skip((format.postHeaderLength(of: header.type) ?? 13) - 13)
            try reader.skip(statusLength)
            let database = try reader.string(databaseLength)
            try reader.skip(1)
            let text = try reader.slice(reader.remaining)
            let statement = header.type == BinlogEventType.queryCompressed
                ? String(decoding: try Self.decompress(text), as: UTF8.self) : String(decoding: text, as: UTF8.self)
            return .query(QueryEvent(database: database, statement: statement, errorCode: errorCode))

        case BinlogEventType.xid:
            return .xid(try reader.uint64())

        case BinlogEventType.xaPrepare:
            let onePhase = try reader.uint8() != 0
            let formatID = Int64(Int32(bitPattern: try reader.uint32()))
            let globalLength = Int(try reader.uint32()), qualifierLength = Int(try reader.uint32())
            guard globalLength <= 64, qualifierLength <= 64 else {
                throw EventFailure("XA_PREPARE names an XID of \(globalLength)+\(qualifierLength) bytes (at most 64+64)")
            }
            let global = try reader.array(globalLength), qualifier = try reader.array(qualifierLength)
            return .xaPrepare(XAPrepare(onePhase: onePhase, xid: XID(gtrid: global, bqual: qualifier, formatID: formatID)))

        case BinlogEventType.tableMap:
            let tableIDLength = format.postHeaderLength(of: header.type) == 6 ? 4 : 6
            let table = try TableMap(parsing: body, tableIDLength: tableIDLength, mariaDB: format.isMariaDB)
            tables[table.tableID] = table
            return .tableMap(table)

        case BinlogEventType.writeRowsV1, BinlogEventType.updateRowsV1, BinlogEventType.deleteRowsV1,
             BinlogEventType.writeRowsV2, BinlogEventType.updateRowsV2, BinlogEventType.deleteRowsV2,
             BinlogEventType.writeRowsCompressedV1, BinlogEventType.updateRowsCompressedV1, BinlogEventType.deleteRowsCompressedV1,
             BinlogEventType.writeRowsCompressed, BinlogEventType.updateRowsCompressed, BinlogEventType.deleteRowsCompressed:
            return .rows(try decodeRows(header, body, position: position))

        case BinlogEventType.mariadbGTID:
            let sequence = try reader.uint64()
            let domain = try reader.uint32()
            let flags = try reader.uint8()
            return .mariaDBGTID(MariaDBGTID(domainID: domain, serverID: header.serverID, sequence: sequence, flags: flags))

        case BinlogEventType.gtidList:
            let count = Int(try reader.uint32() & 0x0fff_ffff)
            guard count <= reader.remaining / 16 else { throw EventFailure("GTID list of \(count) entries exceeds its event") }
            var entries: [String] = []
            for _ in 0..<count {
                let domain = try reader.uint32(), server = try reader.uint32(), sequence = try reader.uint64()
                entries.append("\(domain)-\(server)-\(sequence)")
            }
            return .gtidState(entries.joined(separator: ","))

        case BinlogEventType.mysqlGTID, BinlogEventType.anonymousGTID:
            _ = try reader.uint8()  // flags
            let source = try reader.array(16)
            let number = Int64(bitPattern: try reader.uint64())
            return .mysqlGTID(MySQLGTID(sourceID: source, transactionNumber: number))

        case BinlogEventType.gtidTagged:
            return .mysqlGTID(try MySQLGTID(taggedEventBody: body))

        case BinlogEventType.previousGTIDs:
            return .gtidState(try PreviousGTIDs.text(&reader))

        case BinlogEventType.incident:
            let number = try reader.uint16()
            try reader.skip(max(0, (format.postHeaderLength(of: header.type) ?? 2) - 2))
            let message = try reader.string(Int(try reader.uint8()))
            return .incident(number: number, message: message)

        case BinlogEventType.annotateRows:
            return .rowsQuery(try reader.string(reader.remaining))

        case BinlogEventType.rowsQuery:
            try reader.skip(1)  // a length byte that is wrong for statements over 255 bytes; the text runs to the end
            return .rowsQuery(try reader.string(reader.remaining))

        case BinlogEventType.heartbeat, BinlogEventType.heartbeatV2:
            return .heartbeat

        case BinlogEventType.stop:
            return .stop

        case BinlogEventType.partialUpdateRows:
            return .rows(try decodeRows(header, body, position: position))
        case BinlogEventType.transactionPayload:
            return .transactionPayload(try loadPayload(body, header: header, position: position))
        case BinlogEventType.startEncryption:
            throw EventFailure("encrypted binlogs cannot be decoded")

        case 1, 5, 6...14, 17, 18, 28, 36, 37, BinlogEventType.binlogCheckpoint:
            return .other(type: header.type)

        default:
            // LOG_EVENT_IGNORABLE_F: the server says a reader that does not know the event may skip it.
            if header.flags & 0x80 != 0 { return .other(type: header.type) }
            throw EventFailure("unknown event type \(header.type)")
        }
    }

    private func decodeRows(_ header: EventHeader, _ body: UnsafeRawBufferPointer, position: UInt64) throws(EventFailure) -> RowsEvent {
        var reader = ByteReader(body)
        let (kind, typeIsVersion2, compressed) = Self.rowsEventForm(header.type)
        // The FDE's post-header length tells v1 (8) from v2 (10, with extra data); the type code is the fallback.
        let version2 = format.postHeaderLength(of: header.type).map { $0 == 10 } ?? typeIsVersion2
        let tableIDLength = format.postHeaderLength(of: header.type) == 6 ? 4 : 6
        let tableID = try reader.littleEndian(tableIDLength)
        let flags = try reader.uint16()
        if version2 {
            let extraLength = Int(try reader.uint16())
            guard extraLength >= 2 else { throw EventFailure("ROWS extra data length \(extraLength) is below 2") }
            try reader.skip(extraLength - 2)
        }
        guard let table = tables[tableID] else {
            throw EventFailure("no TABLE_MAP_EVENT for table id \(tableID) before its rows (start reading at the first event of a transaction)")
        }
        let declaredColumns = try reader.lengthEncoded()
        guard declaredColumns <= UInt64(table.columns.count) else {
            throw EventFailure("the row has \(declaredColumns) columns, its table map \(table.columns.count)", table: table.qualifiedName)
        }
        let columnCount = Int(declaredColumns)
        let bitmapLength = (columnCount + 7) / 8
        let first = try reader.array(bitmapLength)
        let second = kind == .update ? try reader.array(bitmapLength) : first
        let bytes: EventBytes
        if compressed {
            // MariaDB compresses the rows after the bitmaps; the rows event is parsed as if they were plain.
            let rows = try Self.decompress(try reader.slice(reader.remaining))
            var whole = Array(UnsafeRawBufferPointer(rebasing: body[..<reader.offset]))
            whole.append(contentsOf: rows)
            bytes = whole.withUnsafeBytes { EventBytes(copying: $0) }
        } else {
            bytes = EventBytes(copying: body)
        }
        if header.type == BinlogEventType.partialUpdateRows {
            return try RowsEvent(partialUpdateOf: table, flags: flags, binlogFile: binlogFile, position: position,
                                 eventType: header.type, bytes: bytes, rowsStart: reader.offset, columnCount: columnCount,
                                 presentBefore: first, presentAfter: second)
        }
        return try RowsEvent(kind: kind, table: table, flags: flags, binlogFile: binlogFile, position: position,
                             eventType: header.type, bytes: bytes, rowsStart: reader.offset, columnCount: columnCount,
                             presentBefore: first, presentAfter: second)
    }

    /// The change kind of a rows event type, whether it has the v2 extra-data header, and whether it is compressed.
    private static func rowsEventForm(_ type: UInt8) -> (RowsEvent.Kind, version2: Bool, compressed: Bool) {
        switch type {
        case BinlogEventType.writeRowsV1: return (.insert, false, false)
        case BinlogEventType.updateRowsV1: return (.update, false, false)
        case BinlogEventType.deleteRowsV1: return (.delete, false, false)
        case BinlogEventType.writeRowsV2: return (.insert, true, false)
        case BinlogEventType.updateRowsV2, BinlogEventType.partialUpdateRows: return (.update, true, false)
        case BinlogEventType.deleteRowsV2: return (.delete, true, false)
        case BinlogEventType.writeRowsCompressedV1: return (.insert, false, true)
        case BinlogEventType.updateRowsCompressedV1: return (.update, false, true)
        case BinlogEventType.deleteRowsCompressedV1: return (.delete, false, true)
        case BinlogEventType.writeRowsCompressed: return (.insert, true, true)
        case BinlogEventType.updateRowsCompressed: return (.update, true, true)
        default: return (.delete, true, true)
        }
    }

    /// MariaDB's compressed payload: a byte `0x80 | algorithm << 4 | n`, the uncompressed length in
    /// n big-endian bytes, then a zlib stream (algorithm 0, the only one MariaDB writes).
    static func decompress(_ data: UnsafeRawBufferPointer) throws(EventFailure) -> [UInt8] {
        guard let first = data.first else { throw EventFailure("compressed payload is empty") }
        let lengthBytes = Int(first & 0x07)
        let algorithm = (first & 0x70) >> 4
        guard first & 0x80 != 0, (1...4).contains(lengthBytes), data.count > 1 + lengthBytes else {
            throw EventFailure("compressed payload has an invalid header byte \(first)")
        }
        guard algorithm == 0 else { throw EventFailure("compression algorithm \(algorithm) is not supported (only zlib)") }
        let length = Int(data.bigEndian(at: 1, width: lengthBytes))
        return try Inflate.zlib(UnsafeRawBufferPointer(rebasing: data[(1 + lengthBytes)...]), expectedLength: length)
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}
