import CCRC32

/// CRC-32 (IEEE 802.3, the polynomial zlib and the binlog checksum use).
///
/// Runs of 64 bytes and more are folded with carry-less multiplication (`CCRC32`, about 16 GB/s)
/// where the CPU has it; the rest, and every byte on CPUs without it, go through tables
/// sliced by 8 bytes (about 2 GB/s).
enum CRC32 {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for index in 0..<256 {
            var crc = UInt32(index)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            tables[0][index] = crc
        }
        for index in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[slice - 1][index]
                tables[slice][index] = (previous >> 8) ^ tables[0][Int(previous & 0xff)]
            }
        }
        return tables
    }()

    /// Whether this CPU can fold (PCLMULQDQ and SSE4.1).
    static let canFold = ccrc32_is_supported() != 0

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        checksum(bytes, folding: canFold)
    }

    /// The checksum, folding long runs only if `folding` and the CPU can (tests compare the two paths).
    static func checksum(_ bytes: UnsafeRawBufferPointer, folding: Bool) -> UInt32 {
        var state: UInt32 = 0xffff_ffff
        var rest = bytes
        if folding, canFold, bytes.count >= 64, let base = bytes.baseAddress {
            let folded = bytes.count & ~15
            state = ccrc32_fold(state, base.assumingMemoryBound(to: UInt8.self), folded)
            rest = UnsafeRawBufferPointer(rebasing: bytes[folded...])
        }
        return sliced(state, rest) ^ 0xffff_ffff
    }

    /// Table-driven CRC of `bytes` onto the running `state`, eight bytes a step.
    private static func sliced(_ state: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        tables.withUnsafeBufferPointer { tables in
            let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
            let t4 = tables[4], t5 = tables[5], t6 = tables[6], t7 = tables[7]
            var crc = state
            var index = 0
            let count = bytes.count
            while index + 8 <= count {
                let low = UInt32(truncatingIfNeeded: bytes.littleEndian(at: index, width: 4)) ^ crc
                let high = UInt32(truncatingIfNeeded: bytes.littleEndian(at: index + 4, width: 4))
                crc = t7[Int(low & 0xff)] ^ t6[Int((low >> 8) & 0xff)] ^ t5[Int((low >> 16) & 0xff)] ^ t4[Int(low >> 24)]
                    ^ t3[Int(high & 0xff)] ^ t2[Int((high >> 8) & 0xff)] ^ t1[Int((high >> 16) & 0xff)] ^ t0[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(bytes[index])) & 0xff)]
                index += 1
            }
            return crc
        }
    }
}
