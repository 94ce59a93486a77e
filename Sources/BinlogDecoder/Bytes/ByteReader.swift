/// A bounds-checked cursor over event bytes. Every read checks the remaining length and
/// throws a "truncated" `EventFailure` instead of reading past the end.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    private func require(_ count: Int) throws(EventFailure) {
        guard count >= 0, count <= bytes.count - offset else { throw EventFailure.truncated(needed: count, offset: offset) }
    }

    mutating func skip(_ count: Int) throws(EventFailure) {
        try require(count)
        offset += count
    }

    mutating func uint8() throws(EventFailure) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// An unsigned little-endian integer of `width` bytes (1…8).
    mutating func littleEndian(_ width: Int) throws(EventFailure) -> UInt64 {
        try require(width)
        let value = bytes.littleEndian(at: offset, width: width)
        offset += width
        return value
    }

    mutating func uint16() throws(EventFailure) -> UInt16 { UInt16(truncatingIfNeeded: try littleEndian(2)) }
    mutating func uint32() throws(EventFailure) -> UInt32 { UInt32(truncatingIfNeeded: try littleEndian(4)) }
    mutating func uint64() throws(EventFailure) -> UInt64 { try littleEndian(8) }

    /// The protocol's length-encoded integer (1, 3, 4 or 9 bytes).
    mutating func lengthEncoded() throws(EventFailure) -> UInt64 {
        let first = try uint8()
        switch first {
        case 0xfc: return try littleEndian(2)
        case 0xfd: return try littleEndian(3)
        case 0xfe: return try littleEndian(8)
        default: return UInt64(first)
        }
    }

    /// A length-encoded count checked to fit in the bytes that remain (each item needs at least `minimumItemSize`).
    mutating func lengthEncodedCount(minimumItemSize: Int = 1) throws(EventFailure) -> Int {
        let value = try lengthEncoded()
        guard value <= UInt64(remaining / max(minimumItemSize, 1)) else { throw EventFailure.truncated(needed: Int(clamping: value), offset: offset) }
        return Int(value)
    }

    /// The next `count` bytes as a slice of the underlying buffer.
    mutating func slice(_ count: Int) throws(EventFailure) -> UnsafeRawBufferPointer {
        try require(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func array(_ count: Int) throws(EventFailure) -> [UInt8] {
        Array(try slice(count))
    }

    /// `count` bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    mutating func string(_ count: Int) throws(EventFailure) -> String {
        String(decoding: try slice(count), as: UTF8.self)
    }

    mutating func lengthEncodedString() throws(EventFailure) -> String {
        try string(try lengthEncodedCount())
    }
}

extension UnsafeRawBufferPointer {
    /// Unsigned little-endian integer of `width` (1…8) bytes at `offset`; the caller checked the bounds.
    @inline(__always)
    func littleEndian(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        var index = width - 1
        while index >= 0 {
            value = value << 8 | UInt64(self[offset + index])
            index -= 1
        }
        return value
    }

    /// Unsigned big-endian integer of `width` (1…8) bytes at `offset`; the caller checked the bounds.
    @inline(__always)
    func bigEndian(at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<width {
            value = value << 8 | UInt64(self[offset + index])
        }
        return value
    }
}
