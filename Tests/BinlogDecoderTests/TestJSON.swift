/// A small JSON parser for assertions that keeps numbers as their exact text, so that
/// 18446744073709551615 and DECIMAL(65,30) values are compared digit for digit.
indirect enum TestJSON: Equatable, CustomStringConvertible, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([TestJSON])
    case object([(String, TestJSON)])

    static func == (left: TestJSON, right: TestJSON) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    subscript(key: String) -> TestJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    var stringValue: String? { if case .string(let value) = self { return value } else { return nil } }
    var numberText: String? { if case .number(let value) = self { return value } else { return nil } }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return value
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.description).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> TestJSON {
        var parser = Parser(bytes: Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw ParseError(description: "trailing bytes at \(parser.index) in \(text)") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0a, 0x0d, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else {
                throw ParseError(description: "expected \(UnicodeScalar(byte)) at \(index)")
            }
            index += 1
        }

        mutating func value() throws -> TestJSON {
            skipSpace()
            guard index < bytes.count else { throw ParseError(description: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, TestJSON)] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                repeat {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw ParseError(description: "object key at \(index)") }
                    try expect(UInt8(ascii: ":"))
                    members.append((key, try value()))
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "}"))
                return .object(members)
            case UInt8(ascii: "["):
                index += 1
                var values: [TestJSON] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(values) }
                repeat {
                    values.append(try value())
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "]"))
                return .array(values)
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): index += 4; return .bool(true)
            case UInt8(ascii: "f"): index += 5; return .bool(false)
            case UInt8(ascii: "n"): index += 4; return .null
            default:
                let start = index
                while index < bytes.count, "-+.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                guard index > start else { throw ParseError(description: "unexpected byte \(bytes[index]) at \(index)") }
                return .number(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        mutating func separator(closing: UInt8) throws -> Bool {
            guard index < bytes.count else { throw ParseError(description: "unexpected end") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; return true }
            if bytes[index] == closing { index += 1; return false }
            throw ParseError(description: "expected , or \(UnicodeScalar(closing)) at \(index)")
        }

        mutating func string() throws -> String {
            index += 1
            var scalars: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") {
                    index += 1
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): scalars.append(0x0a)
                    case UInt8(ascii: "r"): scalars.append(0x0d)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0c)
                    case UInt8(ascii: "u"):
                        var code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)!
                        index += 4
                        if (0xD800...0xDBFF).contains(code), bytes[index] == UInt8(ascii: "\\") {
                            let low = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16)!
                            index += 6
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(contentsOf: Array(String(UnicodeScalar(code)!).utf8))
                    default: scalars.append(escaped)
                    }
                } else {
                    guard bytes[index] >= 0x20 else { throw ParseError(description: "raw control character in string at \(index)") }
                    scalars.append(bytes[index])
                    index += 1
                }
            }
            guard index < bytes.count else { throw ParseError(description: "unterminated string") }
            index += 1
            return String(decoding: scalars, as: UTF8.self)
        }
    }
}
