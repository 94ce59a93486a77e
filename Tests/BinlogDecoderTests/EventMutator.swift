import TestBench

/// Corrupts binlog events the ways a disk, a network or a bug would: flipped bits, truncation,
/// extreme bytes, random bytes, spliced garbage, and in PARTIAL_UPDATE_ROWS events JSON paths with
/// characters of the path syntax put where they do not belong; half the time with a header length
/// that agrees.
enum EventMutator {
    /// The characters of MySQL's JSON path syntax, and bytes that break it.
    static let pathBytes = Array("$.[]\"\\*-0123456789lastto \u{1}".utf8) + [0x80, 0xff]

    static func mutate(_ event: inout [UInt8], _ generator: inout SeededGenerator) {
        let paths = event.count > 4 && event[4] == 39 ? event.indices.filter { event[$0] == UInt8(ascii: "$") } : []
        switch generator.next() % (paths.isEmpty ? 5 : 7) {
        case 0:  // flip a few bits
            for _ in 0..<(1 + generator.next() % 8) where !event.isEmpty {
                event[Int(generator.next() % UInt64(event.count))] ^= UInt8(1 << (generator.next() % 8))
            }
        case 1:  // truncate
            event = Array(event.prefix(Int(generator.next() % UInt64(event.count + 1))))
        case 2:  // overwrite a byte with an extreme value
            if !event.isEmpty { event[Int(generator.next() % UInt64(event.count))] = [0x00, 0xff, 0xfe, 0xfc, 0x80][Int(generator.next() % 5)] }
        case 3:  // random bytes of a random length
            event = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        case 4:  // splice random bytes into the body
            let at = Int(generator.next() % UInt64(event.count + 1))
            event.insert(contentsOf: (0..<Int(1 + generator.next() % 16)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        case 5:  // a JSON diff's path: a byte near its start replaced by path syntax
            let at = paths[Int(generator.next() % UInt64(paths.count))] + Int(generator.next() % 6)
            if at < event.count { event[at] = pathBytes[Int(generator.next() % UInt64(pathBytes.count))] }
        default:  // a JSON diff's path length (the byte before the path), or the operation before it, changed
            let at = paths[Int(generator.next() % UInt64(paths.count))] - 1 - Int(generator.next() % 2)
            if at >= 0 { event[at] = [0, 1, 2, 3, 0xfb, 0xfc, 0xff, event[at] &+ 1, event[at] &- 1][Int(generator.next() % 9)] }
        }
        // Half the time, make the header's length agree so the mutation reaches the body.
        if event.count >= 19 && generator.next() % 2 == 0 {
            let length = UInt32(event.count)
            for byte in 0..<4 { event[9 + byte] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(byte))) }
        }
    }
}
