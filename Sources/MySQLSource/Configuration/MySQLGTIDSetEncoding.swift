extension MySQLGTIDSet {
    /// The set in MySQL's binary encoding (`Gtid_set::encode`), as COM_BINLOG_DUMP_GTID carries it.
    ///
    /// Eight bytes of source count, then per source its 16 UUID bytes, its interval count (8 bytes)
    /// and each interval as start and end (exclusive), 8 bytes each, little-endian. When any GTID is
    /// tagged (MySQL 8.4+) the tagged format is used: the count's top and bottom bytes are the format
    /// (1) with the count in between, and each UUID is followed by its tag's length (a one-byte
    /// variable-length integer, `length << 1`, tags being at most 32 characters) and its bytes.
    public var encoded: [UInt8] {
        let sources = intervals.keys.sorted()
        let tagged = sources.contains { !$0.tag.isEmpty }
        var bytes: [UInt8] = []
        let count = UInt64(sources.count)
        append(tagged ? (1 << 56) | (count << 8) | 1 : count, to: &bytes)
        for source in sources {
            bytes += Self.uuidBytes(source.uuid)
            if tagged {
                bytes.append(UInt8(source.tag.utf8.count << 1))
                bytes += source.tag.utf8
            }
            let ranges = intervals[source]!
            append(UInt64(ranges.count), to: &bytes)
            for range in ranges {
                append(UInt64(range.lowerBound), to: &bytes)
                append(UInt64(range.upperBound + 1), to: &bytes)
            }
        }
        return bytes
    }

    private func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// The 16 bytes of a UUID written `8-4-4-4-12` (checked when the set was parsed).
    private static func uuidBytes(_ uuid: String) -> [UInt8] {
        let digits = uuid.utf8.compactMap { character -> UInt8? in
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }
}
