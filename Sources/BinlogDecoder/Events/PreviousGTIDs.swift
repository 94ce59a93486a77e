/// PREVIOUS_GTIDS_LOG_EVENT: the GTIDs the server executed before its binlog file, in the server's
/// binary GTID set encoding (`Gtid_set::encode` in sql/rpl_gtid_set.cc), decoded to the text
/// `SELECT @@gtid_executed` shows (there with a line break after each comma).
///
/// The first 8 bytes count the entries; their top byte is the format: 0, untagged, where all 8 bytes are
/// the count; 1, tagged (MySQL 8.3+, once the server has seen a tagged GTID), where bits 8…55 are the
/// count. An entry is a UUID (16 bytes), in the tagged format its tag (a serialized string, empty for
/// untagged GTIDs), then its intervals: a count and [start, end) pairs, 8 bytes each. Entries come
/// sorted by UUID, then tag, so one UUID's untagged and tagged GTIDs are neighbours, as in
/// `uuid:1-10:tag1:1-5`.
enum PreviousGTIDs {
    static func text(_ reader: inout ByteReader) throws(EventFailure) -> String {
        let head = try reader.uint64()
        let tagged: Bool
        let entryCount: UInt64
        switch head >> 56 {
        case 0: (tagged, entryCount) = (false, head)
        case 1: (tagged, entryCount) = (true, (head & 0x00ff_ffff_ffff_ff00) >> 8)
        default: throw EventFailure("PREVIOUS_GTIDS has GTID set format \(head >> 56); binlogo reads 0 (untagged) and 1 (tagged)")
        }
        guard entryCount <= UInt64(reader.remaining / (tagged ? 25 : 24)) else {
            throw EventFailure("PREVIOUS_GTIDS count \(entryCount) exceeds its event")
        }
        var text = ""
        var previousSource: [UInt8]?
        var previousTagged = false
        for _ in 0..<entryCount {
            let source = try reader.array(16)
            let tag = tagged ? try reader.serializedGTIDTag() : nil
            let intervalCount = try reader.uint64()
            guard intervalCount <= UInt64(reader.remaining / 16) else {
                throw EventFailure("PREVIOUS_GTIDS interval count \(intervalCount) exceeds its event")
            }
            var intervals = ""
            var last: Int64 = 0
            for _ in 0..<intervalCount {
                let start = Int64(bitPattern: try reader.uint64()), end = Int64(bitPattern: try reader.uint64())
                guard start > last, end > start else {
                    throw EventFailure("PREVIOUS_GTIDS has the interval [\(start), \(end)) after \(last)")
                }
                last = end
                intervals += ":" + (end - 1 > start ? "\(start)-\(end - 1)" : "\(start)")
            }
            // The server writes no entry without intervals; one would add nothing to the set.
            if intervals.isEmpty { continue }
            // Untagged intervals after a tag would read as that tag's: such an entry starts a member of its own.
            if source != previousSource || (tag == nil && previousTagged) {
                text += (text.isEmpty ? "" : ",") + MySQLGTID.uuidText(source)
                previousSource = source
            }
            previousTagged = tag != nil
            text += (tag.map { ":" + $0 } ?? "") + intervals
        }
        return text
    }
}
