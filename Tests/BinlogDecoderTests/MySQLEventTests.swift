@testable import BinlogDecoder
import Foundation
import TestBench
import Testing

/// MySQL 8 event forms built from MySQL's documented layouts: FORMAT_DESCRIPTION, GTID,
/// PREVIOUS_GTIDS, TABLE_MAP with optional metadata and ROWS v2 with extra data.
@Suite struct MySQLEventTests {
    static let sourceID: [UInt8] = [0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62]

    func decoderAfterFormatDescription() throws -> BinlogDecoder {
        var decoder = BinlogDecoder(binlogFile: "binlog.000042")
        let event = EventBuilder.event(type: 15, body: EventBuilder.mysql8FormatDescription(), position: 4)
        let decoded = try event.withUnsafeBytes { try decoder.decode($0) }
        guard case .formatDescription(let format) = decoded.event else {
            Issue.record("expected a format description, got \(decoded.event)")
            return decoder
        }
        #expect(format.serverVersion == "8.0.36")
        #expect(format.checksum == .crc32)
        #expect(!format.isMariaDB)
        return decoder
    }

    func decode(_ decoder: inout BinlogDecoder, type: UInt8, body: [UInt8], position: UInt32 = 1000) throws -> DecodedEvent {
        let event = EventBuilder.event(type: type, body: body, position: position)
        return try event.withUnsafeBytes { try decoder.decode($0) }
    }

    @Test func checksumMatchesTheStandardCheckValue() {
        let value = Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) }
        #expect(value == 0xCBF4_3926)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(long.withUnsafeBytes { CRC32.checksum($0) } == BitwiseCRC32.checksum(long))
    }

    /// The fast path is taken exactly where the kernel lists the CPU features it needs.
    @Test func checksumFoldsWhereTheCPUCan() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? []
        #expect(CRC32.canFold == (flags.contains("pclmulqdq") && flags.contains("sse4_1")))
    }

    /// The folded path (PCLMULQDQ) and the table path agree with the bitwise CRC at every length
    /// around their boundaries (64 bytes, multiples of 16) and at unaligned starts. On a CPU without
    /// PCLMULQDQ both calls take the table path.
    @Test func foldedAndTableChecksumsAgreeAtEveryLengthAndAlignment() {
        var generator = SeededGenerator(seed: 0x0c4c_3232)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var mismatches: [String] = []
        for offset in 0..<4 {
            for length in Array(0...300) + [1023, 1024, 1025, 4096, 4995 - offset] {
                let slice = Array(bytes[offset..<(offset + length)])
                let expected = BitwiseCRC32.checksum(slice)
                let folded = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]), folding: true) }
                let table = slice.withUnsafeBytes { CRC32.checksum($0, folding: false) }
                if folded != expected || table != expected { mismatches.append("offset \(offset) length \(length)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func gtidAndPreviousGTIDs() throws {
        var decoder = try decoderAfterFormatDescription()
        var gtid = EventBuilder()
        gtid.u8(1)
        gtid.raw(Self.sourceID)
        gtid.u64(23)
        gtid.u8(2)  // logical timestamp type code
        gtid.u64(11)
        gtid.u64(12)
        let decoded = try decode(&decoder, type: 33, body: gtid.bytes)
        guard case .mysqlGTID(let value) = decoded.event else { Issue.record("got \(decoded.event)"); return }
        #expect(value.description == "3e11fa47-71ca-11e1-9e33-c80aa9429562:23")
        #expect(decoded.position == 1000)

        var previous = EventBuilder()
        previous.u64(2)
        previous.raw(Self.sourceID)
        previous.u64(2)
        previous.u64(1); previous.u64(6)    // 1-5
        previous.u64(7); previous.u64(8)    // 7
        previous.raw([UInt8](repeating: 0xab, count: 16))
        previous.u64(1)
        previous.u64(100); previous.u64(201)
        guard case .gtidState(let set) = try decode(&decoder, type: 35, body: previous.bytes).event else {
            Issue.record("no GTID set")
            return
        }
        #expect(set == "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,abababab-abab-abab-abab-abababababab:100-200")
    }

    /// TABLE_MAP for `shop.items (id BIGINT UNSIGNED, name VARCHAR(20) utf8mb4, doc JSON, price DECIMAL(10,2), qty INT)`
    /// with SIGNEDNESS, DEFAULT_CHARSET, COLUMN_NAME and SIMPLE_PRIMARY_KEY metadata.
    func itemsTableMap() -> [UInt8] {
        var body = EventBuilder()
        body.little(91, 6)  // table id
        body.u16(1)
        body.u8(4); body.text("shop"); body.u8(0)
        body.u8(5); body.text("items"); body.u8(0)
        body.lengthEncoded(5)
        body.raw([8, 15, 245, 246, 3])
        body.lengthEncoded(2 + 1 + 2)
        body.u16(80)          // VARCHAR(20) in utf8mb4: 80 bytes
        body.u8(4)            // JSON length bytes
        body.raw([10, 2])     // DECIMAL precision, scale
        body.u8(0b0000_0110)  // nullability: name, doc
        // Optional metadata.
        body.u8(1); body.lengthEncoded(1); body.u8(0b1000_0000)  // SIGNEDNESS over id, price, qty: id unsigned
        body.u8(2); body.lengthEncoded(1); body.u8(255)          // DEFAULT_CHARSET utf8mb4_0900_ai_ci
        var names = EventBuilder()
        for name in ["id", "name", "doc", "price", "qty"] { names.lengthEncodedString(name) }
        body.u8(4); body.lengthEncoded(UInt64(names.bytes.count)); body.raw(names.bytes)
        body.u8(8); body.lengthEncoded(1); body.u8(0)            // SIMPLE_PRIMARY_KEY: id
        return body.bytes
    }

    func row(id: UInt64, name: String?, doc: TestJSON?, price: [UInt8], qty: Int32) -> [UInt8] {
        var row = EventBuilder()
        row.u8((name == nil ? 0b10 : 0) | (doc == nil ? 0b100 : 0))
        row.u64(id)
        if let name { row.u8(UInt8(name.utf8.count)); row.text(name) }
        if let doc {
            let encoded = MySQLJSONEncoder.encode(doc)
            row.u32(UInt32(encoded.count))
            row.raw(encoded)
        }
        row.raw(price)
        row.u32(UInt32(bitPattern: qty))
        return row.bytes
    }

    func rowsEvent(kind: UInt8, rows: [[UInt8]]) -> [UInt8] {
        var body = EventBuilder()
        body.little(91, 6)
        body.u16(1)          // STMT_END_F
        body.u16(2 + 6)      // extra data: its own length plus a 6-byte extra row info
        body.raw([0x00, 0x04, 1, 2, 3, 4])
        body.lengthEncoded(5)
        body.u8(0b1_1111)
        if kind == 31 { body.u8(0b1_1111) }
        for row in rows { body.raw(row) }
        return body.bytes
    }

    @Test func rowsV2WithExtraDataAndFullMetadataBecomeMessages() throws {
        var decoder = try decoderAfterFormatDescription()
        let tableMap = try decode(&decoder, type: 19, body: itemsTableMap())
        guard case .tableMap(let table) = tableMap.event else { Issue.record("no table map"); return }
        #expect(table.qualifiedName == "shop.items")
        #expect(table.columns.map(\.name) == ["id", "name", "doc", "price", "qty"])
        #expect(table.primaryKey == [0])
        #expect(table.columns[0].isUnsigned && !table.columns[4].isUnsigned)

        let doc = try TestJSON.parse("{\"tags\":[\"a\",\"b\"],\"n\":70000,\"ok\":true}")
        let price1230: [UInt8] = [0x80, 0x00, 0x00, 0x0C, 0x1E]
        let priceNegative: [UInt8] = [0x7F, 0xFF, 0xFF, 0xF3, 0xE1]
        let insert = rowsEvent(kind: 30, rows: [
            row(id: 18_446_744_073_709_551_615, name: "Tee ☕", doc: doc, price: price1230, qty: -5),
            row(id: 2, name: nil, doc: nil, price: priceNegative, qty: 2_147_483_647),
        ])
        let update = rowsEvent(kind: 31, rows: [
            row(id: 2, name: nil, doc: nil, price: priceNegative, qty: 1) + row(id: 2, name: "x", doc: .array([]), price: price1230, qty: 2),
        ])
        var tracker = ChangeStream()
        var messages: [TestJSON] = []
        let writer = JSONWriter()
        let emit: (Change) throws -> Void = { change in
            guard case let .row(event, row, placement) = change else { return }
            writer.reset()
            try ChangeMessageEncoder.writeRow(event, row: row, placement: placement,
                                              context: MessageContext(pipelineName: "shop"), to: writer)
            messages.append(try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self)))
        }
        var gtid = EventBuilder()
        gtid.u8(1); gtid.raw(Self.sourceID); gtid.u64(24); gtid.u8(2); gtid.u64(0); gtid.u64(0)
        try tracker.consume(decode(&decoder, type: 33, body: gtid.bytes), emit: emit)
        try tracker.consume(decode(&decoder, type: 30, body: insert, position: 2000), emit: emit)
        try tracker.consume(decode(&decoder, type: 31, body: update, position: 3000), emit: emit)
        var xid = EventBuilder()
        xid.u64(777)
        try tracker.consume(decode(&decoder, type: 16, body: xid.bytes), emit: emit)

        #expect(messages.count == 3)
        guard messages.count == 3 else { return }
        let expectedFirst = try TestJSON.parse("""
            {"head":{"type":"insert","time":1700000000,"database":"shop","table":"items",
             "position":{"binlog_file":"binlog.000042","binlog_position":2000,
                         "gtid_set":"3e11fa47-71ca-11e1-9e33-c80aa9429562:24","pipeline_name":"shop","consume_rows":1},
             "server_id":7,"commit":false,"primary_key":{"id":18446744073709551615}},
             "data":{"new":{"id":18446744073709551615,"name":"Tee ☕","doc":{"tags":["a","b"],"n":70000,"ok":true},
                            "price":12.30,"qty":-5}}}
            """)
        #expect(messages[0] == expectedFirst)
        #expect(messages[1]["data"]?["new"] == (try TestJSON.parse(
            "{\"id\":2,\"name\":null,\"doc\":null,\"price\":-12.30,\"qty\":2147483647}")))
        #expect(messages[2]["head"]?["type"] == .string("update"))
        #expect(messages[2]["head"]?["commit"] == .bool(true))
        #expect(messages[2]["head"]?["xid"] == .number("777"))
        #expect(messages[2]["head"]?["position"]?["consume_rows"] == .number("3"))
        #expect(messages[2]["data"]?["old"]?["qty"] == .number("1"))
        #expect(messages[2]["data"]?["new"] == (try TestJSON.parse(
            "{\"id\":2,\"name\":\"x\",\"doc\":[],\"price\":12.30,\"qty\":2}")))
    }

    @Test func undecodableEventsNameTheFilePositionTableAndColumn() throws {
        var decoder = try decoderAfterFormatDescription()
        _ = try decode(&decoder, type: 19, body: itemsTableMap())

        // A flipped bit fails the checksum.
        var corrupt = EventBuilder.event(type: 16, body: [1, 2, 3, 4, 5, 6, 7, 8], position: 5000)
        corrupt[22] ^= 0x10
        let checksumError = try #require(throws: BinlogDecodingError.self) { try corrupt.withUnsafeBytes { try decoder.decode($0) } }
        #expect(checksumError.binlogFile == "binlog.000042" && checksumError.position == 5000)
        #expect(checksumError.reason.contains("checksum mismatch"))

        // A row that ends inside its DECIMAL value names table and column.
        let short = rowsEvent(kind: 30, rows: [Array(row(id: 1, name: "a", doc: nil, price: [0x80, 0x00], qty: 0).dropLast(4))])
        let valueError = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 30, body: short, position: 6000) }
        #expect(valueError.table == "shop.items")
        #expect(valueError.column == "qty" || valueError.column == "price")
        #expect(valueError.position == 6000)
        #expect(valueError.description.hasPrefix("binlog.000042:6000 WRITE_ROWS_EVENT table shop.items column"))

        // A row wider than its table map.
        var wide = EventBuilder()
        wide.little(91, 6); wide.u16(1); wide.u16(2); wide.lengthEncoded(9); wide.u16(0x1ff)
        let wideError = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 30, body: wide.bytes) }
        #expect(wideError.reason.contains("9 columns"))

        // A type code that cannot be in a binlog, in a table map.
        var badMap = EventBuilder()
        badMap.little(92, 6); badMap.u16(1)
        badMap.u8(1); badMap.text("d"); badMap.u8(0); badMap.u8(1); badMap.text("t"); badMap.u8(0)
        badMap.lengthEncoded(2); badMap.raw([3, 20]); badMap.lengthEncoded(0); badMap.u8(0)
        let typeError = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 19, body: badMap.bytes) }
        #expect(typeError.table == "d.t" && typeError.column == "#2" && typeError.columnType == 20)

        // Event forms binlogo refuses rather than guess at.
        for (type, hint) in [(UInt8(200), "unknown event type")] {
            let error = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: type, body: [0, 0, 0, 0]) }
            #expect(error.reason.contains(hint), "\(type): \(error)")
        }

        // Rows for a table id no TABLE_MAP announced.
        var orphan = EventBuilder()
        orphan.little(555, 6); orphan.u16(1); orphan.u16(2); orphan.lengthEncoded(1); orphan.u8(1); orphan.u8(0); orphan.u32(1)
        let orphanError = try #require(throws: BinlogDecodingError.self) { try decode(&decoder, type: 30, body: orphan.bytes) }
        #expect(orphanError.reason.contains("table id 555"))
    }
}
