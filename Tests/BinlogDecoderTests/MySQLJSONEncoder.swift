/// Encodes JSON into MySQL's binary JSON format (sql/json_binary.h), written for the tests from
/// the documented layout so that the decoder can be checked against an independent encoder.
enum MySQLJSONEncoder {
    /// The whole value: a type byte, then the value, in the small or the large container format.
    static func encode(_ value: TestJSON, large: Bool = false) -> [UInt8] {
        let (type, bytes) = encodeValue(value, large: large)
        return [type] + bytes
    }

    private static func encodeValue(_ value: TestJSON, large: Bool) -> (UInt8, [UInt8]) {
        switch value {
        case .null: return (0x04, [0x00])
        case .bool(let flag): return (0x04, [flag ? 0x01 : 0x02])
        case .number(let text):
            if let integer = Int64(text) {
                if let small = Int16(exactly: integer) { return (0x05, little(UInt64(UInt16(bitPattern: small)), 2)) }
                if let medium = Int32(exactly: integer) { return (0x07, little(UInt64(UInt32(bitPattern: medium)), 4)) }
                return (0x09, little(UInt64(bitPattern: integer), 8))
            }
            if let unsigned = UInt64(text) { return (0x0a, little(unsigned, 8)) }
            return (0x0b, little(Double(text)!.bitPattern, 8))
        case .string(let text):
            return (0x0c, variableLength(text.utf8.count) + Array(text.utf8))
        case .array(let elements):
            return (large ? 0x03 : 0x02, container(keys: nil, values: elements, large: large))
        case .object(let members):
            return (large ? 0x01 : 0x00, container(keys: members.map(\.0), values: members.map(\.1), large: large))
        }
    }

    static func variableLength(_ length: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var rest = length
        repeat {
            var byte = UInt8(rest & 0x7f)
            rest >>= 7
            if rest > 0 { byte |= 0x80 }
            bytes.append(byte)
        } while rest > 0
        return bytes
    }

    static func little(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    private static func inlined(_ type: UInt8, large: Bool) -> Bool {
        type == 0x04 || type == 0x05 || type == 0x06 || (large && (type == 0x07 || type == 0x08))
    }

    private static func container(keys: [String]?, values: [TestJSON], large: Bool) -> [UInt8] {
        let width = large ? 4 : 2
        let count = values.count
        let header = 2 * width + (keys.map { _ in count * (width + 2) } ?? 0) + count * (1 + width)
        var tail: [UInt8] = []
        var keyEntries: [UInt8] = []
        if let keys {
            for key in keys {
                keyEntries += little(UInt64(header + tail.count), width) + little(UInt64(key.utf8.count), 2)
                tail += Array(key.utf8)
            }
        }
        var valueEntries: [UInt8] = []
        for value in values {
            let (type, bytes) = encodeValue(value, large: large)
            if inlined(type, large: large) {
                valueEntries += [type] + bytes + [UInt8](repeating: 0, count: width - bytes.count)
            } else {
                valueEntries += [type] + little(UInt64(header + tail.count), width)
                tail += bytes
            }
        }
        let size = header + tail.count
        return little(UInt64(count), width) + little(UInt64(size), width) + keyEntries + valueEntries + tail
    }
}
