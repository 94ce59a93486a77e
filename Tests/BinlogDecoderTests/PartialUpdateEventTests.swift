@testable import BinlogDecoder
import Testing

/// PARTIAL_UPDATE_ROWS_EVENT built byte by byte from MySQL's layout (sql/rpl_record.h, sql/json_diff.cc):
/// the JSON paths MySQL prints, and diffs that do not fit their document or their event, which must
/// fail with an error naming the binlog file, the position, the table and the column, never a crash.
@Suite struct PartialUpdateEventTests {
    /// TABLE_MAP for `shop.docs (id INT, doc JSON, note VARCHAR(10), other JSON)` with column names.
    private func tableMap() -> [UInt8] {
        var body = EventBuilder()
        body.little(77, 6)
        body.u16(1)
        body.u8(4); body.text("shop"); body.u8(0)
        body.u8(4); body.text("docs"); body.u8(0)
        body.lengthEncoded(4)
        body.raw([3, 245, 15, 245])
        body.lengthEncoded(4)
        body.u8(4)       // doc: 4 length bytes
        body.u16(40)     // VARCHAR(10) utf8mb4
        body.u8(4)       // other
        body.u8(0b1110)
        var names = EventBuilder()
        for name in ["id", "doc", "note", "other"] { names.lengthEncodedString(name) }
        body.u8(4); body.lengthEncoded(UInt64(names.bytes.count)); body.raw(names.bytes)
        return body.bytes
    }

    /// The diffs of one column: operation, path, and for replace/insert a binary JSON value.
    private func diffs(_ entries: [(UInt8, String, [UInt8]?)]) -> [UInt8] {
        var body = EventBuilder()
        for (operation, path, value) in entries {
            body.u8(operation)
            body.lengthEncodedString(path)
            if let value {
                body.lengthEncoded(UInt64(value.count))
                body.raw(value)
            }
        }
        return body.bytes
    }

    /// One row: before image (id, doc unless `beforeDoc` is nil, note), shared image, after image with
    /// `doc` as the given diffs (partial bit set) and `other` NULL.
    private func event(beforeDoc: TestJSON?, docDiffs: [UInt8], valueOptions: UInt8 = 1, partialBits: [UInt8] = [0b01],
                       docDiffsLength: UInt32? = nil) -> [UInt8] {
        var body = EventBuilder()
        body.little(77, 6)
        body.u16(1)
        body.u16(2)
        body.lengthEncoded(4)
        body.u8(beforeDoc == nil ? 0b1101 : 0b1111)  // before: without doc under MINIMAL
        body.u8(0b1111)
        // Before image.
        if let beforeDoc {
            body.u8(0b1000)  // other NULL
            body.u32(1)
            let encoded = MySQLJSONEncoder.encode(beforeDoc)
            body.u32(UInt32(encoded.count)); body.raw(encoded)
        } else {
            body.u8(0b100)   // three columns present; other NULL
            body.u32(1)
        }
        body.u8(2); body.text("hi")
        // Shared image.
        body.u8(valueOptions)
        if valueOptions == 1 { body.raw(partialBits) }
        // After image.
        body.u8(0b1000)
        body.u32(1)
        body.u32(docDiffsLength ?? UInt32(docDiffs.count)); body.raw(docDiffs)
        body.u8(2); body.text("ho")
        return body.bytes
    }

    private func decoder() throws -> BinlogDecoder {
        var decoder = BinlogDecoder(binlogFile: "binlog.000042")
        for (type, body) in [(UInt8(15), EventBuilder.mysql8FormatDescription()), (19, tableMap())] {
            let bytes = EventBuilder.event(type: type, body: body, position: 4)
            _ = try bytes.withUnsafeBytes { try decoder.decode($0) }
        }
        return decoder
    }

    private func decode(_ body: [UInt8], position: UInt32 = 7000) throws -> RowsEvent {
        var decoder = try decoder()
        let bytes = EventBuilder.event(type: 39, body: body, position: position)
        let decoded = try bytes.withUnsafeBytes { try decoder.decode($0) }
        guard case .rows(let rows) = decoded.event else { throw TestJSON.ParseError(description: "not a rows event: \(decoded.event)") }
        return rows
    }

    private func message(_ rows: RowsEvent) throws -> TestJSON {
        let writer = JSONWriter()
        let placement = ChangeMessageEncoder.RowPlacement(gtid: "", rowInTransaction: 1, xid: nil, isLastInTransaction: true,
                                                          timestamp: 0, serverID: 1)
        try ChangeMessageEncoder.writeRow(rows, row: 0, placement: placement, context: MessageContext(pipelineName: "t"), to: writer)
        return try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self))
    }

    static let document = try! TestJSON.parse(#"{"a":1,"list":[1,[2,3],{"k":"v"}],"with space":{"ключ":true}}"#)
    static func string(_ text: String) -> [UInt8] { MySQLJSONEncoder.encode(.string(text)) }

    /// The path forms `Json_path::to_string` prints (quoted names with escapes, `last`, `last-N`, spaces
    /// as the path parser allows) reach the members they name, and each operation does what MySQL's
    /// `apply_json_diffs` does.
    @Test func pathsAsMySQLPrintsThemReachTheirPlace() throws {
        let rows = try decode(event(beforeDoc: Self.document, docDiffs: diffs([
            (0, "$.a", Self.string("one")),
            (0, #"$."with space"."\u043a\u043b\u044e\u0447""#, MySQLJSONEncoder.encode(.null)),
            (1, #"$."quo\"te""#, MySQLJSONEncoder.encode(.number("7"))),
            (0, "$.list[last]", Self.string("last")),
            (0, "$ . list [ last - 1 ] [0]", Self.string("nested")),
            (1, "$.list[9]", Self.string("appended")),
            (1, "$.list[0]", Self.string("first")),
            (2, "$.list[1]", nil),
            (1, "$.b", MySQLJSONEncoder.encode(.array([]))),
        ])))
        #expect(rows.documentsFromJSONDiffs == 1 && rows.unappliedJSONDiffs.isEmpty)
        let new = try message(rows)["data"]?["new"]
        // Keys in MySQL's order: shorter first, then by bytes.
        #expect(new?["doc"] == (try TestJSON.parse(#"{"a":"one","b":[],"list":["first",["nested",3],"last","appended"],"quo\"te":7,"with space":{"ключ":null}}"#)))
        #expect(new?["other"] == .null && new?["note"] == .string("ho"))
    }

    /// Without the old document (MINIMAL) the diffs are kept and published as they are, and the new
    /// value is left out: not guessed.
    @Test func withoutTheOldDocumentTheDiffsArePublished() throws {
        let rows = try decode(event(beforeDoc: nil, docDiffs: diffs([(0, "$.a", Self.string("x")), (2, "$.list[0]", nil)])))
        #expect(rows.unappliedJSONDiffs.map(\.column) == [1] && rows.documentsFromJSONDiffs == 0)
        let data = try message(rows)["data"]
        #expect(data?["new"] == (try TestJSON.parse(#"{"id":1,"note":"ho","other":null}"#)))
        #expect(data?["json_diffs"] == (try TestJSON.parse(#"{"doc":[{"op":"replace","path":"$.a","value":"x"},{"op":"remove","path":"$.list[0]"}]}"#)))
        // Excluded columns are left out of json_diffs too.
        let writer = JSONWriter()
        try rows.writeUnappliedJSONDiffs(row: 0, excluded: ["doc"], to: writer)
        #expect(writer.count == 0)
    }

    @Test func noValueOptionsMeansWholeValues() throws {
        let whole = MySQLJSONEncoder.encode(.array([.number("5")]))
        let rows = try decode(event(beforeDoc: Self.document, docDiffs: whole, valueOptions: 0))
        #expect(try message(rows)["data"]?["new"]?["doc"] == .array([.number("5")]))
    }

    /// One diff's bytes, with lengths that may lie.
    static func entry(_ operation: UInt8, _ path: String, _ value: [UInt8]? = nil, pathLength: UInt8? = nil, valueLength: UInt8? = nil) -> [UInt8] {
        var bytes = [operation, pathLength ?? UInt8(path.utf8.count)] + Array(path.utf8)
        if let value { bytes += [valueLength ?? UInt8(value.count)] + value }
        return bytes
    }

    static let one: [UInt8] = [0x05, 0x01, 0x00]

    /// Every way a diff can be wrong: an error naming file, position, table and column, and the reason.
    @Test(arguments: [
        ("no dollar", entry(0, "a.b", one), "does not start with $"),
        ("wildcard", entry(2, "$.*"), "wildcard"),
        ("cell wildcard", entry(2, "$.list[*]"), "wildcard"),
        ("ellipsis", entry(2, "$**.a"), "**"),
        ("range", entry(2, "$.list[1 to 2]"), "range"),
        ("root", entry(2, "$"), "whole document"),
        ("unknown operation", entry(7, "$.a"), "unknown operation 7"),
        ("path past the diffs", entry(2, "$.a", pathLength: 200), "truncated"),
        ("value past the diffs", entry(0, "$.a", one, valueLength: 90), "truncated"),
        ("empty value", entry(0, "$.a", []), "empty value"),
        ("bad value type", entry(0, "$.a", [0x0e, 0x00]), "unknown value type 14"),
        ("bad literal", entry(0, "$.a", [0x04, 0x09]), "unknown literal 9"),
        ("bad escape", entry(0, #"$."\q""#, one), "unknown escape"),
        ("unterminated quote", entry(2, #"$."ab"#), "no closing quote"),
        ("missing member", entry(0, "$.zzz", one), "no member \"zzz\""),
        ("existing member", entry(1, "$.a", one), "already there"),
        ("element out of range", entry(2, "$.list[3]"), "no such element"),
        ("member of an array", entry(0, "$.list.k", one), "not the object or array"),
        ("index too large", entry(2, "$.list[4294967296]"), "above"),
    ] as [(String, [UInt8], String)])
    func corruptDiffsNameFilePositionTableAndColumn(what: String, diffBytes: [UInt8], reason: String) throws {
        let error = try #require(throws: BinlogDecodingError.self, "\(what)") {
            try decode(event(beforeDoc: Self.document, docDiffs: diffBytes), position: 7000)
        }
        #expect(error.binlogFile == "binlog.000042" && error.position == 7000 && error.eventType == 39, "\(what): \(error)")
        #expect(error.table == "shop.docs" && error.column == "doc" && error.columnType == 245, "\(what): \(error)")
        #expect(error.reason.contains(reason), "\(what): \(error)")
        #expect(error.description.hasPrefix("binlog.000042:7000 PARTIAL_UPDATE_ROWS_EVENT table shop.docs column doc"), "\(error)")
    }

    /// The row around the diffs: the shared image and the column's length.
    @Test func corruptRowsAroundTheDiffsAreErrorsToo() throws {
        let good = diffs([(0, "$.a", Self.string("x"))])
        func rowsBody(beforeNulls: UInt8, sharedImage: [UInt8], rest: [UInt8]) -> [UInt8] {
            var body = EventBuilder()
            body.little(77, 6); body.u16(1); body.u16(2); body.lengthEncoded(4); body.u8(0b1111); body.u8(0b1111)
            body.u8(beforeNulls); body.u32(1)
            if beforeNulls & 0b10 == 0 {
                let encoded = MySQLJSONEncoder.encode(Self.document)
                body.u32(UInt32(encoded.count)); body.raw(encoded)
            }
            body.u8(2); body.text("hi")
            body.raw(sharedImage)
            body.raw(rest)
            return body.bytes
        }
        let after: [UInt8] = [0b1000, 1, 0, 0, 0] + EventBuilder.little32(UInt32(good.count)) + good + [2, 0x68, 0x6f]
        let cases: [(String, [UInt8], String, String?)] = [
            ("value options 2", event(beforeDoc: Self.document, docDiffs: good, valueOptions: 2), "value options 2", nil),
            ("partial bits cut off", rowsBody(beforeNulls: 0b1000, sharedImage: [1], rest: []), "truncated", nil),
            ("diffs longer than the event", event(beforeDoc: Self.document, docDiffs: good, docDiffsLength: 5000), "runs past the end", "doc"),
            ("diffs on a NULL document", rowsBody(beforeNulls: 0b1010, sharedImage: [1, 0b01], rest: after), "NULL document", "doc"),
        ]
        for (what, body, reason, column) in cases {
            let error = try #require(throws: BinlogDecodingError.self, "\(what)") { try decode(body) }
            #expect(error.position == 7000 && error.table == "shop.docs", "\(what): \(error)")
            if let column { #expect(error.column == column, "\(what): \(error)") }
            #expect(error.reason.contains(reason), "\(what): \(error)")
        }
    }
}
