/// An append-only UTF-8 JSON writer over a reusable byte buffer.
///
/// Writes numbers without going through `String`, escapes strings per RFC 8259 (quotes,
/// backslashes and control characters; `\u2028`/`\u2029` too, for JavaScript consumers) and
/// replaces invalid UTF-8 with U+FFFD, so whatever the bytes, the output is valid JSON.
///
/// A reference type over raw memory: the hot path appends a few bytes at a time, and Array's
/// per-append uniqueness checks showed in profiles. One writer belongs to one thread.
public final class JSONWriter {
    // One writer belongs to one thread, so the runtime's exclusivity checks on every append are skipped.
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) public private(set) var count = 0

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// A copy of what was written.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// What was written, valid during the call.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Empties the buffer, keeping its capacity.
    public func reset() { count = 0 }

    /// Puts what was written from `start` on in double quotes, unless it is a string already. For values
    /// whose text needs no escaping (numbers, and JSON written without quotes inside).
    public func quote(from start: Int) {
        precondition(start >= 0 && start <= count, "quote beyond what was written")
        guard start == count || storage[start] != UInt8(ascii: "\"") else { return }
        reserve(2)
        UnsafeMutableRawPointer(storage + start + 1).copyMemory(from: storage + start, byteCount: count - start)  // may overlap: memmove
        storage[start] = UInt8(ascii: "\"")
        count += 1
        storage[count] = UInt8(ascii: "\"")
        count += 1
    }

    /// Drops what was written after the first `length` bytes (a message that failed halfway).
    public func truncate(to length: Int) {
        precondition(length >= 0 && length <= count, "truncate beyond what was written")
        count = length
    }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    @inline(__always) public func byte(_ value: UInt8) {
        reserve(1)
        storage[count] = value
        count += 1
    }

    /// Appends bytes that are already valid JSON (or a literal fragment such as `"head":`).
    public func raw(_ fragment: StaticString) {
        raw(UnsafeRawBufferPointer(start: fragment.utf8Start, count: fragment.utf8CodeUnitCount))
    }

    @inline(__always)
    public func raw(_ fragment: UnsafeRawBufferPointer) {
        guard let base = fragment.baseAddress, !fragment.isEmpty else { return }
        reserve(fragment.count)
        (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: fragment.count)
        count += fragment.count
    }

    public func raw<S: Sequence>(_ fragment: S) where S.Element == UInt8 {
        for byte in fragment { self.byte(byte) }
    }

    /// Appends a string's UTF-8 bytes as they are (for text already known to be valid JSON). Named apart from
    /// `raw(_: StaticString)` on purpose: a literal prefers `String`, whose `withUTF8` costs a copy and a
    /// retain and release at every call; so every literal in the hot path took this one (callgrind: 7 % of a dump).
    public func rawText(_ fragment: String) {
        if fragment.utf8.withContiguousStorageIfAvailable({ raw(UnsafeRawBufferPointer($0)) }) != nil { return }
        var fragment = fragment
        fragment.withUTF8 { raw(UnsafeRawBufferPointer($0)) }
    }

    public func raw(_ fragment: [UInt8]) {
        fragment.withUnsafeBytes { raw($0) }
    }

    public func null() { raw("null") }
    public func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    public func integer(_ value: Int64) {
        if value < 0 {
            byte(UInt8(ascii: "-"))
            unsigned(value.magnitude)
        } else {
            unsigned(UInt64(value))
        }
    }

    public func unsigned(_ value: UInt64) {
        if value < 10 {
            byte(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        writeDigits(value, count: Self.decimalDigits(value))
    }

    /// How many decimal digits `value` has: a few comparisons rather than a loop of multiplications.
    @inline(__always)
    static func decimalDigits(_ value: UInt64) -> Int {
        if value < 100_000_000 {
            if value < 10_000 { return value < 100 ? (value < 10 ? 1 : 2) : (value < 1_000 ? 3 : 4) }
            return value < 1_000_000 ? (value < 100_000 ? 5 : 6) : (value < 10_000_000 ? 7 : 8)
        }
        if value < 10_000_000_000_000_000 {
            if value < 1_000_000_000_000 {
                return value < 10_000_000_000 ? (value < 1_000_000_000 ? 9 : 10) : (value < 100_000_000_000 ? 11 : 12)
            }
            return value < 100_000_000_000_000 ? (value < 10_000_000_000_000 ? 13 : 14) : (value < 1_000_000_000_000_000 ? 15 : 16)
        }
        return value < 1_000_000_000_000_000_000 ? (value < 100_000_000_000_000_000 ? 17 : 18) : (value < 10_000_000_000_000_000_000 ? 19 : 20)
    }

    /// Writes exactly `count` digits of `value` (the low ones), two at a time from a table.
    @inline(__always)
    private func writeDigits(_ value: UInt64, count digits: Int) {
        reserve(digits)
        var rest = value
        var index = count + digits
        let pairs = Self.digitPairs.utf8Start
        while index - count >= 2 {
            let pair = Int(rest % 100) &* 2
            rest /= 100
            index -= 2
            storage[index] = pairs[pair]
            storage[index + 1] = pairs[pair + 1]
        }
        if index > count {
            index -= 1
            storage[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
        }
        count += digits
    }

    /// The two digits of every number below 100. A constant, not an array made at first use: reading such
    /// a `static let` goes through `swift_once` at every number written.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// `value` (≥ 0) as at least `width` decimal digits, zero-padded (for dates and times).
    public func padded(_ value: Int, width: Int) {
        // Months, days, hours, minutes, seconds and years: a pair or two from the table, no digit count.
        if width == 2, value >= 0, value < 100 {
            reserve(2)
            let pair = Self.digitPairs.utf8Start + value &* 2
            storage[count] = pair[0]
            storage[count + 1] = pair[1]
            count += 2
            return
        }
        if width == 4, value >= 0, value < 10_000 {
            reserve(4)
            let high = Self.digitPairs.utf8Start + (value / 100) &* 2, low = Self.digitPairs.utf8Start + (value % 100) &* 2
            storage[count] = high[0]
            storage[count + 1] = high[1]
            storage[count + 2] = low[0]
            storage[count + 3] = low[1]
            count += 4
            return
        }
        var digits = 1
        var limit = 10
        while value >= limit && digits < 19 {
            digits += 1
            limit &*= 10
        }
        writeDigits(UInt64(value), count: max(width, digits))
    }

    /// The shortest text that reads back as the same Double; non-finite values (not in MySQL) become null.
    public func double(_ value: Double) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
            return
        }
        rawText(value.description)
    }

    public func float(_ value: Float) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e7 {
            integer(Int64(value))
            return
        }
        rawText(value.description)
    }

    public func string(_ value: String) {
        // A native string's bytes in place; `withUTF8` on a copy costs a retain and release besides.
        if value.utf8.withContiguousStorageIfAvailable({ string(utf8: UnsafeRawBufferPointer($0)) }) != nil { return }
        var value = value
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    public func string(_ value: StaticString) {
        value.withUTF8Buffer { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string of UTF-8 bytes, escaped; invalid sequences become U+FFFD.
    public func string(utf8 value: UnsafeRawBufferPointer) {
        byte(UInt8(ascii: "\""))
        stringContent(utf8: value)
        byte(UInt8(ascii: "\""))
    }

    /// The escaped content of a JSON string, without the quotes.
    public func stringContent(utf8 value: UnsafeRawBufferPointer) {
        var index = 0
        let count = value.count
        var runStart = 0
        let base = value.baseAddress
        while index < count {
            // Plain ASCII text (no control character, quote or backslash) is skipped a word at a
            // time: one 8-byte word, then, while it was clean, 32 bytes a step, which is where long
            // text values spend their time. An ASCII word that is not clean is entered at its first
            // byte to escape (the lowest flagged byte is always a true one); a word with non-ASCII
            // bytes goes character by character, as UTF-8 must be checked anyway.
            if let base, index + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    let attention = Self.attention(word)
                    if attention == 0 {
                        index += 8
                        while index + 32 <= count, Self.attention(
                            base.loadUnaligned(fromByteOffset: index, as: UInt64.self),
                            base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self),
                            base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self),
                            base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)) == 0 {
                            index += 32
                        }
                        continue
                    }
                    index += attention.trailingZeroBitCount >> 3
                }
            }
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

    /// Zero when none of the eight (little-endian) bytes is a control character, `"`, `\\` or
    /// non-ASCII (a SWAR test without branches; four words are tested at once by OR-ing the results).
    /// Otherwise the high bit of the first such byte is the lowest bit set; bits above it may be
    /// set by borrows and say nothing.
    @inline(__always)
    private static func attention(_ a: UInt64, _ b: UInt64, _ c: UInt64, _ d: UInt64) -> UInt64 {
        attention(a) | attention(b) | attention(c) | attention(d)
    }

    @inline(__always)
    private static func attention(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value }
        let control = (word &- 0x2020_2020_2020_2020) & ~word  // a byte below 0x20 (exact while all are ASCII)
        return (word | control | zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))) & highs
    }

    @inline(__always)
    private func flushRun(_ value: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
        if end > start { raw(UnsafeRawBufferPointer(rebasing: value[start..<end])) }
    }

    private func escapeASCII(_ character: UInt8) {
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
    public func scalarContent(_ scalar: Unicode.Scalar) {
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
