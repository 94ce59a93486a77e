/// An append-only UTF-8 JSON writer over a reusable byte buffer.
///
/// Writes numbers without going through `String`, escapes strings per RFC 8259 (quotes,
/// backslashes and control characters; `\u2028`/`\u2029` too, for JavaScript consumers) and
/// replaces invalid UTF-8 with U+FFFD, so whatever the bytes, the output is valid JSON.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its capacity.
    public mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    public var count: Int { bytes.count }

    @inline(__always) public mutating func byte(_ value: UInt8) { bytes.append(value) }

    /// Appends bytes that are already valid JSON (or a literal fragment such as `"head":`).
    public mutating func raw(_ fragment: StaticString) {
        fragment.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ fragment: UnsafeRawBufferPointer) { bytes.append(contentsOf: fragment) }
    public mutating func raw<S: Sequence>(_ fragment: S) where S.Element == UInt8 { bytes.append(contentsOf: fragment) }

    public mutating func null() { raw("null") }
    public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    public mutating func integer(_ value: Int64) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    public mutating func unsigned(_ value: UInt64) {
        if value < 10 {
            byte(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, enough for 20 digits
        withUnsafeMutableBytes(of: &digits) { scratch in
            var index = scratch.count
            var rest = value
            while rest > 0 {
                index -= 1
                scratch[index] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
        }
    }

    /// `value` as exactly `width` decimal digits, zero-padded (for dates and times).
    public mutating func padded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<max(width, 1) { divisor *= 10 }
        var rest = value
        if rest >= divisor * 10 {  // wider than asked: write it whole
            unsigned(UInt64(rest))
            return
        }
        while divisor > 0 {
            byte(UInt8(ascii: "0") &+ UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The shortest text that reads back as the same Double; non-finite values (not in MySQL) become null.
    public mutating func double(_ value: Double) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
            return
        }
        raw(value.description.utf8)
    }

    public mutating func float(_ value: Float) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e7 {
            integer(Int64(value))
            return
        }
        raw(value.description.utf8)
    }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    public mutating func string(_ value: StaticString) {
        value.withUTF8Buffer { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string of UTF-8 bytes, escaped; invalid sequences become U+FFFD.
    public mutating func string(utf8 value: UnsafeRawBufferPointer) {
        byte(UInt8(ascii: "\""))
        stringContent(utf8: value)
        byte(UInt8(ascii: "\""))
    }

    /// The escaped content of a JSON string, without the quotes.
    public mutating func stringContent(utf8 value: UnsafeRawBufferPointer) {
        var index = 0
        let count = value.count
        var runStart = 0
        while index < count {
            let lead = value[index]
            if lead >= 0x20 && lead < 0x80 && lead != UInt8(ascii: "\"") && lead != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if lead < 0x80 {
                flushRun(value, runStart, index)
                escapeASCII(lead)
                index += 1
                runStart = index
                continue
            }
            let length = UTF8Validation.sequenceLength(value, at: index)
            if length == 0 {
                flushRun(value, runStart, index)
                raw("\u{FFFD}")
                index += 1
                runStart = index
            } else {
                // U+2028 and U+2029 are valid JSON but break JavaScript string literals.
                if length == 3, lead == 0xE2, value[index + 1] == 0x80, value[index + 2] & 0xFE == 0xA8 {
                    flushRun(value, runStart, index)
                    value[index + 2] == 0xA8 ? raw("\\u2028") : raw("\\u2029")
                    runStart = index + 3
                }
                index += length
            }
        }
        flushRun(value, runStart, count)
    }

    @inline(__always)
    private mutating func flushRun(_ value: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
        if end > start { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[start..<end])) }
    }

    private mutating func escapeASCII(_ character: UInt8) {
        switch character {
        case UInt8(ascii: "\""): raw("\\\"")
        case UInt8(ascii: "\\"): raw("\\\\")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        default:
            raw("\\u00")
            byte(Self.hexDigits[Int(character >> 4)])
            byte(Self.hexDigits[Int(character & 0x0f)])
        }
    }

    /// A Unicode scalar, escaped as needed (used for Latin-1 and other single-byte charsets).
    public mutating func scalarContent(_ scalar: Unicode.Scalar) {
        if scalar.value < 0x80 {
            let ascii = UInt8(scalar.value)
            if ascii >= 0x20 && ascii != UInt8(ascii: "\"") && ascii != UInt8(ascii: "\\") { byte(ascii) } else { escapeASCII(ascii) }
        } else {
            for unit in UTF8.encode(scalar)! { byte(unit) }
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// UTF-8 well-formedness per the Unicode standard (no overlongs, no surrogates, at most U+10FFFF).
enum UTF8Validation {
    /// The length of the well-formed sequence at `index`, or 0 when it is not well-formed.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        let available = bytes.count - index
        func continuation(_ offset: Int) -> Bool { bytes[index + offset] & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            return available >= 2 && continuation(1) ? 2 : 0
        case 0xE0...0xEF:
            guard available >= 3, continuation(1), continuation(2) else { return 0 }
            let second = bytes[index + 1]
            if lead == 0xE0 && second < 0xA0 { return 0 }
            if lead == 0xED && second > 0x9F { return 0 }
            return 3
        case 0xF0...0xF4:
            guard available >= 4, continuation(1), continuation(2), continuation(3) else { return 0 }
            let second = bytes[index + 1]
            if lead == 0xF0 && second < 0x90 { return 0 }
            if lead == 0xF4 && second > 0x8F { return 0 }
            return 4
        default:
            return 0
        }
    }
}
