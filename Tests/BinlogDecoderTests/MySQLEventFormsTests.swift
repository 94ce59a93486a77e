@testable import BinlogDecoder
import CZstd
import Foundation
import Testing

/// The event forms MySQL 8.4 and 9.x write that MySQL 8.0 did not, built byte by byte from the server's
/// source: GTID_TAGGED_LOG_EVENT, tagged PREVIOUS_GTIDS, TRANSACTION_PAYLOAD_EVENT (zstd and none) and
/// INCIDENT_EVENT. (MySQLServerEventTests reads the same forms from a real MySQL 9.7.)
extension MySQLEventTests {
    /// A GTID_TAGGED_LOG_EVENT's body as MySQL 9.7.4 wrote it for `SET gtid_next='AUTOMATIC:tag1'`, its
    /// text from the server's SHOW BINLOG EVENTS: `SET @@SESSION.GTID_NEXT= 'bc0c3229-ec10-11f1-84d4-02fc00000001:tag1:1'`.
    static let taggedGTIDFromMySQL97: [UInt8] = [
        0x02, 0x70, 0x00, 0x00, 0x00, 0x02, 0xf1, 0x02, 0x18, 0x64, 0x52, 0xb1, 0x03, 0x20, 0x22, 0xc5, 0x03, 0x11, 0x02,
        0x51, 0x03, 0x04, 0xf1, 0x03, 0x00, 0x00, 0x00, 0x02, 0x04, 0x04, 0x06, 0x08, 0x74, 0x61, 0x67, 0x31, 0x08, 0x08,
        0x0a, 0x0c, 0x0c, 0x7f, 0x5b, 0xad, 0xbe, 0xaa, 0x6c, 0x61, 0x06, 0x10, 0x81, 0x04, 0x12, 0x83, 0x12, 0x0b,
    ]

    @Test func taggedGTIDAsMySQL97WritesIt() throws {
        var decoder = try decoderAfterFormatDescription()
        let decoded = try decode(&decoder, type: 42, body: Self.taggedGTIDFromMySQL97, position: 544)
        guard case .mysqlGTID(let gtid) = decoded.event else { Issue.record("got \(decoded.event)"); return }
        #expect(gtid.description == "bc0c3229-ec10-11f1-84d4-02fc00000001:tag1:1")
        #expect(gtid.tag == "tag1" && gtid.transactionNumber == 1)
        #expect(decoded.position == 544)
    }

    /// A tagged GTID body: format 1, then fields (number, value) in MySQL's serialization format.
    private func taggedGTIDBody(number: Int64, tag: String, version: UInt64 = 1, lastRequiredField: UInt64 = 0,
                                extraFields: (inout EventBuilder) -> Void = { _ in }) -> [UInt8] {
        var fields = EventBuilder()
        fields.serialized(0); fields.serialized(1)                                    // flags
        fields.serialized(1); for byte in Self.sourceID { fields.serialized(UInt64(byte)) }  // UUID, bytes ≥ 0x80 take two
        fields.serialized(2); fields.serializedSigned(number)
        fields.serialized(3); fields.serializedString(tag)
        fields.serialized(4); fields.serializedSigned(-1)                             // last_committed
        fields.serialized(5); fields.serializedSigned(1 << 40)                        // sequence_number
        fields.serialized(6); fields.serialized(UInt64.max)                           // immediate commit timestamp, 9 bytes
        fields.serialized(11); fields.serialized(77)                                  // commit group ticket
        extraFields(&fields)
        var head = EventBuilder()
        head.serialized(version)
        // The size counts the whole message, its own bytes included.
        var size = UInt64(fields.bytes.count + 3)
        var sized = EventBuilder()
        sized.serialized(size)
        size += UInt64(sized.bytes.count - 1)
        head.serialized(size)
        head.serialized(lastRequiredField)
        return head.bytes + fields.bytes
    }

    @Test func taggedGTIDWithEveryFieldForm() throws {
        var decoder = try decoderAfterFormatDescription()
        let decoded = try decode(&decoder, type: 42, body: taggedGTIDBody(number: 1 << 40, tag: "Orders_2024"))
        guard case .mysqlGTID(let gtid) = decoded.event else { Issue.record("got \(decoded.event)"); return }
        #expect(gtid.description == "3e11fa47-71ca-11e1-9e33-c80aa9429562:orders_2024:1099511627776")

        // A field a newer server adds and marks ignorable is skipped; one it marks required is refused.
        let ignorable = taggedGTIDBody(number: 5, tag: "t") { fields in fields.serialized(14); fields.serialized(3) }
        #expect(try decode(&decoder, type: 42, body: ignorable).event.gtidText == "3e11fa47-71ca-11e1-9e33-c80aa9429562:t:5")
        let cases: [([UInt8], String)] = [
            (taggedGTIDBody(number: 5, tag: "t", lastRequiredField: 15), "does not know and may not ignore"),
            (taggedGTIDBody(number: 5, tag: "t", version: 2), "serialization format 2"),
            (taggedGTIDBody(number: 5, tag: "1abc"), "GTID tag"),
            (taggedGTIDBody(number: 5, tag: String(repeating: "a", count: 33)), "tag's length"),
            (taggedGTIDBody(number: 0, tag: "t"), "transaction number 0"),
            (Array(taggedGTIDBody(number: 5, tag: "t").prefix(12)), "says it has"),
        ]
        for (body, hint) in cases {
            let error = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 42, body: body, position: 3000) }
            #expect(error.reason.contains(hint), "\(error)")
            #expect(error.description.hasPrefix("binlog.000042:3000 GTID_TAGGED_LOG_EVENT: "))
        }
    }

    @Test func taggedPreviousGTIDs() throws {
        var decoder = try decoderAfterFormatDescription()
        let other = [UInt8](repeating: 0xab, count: 16)
        func encoded(format: UInt64, _ entries: [([UInt8], String, [(UInt64, UInt64)])]) -> [UInt8] {
            var body = EventBuilder()
            body.u64(format == 1 ? 1 << 56 | UInt64(entries.count) << 8 | 1 : format << 56 | UInt64(entries.count))
            for (source, tag, intervals) in entries {
                body.raw(source)
                if format == 1 { body.serializedString(tag) }
                body.u64(UInt64(intervals.count))
                for (start, end) in intervals { body.u64(start); body.u64(end) }
            }
            return body.bytes
        }
        let tagged = encoded(format: 1, [(Self.sourceID, "", [(1, 4)]), (Self.sourceID, "tag1", [(1, 6), (7, 8)]),
                                         (Self.sourceID, "zz", [(3, 4)]), (other, "x", [(5, 6)])])
        #expect(try decode(&decoder, type: 35, body: tagged).event.gtidText
            == "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:tag1:1-5:7:zz:3,abababab-abab-abab-abab-abababababab:x:5")
        // The tagged format with no tag in it (a server that saw a tagged GTID once, in an earlier file).
        let untaggedEntries = encoded(format: 1, [(Self.sourceID, "", [(1, 11)]), (other, "", [(2, 3)])])
        #expect(try decode(&decoder, type: 35, body: untaggedEntries).event.gtidText
            == "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-10,abababab-abab-abab-abab-abababababab:2")
        let unknown = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 35, body: encoded(format: 2, [])) }
        #expect(unknown.reason.contains("GTID set format 2"))
        let backwards = try #require(throws: BinlogDecodingError.self) {
            try decode(&decoder, type: 35, body: encoded(format: 1, [(Self.sourceID, "a", [(5, 9), (2, 3)])]))
        }
        #expect(backwards.reason.contains("interval"))
    }

    @Test func incidentNamesItsNumberAndMessage() throws {
        var decoder = try decoderAfterFormatDescription()
        var body = EventBuilder()
        body.u16(1)
        let message = "Non-transactional changes were not written to the binlog."
        body.u8(UInt8(message.utf8.count)); body.text(message)
        body.raw([0xce, 0x9b, 0x8c, 0x23])  // MySQL 9.7 writes 4 more bytes after the message
        let decoded = try decode(&decoder, type: 26, body: body.bytes, position: 583)
        guard case let .incident(number, text) = decoded.event else { Issue.record("got \(decoded.event)"); return }
        #expect(number == 1 && text == message)
        var notices: [String] = []
        var stream = ChangeStream()
        try stream.consume(decoded, emit: { _ in }, notice: { notices.append($0) })
        #expect(notices == ["binlog.000042:583 INCIDENT 1 \"\(message)\": the server says changes may be missing from the binlog here"])
    }

    // MARK: - TRANSACTION_PAYLOAD_EVENT

    /// BEGIN, the items table map, two inserted rows and an XID, as MySQL puts them in a payload: no
    /// checksum, next position 0.
    private func transactionEvents() -> [[UInt8]] {
        var begin = EventBuilder()
        begin.u32(9); begin.u32(0); begin.u8(4); begin.u16(0); begin.u16(0); begin.text("shop"); begin.u8(0); begin.text("BEGIN")
        let price: [UInt8] = [0x80, 0x00, 0x00, 0x0C, 0x1E]
        let rows = rowsEvent(kind: 30, rows: [row(id: 1, name: "a", doc: nil, price: price, qty: 1),
                                             row(id: 2, name: nil, doc: .array([]), price: price, qty: -2)])
        var xid = EventBuilder()
        xid.u64(4242)
        return [(2, begin.bytes), (19, itemsTableMap()), (30, rows), (16, xid.bytes)].map { type, body in
            var event = EventBuilder.event(type: UInt8(type), body: body, checksum: false)
            for index in 13..<17 { event[index] = 0 }
            return event
        }
    }

    enum PayloadForm: Sendable { case zstd, none }

    /// A TRANSACTION_PAYLOAD_EVENT body around `events`, as `Transaction_payload::encode` writes it.
    private func payloadBody(_ events: [[UInt8]], _ form: PayloadForm, declaredSize: Int? = nil, compressionType: UInt64? = nil,
                             corrupt: ((inout [UInt8]) -> Void)? = nil) -> [UInt8] {
        let plain = events.flatMap { $0 }
        var payload = form == .zstd ? Self.zstd(plain) : plain
        corrupt?(&payload)
        var body = EventBuilder()
        let type = compressionType ?? (form == .zstd ? 0 : 255)
        func field(_ code: UInt64, _ value: UInt64) {
            var encoded = EventBuilder()
            encoded.lengthEncoded(value)
            body.lengthEncoded(code); body.lengthEncoded(UInt64(encoded.bytes.count)); body.raw(encoded.bytes)
        }
        field(2, type)
        if form == .zstd { field(3, UInt64(declaredSize ?? plain.count)) }
        field(1, UInt64(payload.count))
        body.u8(0)
        body.raw(payload)
        return body.bytes
    }

    static func zstd(_ bytes: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
        let count = output.withUnsafeMutableBytes { out in
            bytes.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, 3) }
        }
        precondition(ZSTD_isError(count) == 0)
        return Array(output.prefix(count))
    }

    /// The messages a stream of whole events decodes to, and the events decoded.
    private func messages(_ events: [(type: UInt8, body: [UInt8], position: UInt32)], decoder: inout BinlogDecoder) throws -> ([TestJSON], [DecodedEvent]) {
        var stream = ChangeStream()
        var messages: [TestJSON] = []
        var decodedEvents: [DecodedEvent] = []
        let writer = JSONWriter()
        let emit: (Change) throws -> Void = { change in
            guard case let .row(event, row, placement) = change else { return }
            writer.reset()
            try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: MessageContext(pipelineName: "shop"), to: writer)
            messages.append(try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self)))
        }
        for (type, body, position) in events {
            let event = EventBuilder.event(type: type, body: body, position: position)
            try event.withUnsafeBytes { bytes in
                try decoder.decodeEach(bytes) { decoded in
                    decodedEvents.append(decoded)
                    try stream.consume(decoded, emit: emit)
                }
            }
        }
        return (messages, decodedEvents)
    }

    @Test(arguments: [PayloadForm.zstd, .none])
    func payloadEventsDecodeAsIfUncompressed(form: PayloadForm) throws {
        var gtid = EventBuilder()
        gtid.u8(1); gtid.raw(Self.sourceID); gtid.u64(24); gtid.u8(2); gtid.u64(0); gtid.u64(0)
        // The same transaction uncompressed: its events one by one, with checksums and positions.
        var plainDecoder = try decoderAfterFormatDescription()
        var position: UInt32 = 1000
        var plain: [(type: UInt8, body: [UInt8], position: UInt32)] = [(33, gtid.bytes, position)]
        position += UInt32(19 + gtid.bytes.count + 4)
        for event in transactionEvents() {
            plain.append((event[4], Array(event[19...]), position))
            position += UInt32(event.count + 4)
        }
        let (expected, _) = try messages(plain, decoder: &plainDecoder)

        var decoder = try decoderAfterFormatDescription()
        let body = payloadBody(transactionEvents(), form)
        let payloadPosition: UInt32 = 1000 + UInt32(19 + gtid.bytes.count + 4)
        let payloadEnd = payloadPosition + UInt32(19 + body.count + 4)
        let (got, events) = try messages([(33, gtid.bytes, 1000), (40, body, payloadPosition)], decoder: &decoder)

        #expect(expected.count == 2 && got.count == 2)
        for (message, expectedMessage) in zip(got, expected) {
            #expect(message["data"] == expectedMessage["data"])
            #expect(message["head"]?["type"] == expectedMessage["head"]?["type"])
            #expect(message["head"]?["commit"] == expectedMessage["head"]?["commit"])
            #expect(message["head"]?["xid"] == expectedMessage["head"]?["xid"])
            #expect(message["head"]?["position"]?["gtid_set"] == .string("3e11fa47-71ca-11e1-9e33-c80aa9429562:24"))
            #expect(message["head"]?["position"]?["binlog_position"] == .number("\(payloadPosition)"))
        }
        // The payload event itself is not handed on; its events carry its position, and only the last
        // its next position.
        #expect(events.map(\.header.type) == [33, 2, 19, 30, 16])
        #expect(events.dropFirst().allSatisfy { $0.position == UInt64(payloadPosition) })
        #expect(events.dropFirst().map(\.header.nextPosition) == [0, 0, 0, payloadEnd])
        // The decoder goes on with the events after it.
        #expect(try decode(&decoder, type: 16, body: [1, 0, 0, 0, 0, 0, 0, 0], position: payloadEnd).position == UInt64(payloadEnd))
    }

    @Test func corruptAndOversizedPayloadsAreErrorsNamingFileAndPosition() throws {
        var decoder = try decoderAfterFormatDescription()
        let events = transactionEvents()
        let size = events.reduce(0) { $0 + $1.count }
        var nested = events
        nested.insert(EventBuilder.event(type: 40, body: payloadBody(events, .none), checksum: false), at: 1)
        var badLength = events
        badLength[2][9] = 0xff  // the rows event's length runs past the payload
        var orphan = events
        orphan[2][19] = 0x2b; orphan[2][20] = 0x02  // rows for table id 555, which no table map announced
        let cases: [([UInt8], String)] = [
            (payloadBody(events, .zstd, declaredSize: size + 1), "decompresses to \(size) bytes, it declares \(size + 1)"),
            (payloadBody(events, .zstd, declaredSize: size - 1), "does not decompress"),
            (payloadBody(events, .zstd) { $0[0] ^= 0x5a }, "does not decompress"),
            (payloadBody(events, .zstd) { $0.removeLast(7) }, "does not decompress"),
            (payloadBody(events, .zstd, compressionType: 7), "compression type 7"),
            (payloadBody(events, .zstd, declaredSize: 2 << 30), "more than binlogo decompresses (1073741824)"),
            (payloadBody(badLength, .none), "(event 3, at byte \(events[0].count + events[1].count)"),
            (payloadBody(nested, .zstd), "a transaction payload cannot hold this event (event 2"),
            (payloadBody(orphan, .zstd), "no TABLE_MAP_EVENT for table id 555 before its rows (start reading at the first event of a transaction) (event 3, at byte \(events[0].count + events[1].count)"),
        ]
        for (body, hint) in cases {
            let error = try #require(throws: BinlogDecodingError.self) {
                let event = EventBuilder.event(type: 40, body: body, position: 7000)
                try event.withUnsafeBytes { try decoder.decodeEach($0) { _ in } }
            }
            #expect(error.reason.contains(hint), "\(hint): \(error)")
            #expect(error.binlogFile == "binlog.000042" && error.position == 7000, "\(error)")
        }
        // A lower limit applies to what the payload declares, before anything is decompressed.
        decoder.maximumPayloadBytes = size - 1
        let limited = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 40, body: payloadBody(events, .zstd), position: 8000) }
        #expect(limited.description.hasPrefix("binlog.000042:8000 TRANSACTION_PAYLOAD_EVENT: the transaction payload declares \(size) bytes"))
        decoder.maximumPayloadBytes = size
        #expect(try decode(&decoder, type: 40, body: payloadBody(events, .zstd), position: 9000).event.isTransactionPayload)
    }
}

extension BinlogEvent {
    /// The GTID or GTID set text of a GTID event or a GTID state, for assertions.
    var gtidText: String? {
        switch self {
        case .mysqlGTID(let gtid): gtid.description
        case .gtidState(let text): text
        default: nil
        }
    }
}
