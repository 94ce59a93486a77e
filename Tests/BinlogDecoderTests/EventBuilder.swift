/// Builds binlog events byte by byte from the documented formats, for the MySQL-only event
/// forms the sandbox MariaDB cannot produce (ROWS v2, binary JSON, MySQL GTIDs).
struct EventBuilder {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { little(UInt64(value), 2) }
    mutating func u32(_ value: UInt32) { little(UInt64(value), 4) }
    mutating func u64(_ value: UInt64) { little(value, 8) }
    mutating func little(_ value: UInt64, _ width: Int) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
    mutating func big(_ value: UInt64, _ width: Int) {
        for index in (0..<width).reversed() { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }
    mutating func raw(_ values: [UInt8]) { bytes.append(contentsOf: values) }
    static func little32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
    mutating func text(_ value: String) { bytes.append(contentsOf: Array(value.utf8)) }
    mutating func lengthEncoded(_ value: UInt64) {
        switch value {
        case ..<251: u8(UInt8(value))
        case ..<65_536: u8(0xfc); little(value, 2)
        case ..<16_777_216: u8(0xfd); little(value, 3)
        default: u8(0xfe); little(value, 8)
        }
    }
    mutating func lengthEncodedString(_ value: String) {
        lengthEncoded(UInt64(value.utf8.count))
        text(value)
    }

    /// An unsigned integer in MySQL's serialization format (libs/mysql/serialization/readme.md): as many
    /// one bits at the low end of the first byte as bytes follow, then a zero bit, then the value.
    mutating func serialized(_ value: UInt64) {
        let count = ((64 - value.leadingZeroBitCount) * 575) >> 12 + 1
        u8(UInt8(truncatingIfNeeded: (1 << (count - 1)) - 1) | UInt8(truncatingIfNeeded: count == 9 ? 0 : value << count))
        if count > 1 { little(value >> (8 - count + (count == 9 ? 1 : 0)), count - 1) }
    }
    mutating func serializedSigned(_ value: Int64) {
        serialized(value < 0 ? UInt64(-(value + 1)) << 1 | 1 : UInt64(value) << 1)
    }
    mutating func serializedString(_ value: String) {
        serialized(UInt64(value.utf8.count))
        text(value)
    }

    /// A whole event: the 19-byte header around `body`, with a CRC32 when `checksum` is on.
    static func event(type: UInt8, body: [UInt8], position: UInt32 = 1000, serverID: UInt32 = 7,
                      timestamp: UInt32 = 1_700_000_000, checksum: Bool = true) -> [UInt8] {
        let length = UInt32(19 + body.count + (checksum ? 4 : 0))
        var builder = EventBuilder()
        builder.u32(timestamp)
        builder.u8(type)
        builder.u32(serverID)
        builder.u32(length)
        builder.u32(position + length)
        builder.u16(0)
        builder.raw(body)
        if checksum { builder.u32(BitwiseCRC32.checksum(builder.bytes)) }
        return builder.bytes
    }

    /// A MySQL 8.0 FORMAT_DESCRIPTION_EVENT body with CRC32 checksums.
    static func mysql8FormatDescription() -> [UInt8] {
        var body = EventBuilder()
        body.u16(4)
        var version = Array("8.0.36".utf8)
        version += [UInt8](repeating: 0, count: 50 - version.count)
        body.raw(version)
        body.u32(0)
        body.u8(19)
        // Post-header lengths for types 1…41 as MySQL 8.0 writes them (QUERY 13, TABLE_MAP 8, ROWS v1 8, ROWS v2 and
        // PARTIAL_UPDATE_ROWS 10, GTID 42).
        var lengths = [UInt8](repeating: 0, count: 41)
        lengths[2 - 1] = 13
        lengths[4 - 1] = 8
        lengths[15 - 1] = 98
        lengths[19 - 1] = 8
        for type in 23...25 { lengths[type - 1] = 8 }
        for type in [30, 31, 32, 39] { lengths[type - 1] = 10 }
        lengths[33 - 1] = 42
        lengths[34 - 1] = 42
        body.raw(lengths)
        body.u8(1)  // CRC32
        return body.bytes
    }
}

/// A plain bit-at-a-time CRC-32, independent of the decoder's table-driven one.
enum BitwiseCRC32 {
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
