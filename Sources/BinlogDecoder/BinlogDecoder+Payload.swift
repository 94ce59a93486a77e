/// MySQL's compressed transactions (TRANSACTION_PAYLOAD_EVENT, `binlog_transaction_compression=ON`):
/// the events of a transaction after its GTID event, zstd-compressed (or not, type none) into one event.
///
/// The events inside decode exactly as if the transaction had not been compressed, except where they
/// are: each reports the payload event's position (they have none of their own in the file; the server
/// writes no checksum and no next position into them), and `header.nextPosition` is 0 on all but the
/// last, which carries the payload event's own next position. A reader that resumes at the last next
/// position it saw (as `BinlogSource` does) so resumes at the payload event until its last event has
/// been handled, and after the payload event from then on: a restart neither repeats nor skips it.
extension BinlogDecoder {
    /// Where `nextPayloadEvent` stands in the loaded payload.
    struct PendingPayload: Sendable {
        /// The payload event's place: its events report it.
        let position: UInt64
        /// The payload event's next position: the last event inside carries it.
        let endPosition: UInt32
        var offset = 0
        var eventsRead = 0
    }

    /// Decodes one event and hands `body` what it stands for, in order: the event itself, or for a
    /// TRANSACTION_PAYLOAD_EVENT each event inside it (and not the payload event).
    /// `body` must not use this decoder; a reader that completes table maps (`updateTable`) between
    /// events uses `decode` and `nextPayloadEvent` itself.
    public mutating func decodeEach(_ event: UnsafeRawBufferPointer, filePosition: UInt64? = nil,
                                    _ body: (DecodedEvent) throws -> Void) throws {
        let decoded = try decode(event, filePosition: filePosition)
        guard case .transactionPayload = decoded.event else { return try body(decoded) }
        while let inner = try nextPayloadEvent() { try body(inner) }
    }

    /// The next event inside the TRANSACTION_PAYLOAD_EVENT `decode` returned last, or nil when all have
    /// been handed out (or the last event decoded was not a payload). A reader hands on, for each event
    /// read, `nextPayloadEvent()` until nil when `decode` returned `.transactionPayload`, else the event:
    ///
    ///     let decoded = try decoder.decode(bytes)
    ///     var next: DecodedEvent? = decoded.event.isTransactionPayload ? try decoder.nextPayloadEvent() : decoded
    ///     while let event = next { handle(event); next = try decoder.nextPayloadEvent() }
    public mutating func nextPayloadEvent() throws(BinlogDecodingError) -> DecodedEvent? {
        guard var pending = pendingPayload, let events = payloadBuffer?.bytes else { return nil }
        guard pending.offset < events.count else {
            finishPayload()
            return nil
        }
        let start = pending.offset, number = pending.eventsRead + 1
        var type: UInt8 = events.count - start > 4 ? events[start + 4] : 0
        do throws(EventFailure) {
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: events[start...]))
            var header = try EventHeader(&reader)
            type = header.type
            let length = Int(header.eventLength)
            guard length >= EventHeader.size, length <= events.count - start else {
                throw EventFailure("its header says \(length) bytes, the payload has \(events.count - start) left")
            }
            // These would change how the rest of the binlog decodes; a transaction holds none of them.
            guard type != BinlogEventType.formatDescription, type != BinlogEventType.rotate, type != BinlogEventType.transactionPayload else {
                throw EventFailure("a transaction payload cannot hold this event")
            }
            pending.offset = start + length
            pending.eventsRead += 1
            pendingPayload = pending
            header.nextPosition = pending.offset == events.count ? pending.endPosition : 0
            let event = UnsafeRawBufferPointer(rebasing: events[start..<(start + length)])
            let body = UnsafeRawBufferPointer(rebasing: event[EventHeader.size...])
            let decoded = try decodeBody(header, body, event: event, bodyEnd: event.count, position: pending.position)
            return DecodedEvent(header: header, binlogFile: binlogFile, position: pending.position, event: decoded)
        } catch {
            finishPayload()
            var inside = error
            inside.reason += " (event \(number), at byte \(start) of the TRANSACTION_PAYLOAD_EVENT's events)"
            throw failure(inside, type: type, position: pending.position)
        }
    }

    /// Decompresses (or copies) a payload's events into the decoder's buffer for `nextPayloadEvent`.
    mutating func loadPayload(_ body: UnsafeRawBufferPointer, header: EventHeader, position: UInt64) throws(EventFailure) -> TransactionPayload {
        let (payload, bytes) = try TransactionPayload.parse(body)
        guard payload.uncompressedBytes <= maximumPayloadBytes else {
            throw EventFailure("the transaction payload declares \(payload.uncompressedBytes) bytes uncompressed, more than binlogo decompresses (\(maximumPayloadBytes)); write such transactions with binlog_transaction_compression=OFF for the session, or in smaller transactions")
        }
        // A copy of this decoder may share the buffer: this one then takes a buffer of its own.
        if !isKnownUniquelyReferenced(&payloadBuffer) { payloadBuffer = PayloadBuffer() }
        switch payload.compression {
        case .zstd: try payloadBuffer!.loadZstd(bytes, expectedCount: payload.uncompressedBytes)
        case .none: payloadBuffer!.loadUncompressed(bytes)
        }
        guard payloadBuffer!.bytes.count >= EventHeader.size else {
            throw EventFailure("the transaction payload holds \(payloadBuffer!.bytes.count) bytes, not one event")
        }
        pendingPayload = PendingPayload(position: position, endPosition: header.nextPosition)
        return payload
    }
}

extension BinlogDecoder {
    /// No more events of the loaded payload will be read: a buffer grown for a large one is freed
    /// (unless a copy of this decoder shares it).
    mutating func finishPayload() {
        pendingPayload = nil
        if isKnownUniquelyReferenced(&payloadBuffer) { payloadBuffer?.finished() }
    }
}

extension BinlogEvent {
    /// Whether this is a TRANSACTION_PAYLOAD_EVENT, whose events come from `BinlogDecoder.nextPayloadEvent()`.
    public var isTransactionPayload: Bool {
        if case .transactionPayload = self { return true }
        return false
    }
}
