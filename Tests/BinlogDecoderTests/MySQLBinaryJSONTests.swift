@testable import BinlogDecoder
import Testing

/// MySQL's binary JSON (no MySQL server here): values encoded by the tests' own encoder from the
/// documented format, and hand-made opaque values, decode to the JSON text they stand for.
@Suite struct MySQLBinaryJSONTests {
    static let corpus: [String] = [
        "null", "true", "false", "0", "-1", "32767", "-32768", "32768", "-32769", "2147483647", "-2147483648",
        "2147483648", "9223372036854775807", "-9223372036854775808", "18446744073709551615", "2.5", "-0.125",
        "1.7976931348623157e+308", "\"\"", "\"text with \\\"quotes\\\" and \\\\ and \\n\"", "\"ü日本😀\"",
        "[]", "{}", "[1,\"two\",3.5,null,true,false,[],{}]",
        "{\"a\":1,\"b\":[1,2,{\"c\":\"d\"}],\"e\":{\"f\":{\"g\":[[[\"deep\"]]]}},\"h\":null,\"i\":-40000,\"j\":70000}",
        "[" + (0..<300).map { "\"element \($0)\"" }.joined(separator: ",") + "]",
        "{" + (0..<100).map { "\"key\($0)\":\($0 * 1000)" }.joined(separator: ",") + "}",
    ]

    private func decode(_ bytes: [UInt8]) throws -> String {
        let writer = JSONWriter()
        try bytes.withUnsafeBytes { buffer in try MySQLJSONValue.write(buffer, to: writer) }
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [false, true])
    func everyValueTypeAndNestingRoundTrips(large: Bool) throws {
        for text in Self.corpus {
            let value = try TestJSON.parse(text)
            let decoded = try decode(MySQLJSONEncoder.encode(value, large: large))
            let reparsed = try TestJSON.parse(decoded)
            if case .number(let expected) = value, let number = Double(expected), !expected.allSatisfy({ $0.isNumber || $0 == "-" }) {
                #expect(Double(reparsed.numberText ?? "") == number, "\(text) decoded as \(decoded)")
            } else {
                #expect(reparsed == value, "\(text) (large: \(large)) decoded as \(decoded)")
            }
        }
    }

    private func opaque(_ fieldType: UInt8, _ data: [UInt8]) -> [UInt8] {
        [0x0f, fieldType] + MySQLJSONEncoder.variableLength(data.count) + data
    }

    private func packedDateTime(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ micro: Int) -> Int64 {
        let yearMonthDay = Int64((year * 13 + month) << 5 | day)
        let clock = Int64(hour << 12 | minute << 6 | second)
        return ((yearMonthDay << 17 | clock) << 24) + Int64(micro)
    }

    @Test func opaqueDecimalDateTimeAndBytes() throws {
        // DECIMAL(10,2) 12.30: 8 integer digits in 4 bytes (sign bit set for positive), 2 fraction digits in 1 byte.
        #expect(try decode(opaque(246, [10, 2, 0x80, 0x00, 0x00, 0x0C, 0x1E])) == "12.30")
        #expect(try decode(opaque(246, [10, 2, 0x7F, 0xFF, 0xFF, 0xF3, 0xE1])) == "-12.30")
        let date = packedDateTime(2015, 1, 15, 0, 0, 0, 0)
        #expect(try decode(opaque(10, MySQLJSONEncoder.little(UInt64(bitPattern: date), 8))) == "\"2015-01-15\"")
        let dateTime = packedDateTime(2015, 1, 15, 23, 24, 25, 678)
        #expect(try decode(opaque(12, MySQLJSONEncoder.little(UInt64(bitPattern: dateTime), 8))) == "\"2015-01-15 23:24:25.000678\"")
        let time = Int64(12 << 12 | 34 << 6 | 56) << 24 + 789_000
        #expect(try decode(opaque(11, MySQLJSONEncoder.little(UInt64(bitPattern: time), 8))) == "\"12:34:56.789000\"")
        #expect(try decode(opaque(11, MySQLJSONEncoder.little(UInt64(bitPattern: -time), 8))) == "\"-12:34:56.789000\"")
        #expect(try decode(opaque(15, Array("ab".utf8))) == "\"base64:type15:YWI=\"")
        // Opaque values nested in an array.
        let nested: [UInt8] = [0x02, 0x01, 0x00] + [0, 0] + [0x0f, 0x07, 0x00]
        var array = nested
        let payload: [UInt8] = [246] + [7, 10, 2, 0x80, 0x00, 0x00, 0x0C, 0x1E]
        let size = 2 + 2 + 3 + payload.count
        array[3] = UInt8(size)
        array = array + payload
        #expect(try decode(array) == "[12.30]")
    }

    @Test func corruptValuesThrowInsteadOfReadingOutOfBounds() {
        let cases: [[UInt8]] = [
            [0x00, 0x05, 0x00, 0xff, 0x00],           // object claiming 5 elements in 255 bytes it does not have
            [0x02, 0x01, 0x00, 0x07, 0x00, 0x0c, 0x40, 0x00],  // string offset outside its array
            [0x0c, 0xff, 0xff, 0xff, 0xff, 0xff],     // string length of more than 5 bytes
            [0x0c, 0x10, 0x61],                       // string shorter than its length
            [0x04, 0x07],                             // unknown literal
            [0x0e],                                   // unknown type
            [0x0f, 246, 0x03, 10, 2, 0x80],           // DECIMAL shorter than its precision needs
        ]
        for bytes in cases {
            #expect(throws: EventFailure.self, "\(bytes)") { _ = try decode(bytes) }
        }
    }

    /// Arrays nested `depth` deep around the string "a", in the small format.
    private func nested(_ depth: Int) -> [UInt8] {
        var value: [UInt8] = [0x0c, 0x01, 0x61]
        for _ in 0..<depth {
            value = [0x02, 0x01, 0x00] + MySQLJSONEncoder.little(UInt64(7 + value.count - 1), 2) + [value[0], 7, 0] + value.dropFirst()
        }
        return value
    }

    @Test func nestingIsDecodedUpToMySQLsLimitAndRefusedBeyond() throws {
        let fifty = String(repeating: "[", count: 50) + "\"a\"" + String(repeating: "]", count: 50)
        #expect(try decode(nested(50)) == fifty)
        #expect(throws: EventFailure.self) { _ = try decode(nested(120)) }
    }
}
