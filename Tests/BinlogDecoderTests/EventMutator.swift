import TestBench

/// Corrupts binlog events the ways a disk, a network or a bug would: flipped bits, truncation,
/// extreme bytes, random bytes, spliced garbage; half the time with a header length that agrees.
enum EventMutator {
    static func mutate(_ event: inout [UInt8], _ generator: inout SeededGenerator) {
        switch generator.next() % 5 {
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
        default:  // splice random bytes into the body
            let at = Int(generator.next() % UInt64(event.count + 1))
            event.insert(contentsOf: (0..<Int(1 + generator.next() % 16)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }, at: at)
        }
        // Half the time, make the header's length agree so the mutation reaches the body.
        if event.count >= 19 && generator.next() % 2 == 0 {
            let length = UInt32(event.count)
            for byte in 0..<4 { event[9 + byte] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(byte))) }
        }
    }
}
