#if canImport(Glibc)
import Glibc
#endif

/// Turns a JSON document as MySQL prints it into MySQL's binary JSON (sql/json_binary.h), the format
/// a JSON column's value has in the binlog, so that a snapshot's JSON values are written by the same
/// code as streamed ones (`MySQLJSONValue`).
///
/// The text keeps the stored order of object members (MySQL prints them in the order it stores them).
/// Numbers: an integer is an integer; a number with an exponent, or with a fraction the way MySQL
/// prints a double, is a double; a fraction of two digits or more ending in zero (`1.50`) can only be
/// a DECIMAL, and is stored as one so that its digits stay. A whole DECIMAL of one fraction digit
/// (`10.0`) cannot be told from a double and becomes one (written `10`, the same number).
enum BinaryJSONEncoder {
    static func encode(_ text: UnsafeRawBufferPointer) throws(EventFailure) -> [UInt8] {
        var parser = Parser(text: text)
        let value = try parser.value()
        parser.skipSpace()
        guard parser.offset == text.count else { throw parser.failure("text after the document") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count + 16)
        bytes.append(value.type)
        value.appendBody(to: &bytes)
        return bytes
    }

    indirect enum Value {
        case literal(UInt8)  // 0 null, 1 true, 2 false
        case int64(Int64)
        case uint64(UInt64)
        case double(Double)
        /// An opaque DECIMAL: precision, scale and the packed digits.
        case decimal([UInt8])
        case string([UInt8])
        case array([Value])
        case object([([UInt8], Value)])

        var type: UInt8 {
            switch self {
            case .literal: return 0x04
            case .int64: return 0x09
            case .uint64: return 0x0a
            case .double: return 0x0b
            case .decimal: return 0x0f
            case .string: return 0x0c
            case .array: return 0x03
            case .object: return 0x01
            }
        }

        /// Literals are inlined in their container's value entry (in the large format, which this encoder writes).
        var inlinedBits: UInt32? {
            if case .literal(let value) = self { return UInt32(value) }
            return nil
        }

        func appendBody(to bytes: inout [UInt8]) {
            switch self {
            case .literal(let value): bytes.append(value)
            case .int64(let value): SnapshotValueEncoder.appendLittleEndian(UInt64(bitPattern: value), width: 8, to: &bytes)
            case .uint64(let value): SnapshotValueEncoder.appendLittleEndian(value, width: 8, to: &bytes)
            case .double(let value): SnapshotValueEncoder.appendLittleEndian(value.bitPattern, width: 8, to: &bytes)
            case .decimal(let data):
                bytes.append(ColumnType.newDecimal)
                Self.appendVariableLength(data.count, to: &bytes)
                bytes.append(contentsOf: data)
            case .string(let utf8):
                Self.appendVariableLength(utf8.count, to: &bytes)
                bytes.append(contentsOf: utf8)
            case .array(let elements): Self.appendContainer(keys: nil, values: elements, to: &bytes)
            case .object(let members): Self.appendContainer(keys: members.map(\.0), values: members.map(\.1), to: &bytes)
            }
        }

        private static func appendVariableLength(_ length: Int, to bytes: inout [UInt8]) {
            var rest = length
            repeat {
                var byte = UInt8(rest & 0x7f)
                rest >>= 7
                if rest > 0 { byte |= 0x80 }
                bytes.append(byte)
            } while rest > 0
        }

        /// The large container format: element count and size (4 bytes each), key entries (offset 4,
        /// length 2), value entries (type, then an inlined literal or an offset of 4), keys, values.
        private static func appendContainer(keys: [[UInt8]]?, values: [Value], to bytes: inout [UInt8]) {
            let start = bytes.count
            let count = values.count
            let header = 8 + (keys == nil ? 0 : count * 6) + count * 5
            bytes.append(contentsOf: repeatElement(0, count: header))
            func put(_ value: UInt64, width: Int, at position: Int) {
                for index in 0..<width { bytes[position + index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
            }
            put(UInt64(count), width: 4, at: start)
            if let keys {
                for (index, key) in keys.enumerated() {
                    put(UInt64(bytes.count - start), width: 4, at: start + 8 + index * 6)
                    put(UInt64(key.count), width: 2, at: start + 8 + index * 6 + 4)
                    bytes.append(contentsOf: key)
                }
            }
            let valueEntries = start + 8 + (keys == nil ? 0 : count * 6)
            for (index, value) in values.enumerated() {
                bytes[valueEntries + index * 5] = value.type
                if let bits = value.inlinedBits {
                    put(UInt64(bits), width: 4, at: valueEntries + index * 5 + 1)
                } else {
                    put(UInt64(bytes.count - start), width: 4, at: valueEntries + index * 5 + 1)
                    value.appendBody(to: &bytes)
                }
            }
            put(UInt64(bytes.count - start), width: 4, at: start + 4)
        }
    }

    private struct Parser {
        let text: UnsafeRawBufferPointer
        var offset = 0
        var depth = 0

        mutating func skipSpace() {
            while offset < text.count, text[offset] == 0x20 || text[offset] == 0x0a || text[offset] == 0x0d || text[offset] == 0x09 { offset += 1 }
        }

        func failure(_ reason: String) -> EventFailure {
            EventFailure("JSON text at character \(offset): \(reason)")
        }

        mutating func value() throws(EventFailure) -> Value {
            skipSpace()
            guard offset < text.count else { throw failure("the document ends early") }
            switch text[offset] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try word("true", .literal(1))
            case UInt8(ascii: "f"): return try word("false", .literal(2))
            case UInt8(ascii: "n"): return try word("null", .literal(0))
            default: return try number()
            }
        }

        private mutating func word(_ word: StaticString, _ value: Value) throws(EventFailure) -> Value {
            let length = word.utf8CodeUnitCount
            guard text.count - offset >= length,
                  memcmp(text.baseAddress! + offset, word.utf8Start, length) == 0 else { throw failure("unknown literal") }
            offset += length
            return value
        }

        private mutating func object() throws(EventFailure) -> Value {
            offset += 1
            depth += 1
            defer { depth -= 1 }
            var members: [([UInt8], Value)] = []
            skipSpace()
            if offset < text.count, text[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard offset < text.count, text[offset] == UInt8(ascii: "\"") else { throw failure("a key expected") }
                let key = try string()
                skipSpace()
                guard offset < text.count, text[offset] == UInt8(ascii: ":") else { throw failure("':' expected") }
                offset += 1
                members.append((key, try value()))
                skipSpace()
                guard offset < text.count else { throw failure("the object does not end") }
                if text[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                }
                guard text[offset] == UInt8(ascii: ",") else { throw failure("',' or '}' expected") }
                offset += 1
            }
        }

        private mutating func array() throws(EventFailure) -> Value {
            offset += 1
            var elements: [Value] = []
            skipSpace()
            if offset < text.count, text[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                elements.append(try value())
                skipSpace()
                guard offset < text.count else { throw failure("the array does not end") }
                if text[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array(elements)
                }
                guard text[offset] == UInt8(ascii: ",") else { throw failure("',' or ']' expected") }
                offset += 1
            }
        }

        private mutating func string() throws(EventFailure) -> [UInt8] {
            guard let end = JSONStringContent.end(in: text, quoteAt: offset) else { throw failure("a string does not end") }
            let content = UnsafeRawBufferPointer(rebasing: text[(offset + 1)..<(end - 1)])
            offset = end
            do throws(EventFailure) {
                return try JSONStringContent.unescape(content, what: "string")
            } catch {
                throw failure(error.reason)
            }
        }

        private mutating func number() throws(EventFailure) -> Value {
            let start = offset
            var dot: Int?
            var exponent = false
            while offset < text.count {
                let byte = text[offset]
                if byte == UInt8(ascii: ".") {
                    dot = offset
                } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    exponent = true
                } else if !(byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")) {
                    break
                }
                offset += 1
            }
            let token = UnsafeRawBufferPointer(rebasing: text[start..<offset])
            guard !token.isEmpty else { throw failure("a value expected") }
            if dot == nil, !exponent {
                if let value = try? SnapshotValueEncoder.signed(token) { return .int64(value) }
                return .uint64(try SnapshotValueEncoder.unsigned(token))
            }
            if let dot, !exponent, offset - dot > 2, text[offset - 1] == UInt8(ascii: "0") {
                let scale = offset - dot - 1
                let integerDigits = dot - start - (text[start] == UInt8(ascii: "-") ? 1 : 0)
                let precision = max(integerDigits + scale, 1)
                if precision <= 65, scale <= 30 {
                    var data: [UInt8] = [UInt8(precision), UInt8(scale)]
                    try DecimalPacking.append(token, precision: precision, scale: scale, to: &data)
                    return .decimal(data)
                }
            }
            return .double(try SnapshotValueEncoder.double(token))
        }
    }
}
