/// Reading MySQL 8.3+'s serialization format (libs/mysql/serialization in the server's source), which
/// GTID_TAGGED_LOG_EVENT and the tags of a GTID set use.
///
/// An integer takes 1…9 bytes: the number of one bits at the low end of the first byte, plus one, is the
/// byte count; the value's bits follow those and a zero bit, little-endian (with 9 bytes the first byte
/// holds no value bits). A signed integer is stored zig-zag (`n << 1` for n ≥ 0, `(-(n + 1) << 1) | 1`
/// below). A string is its length as such an integer, then its bytes.
extension ByteReader {
    mutating func serializedUnsigned() throws(EventFailure) -> UInt64 {
        let first = try uint8()
        let count = (~first).trailingZeroBitCount + 1
        if count == 1 { return UInt64(first >> 1) }
        let rest = try littleEndian(count - 1)
        if count == 9 { return rest }
        return UInt64(first) >> count | rest << (8 - count)
    }

    mutating func serializedSigned() throws(EventFailure) -> Int64 {
        let encoded = try serializedUnsigned()
        return Int64(bitPattern: (encoded >> 1) ^ (0 &- (encoded & 1)))
    }

    /// An unsigned integer that must not exceed `maximum` (a byte, a 32-bit version…).
    mutating func serializedUnsigned(atMost maximum: UInt64, _ what: String) throws(EventFailure) -> UInt64 {
        let value = try serializedUnsigned()
        guard value <= maximum else { throw EventFailure("\(what) is \(value), more than its \(maximum)") }
        return value
    }

    /// A GTID tag (`[a-z_][a-z0-9_]{0,31}`; the server accepts upper case and stores lower case), or nil when empty.
    mutating func serializedGTIDTag() throws(EventFailure) -> String? {
        let length = Int(try serializedUnsigned(atMost: 32, "the GTID tag's length"))
        let bytes = try slice(length)
        for (index, byte) in bytes.enumerated() {
            let letter = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte == 0x5f
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || (digit && index > 0) else {
                throw EventFailure("the GTID tag has byte \(byte) at \(index) (a tag is [a-z_][a-z0-9_]*)")
            }
        }
        return length == 0 ? nil : String(decoding: bytes, as: UTF8.self).lowercased()
    }
}
