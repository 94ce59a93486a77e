/// A JSON path as MySQL logs it in a partial JSON update (`Json_path::to_string`, sql/json_path.cc):
/// `$`, then member legs (`.name`, or `."quoted name"` with JSON escapes when the name is not an
/// ECMAScript identifier) and array cell legs (`[3]`, `[last]`, `[last-2]`), with optional whitespace
/// between tokens as MySQL's parser allows. A diff's path names one place, so wildcards (`.*`,
/// `[*]`), ranges (`[1 to 3]`) and `**` are refused.
struct JSONPath: Sendable, Equatable {
    enum Leg: Sendable, Equatable {
        /// An object member, by its UTF-8 name (escapes resolved).
        case member([UInt8])
        /// An array cell: `index` from the start, or from the end (`last` is 0) when `fromEnd`.
        case cell(index: UInt32, fromEnd: Bool)
    }

    var legs: [Leg]

    /// A path deeper than MySQL's documents can be cannot name anything in one.
    static let maximumLegs = MySQLJSONValue.maximumDepth

    init(parsing text: UnsafeRawBufferPointer) throws(EventFailure) {
        var parser = Parser(text: text)
        legs = try parser.path()
    }

    /// Text from the binlog for an error message: its first 80 bytes, as a quoted JSON string, so that
    /// the message stays one line whatever the bytes.
    static func quoted(_ bytes: UnsafeRawBufferPointer) -> String {
        let writer = JSONWriter(capacity: 128)
        writer.string(utf8: UnsafeRawBufferPointer(rebasing: bytes.prefix(80)))
        return String(decoding: writer.bytes, as: UTF8.self) + (bytes.count > 80 ? "…" : "")
    }

    /// Where an array cell leg points in an array of `count` elements (MySQL's `Json_array_index`): the
    /// position, clamped to 0…count, and whether an element is there.
    static func position(index: UInt32, fromEnd: Bool, count: Int) -> (position: Int, withinBounds: Bool) {
        let index = Int(index)
        if fromEnd { return index < count ? (count - index - 1, true) : (0, false) }
        return index < count ? (index, true) : (count, false)
    }

    private struct Parser {
        let text: UnsafeRawBufferPointer
        var offset = 0

        init(text: UnsafeRawBufferPointer) { self.text = text }

        private func fail(_ reason: String) -> EventFailure {
            EventFailure("JSON diff path \(JSONPath.quoted(text)): \(reason)")
        }

        private var atEnd: Bool { offset >= text.count }

        /// MySQL's `my_isspace` on utf8mb4: space, tab, line feed, vertical tab, form feed, carriage return.
        private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }

        private mutating func skipSpace() {
            while !atEnd, Self.isSpace(text[offset]) { offset += 1 }
        }

        mutating func path() throws(EventFailure) -> [Leg] {
            skipSpace()
            guard !atEnd, text[offset] == UInt8(ascii: "$") else { throw fail("does not start with $") }
            offset += 1
            var legs: [Leg] = []
            skipSpace()
            while !atEnd {
                guard legs.count < JSONPath.maximumLegs else { throw fail("more than \(JSONPath.maximumLegs) legs") }
                switch text[offset] {
                case UInt8(ascii: "."): legs.append(try memberLeg())
                case UInt8(ascii: "["): legs.append(try cellLeg())
                case UInt8(ascii: "*"): throw fail("a ** leg names no single place")
                default: throw fail("unexpected character at offset \(offset)")
                }
                skipSpace()
            }
            return legs
        }

        private mutating func memberLeg() throws(EventFailure) -> Leg {
            offset += 1  // the dot
            skipSpace()
            guard !atEnd else { throw fail("ends after a dot") }
            if text[offset] == UInt8(ascii: "*") { throw fail("a wildcard leg names no single place") }
            let start = offset
            if text[offset] == UInt8(ascii: "\"") {
                guard let end = JSONStringContent.end(in: text, quoteAt: start) else {
                    throw fail("a quoted member name has no closing quote")
                }
                offset = end
                return .member(try unescape(UnsafeRawBufferPointer(rebasing: text[(start + 1)..<(end - 1)])))
            }
            while !atEnd {
                let byte = text[offset]
                if Self.isSpace(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*") { break }
                offset += 1
            }
            guard offset > start else { throw fail("an empty member name") }
            // An unquoted name may carry JSON escapes too (MySQL unescapes it as a JSON string).
            return .member(try unescape(UnsafeRawBufferPointer(rebasing: text[start..<offset])))
        }

        private mutating func cellLeg() throws(EventFailure) -> Leg {
            offset += 1  // the bracket
            skipSpace()
            guard !atEnd else { throw fail("ends inside an array leg") }
            if text[offset] == UInt8(ascii: "*") { throw fail("a wildcard leg names no single place") }
            let (index, fromEnd) = try arrayIndex()
            skipSpace()
            guard !atEnd else { throw fail("ends inside an array leg") }
            if text[offset] == UInt8(ascii: "t") { throw fail("a range leg names no single place") }
            guard text[offset] == UInt8(ascii: "]") else { throw fail("unexpected character at offset \(offset) in an array leg") }
            offset += 1
            return .cell(index: index, fromEnd: fromEnd)
        }

        /// `N`, `last` or `last - N`.
        private mutating func arrayIndex() throws(EventFailure) -> (UInt32, Bool) {
            var fromEnd = false
            let last: [UInt8] = Array("last".utf8)
            if text.count - offset >= 4, (0..<4).allSatisfy({ text[offset + $0] == last[$0] }) {
                offset += 4
                fromEnd = true
                skipSpace()
                guard !atEnd, text[offset] == UInt8(ascii: "-") else { return (0, true) }
                offset += 1
                skipSpace()
            }
            guard !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[offset]) else {
                throw fail("an array leg without an index")
            }
            var value: UInt64 = 0
            while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[offset]) {
                value = value * 10 + UInt64(text[offset] - UInt8(ascii: "0"))
                guard value <= UInt64(UInt32.max) else { throw fail("an array index above \(UInt32.max)") }
                offset += 1
            }
            return (UInt32(value), fromEnd)
        }

        /// A member name's content with its JSON escapes resolved (`JSONStringContent`).
        private func unescape(_ content: UnsafeRawBufferPointer) throws(EventFailure) -> [UInt8] {
            do throws(EventFailure) {
                return try JSONStringContent.unescape(content, what: "member name")
            } catch {
                throw fail(error.reason)
            }
        }
    }
}
