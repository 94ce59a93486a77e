/// A zlib (RFC 1950) / DEFLATE (RFC 1951) decompressor in plain Swift, for MariaDB's compressed
/// binlog events, so that the decoder keeps to bytes in, values out, with no C dependency.
///
/// Bounds-checked throughout: corrupt input throws `EventFailure`, and the output may not grow past
/// the length the event declares.
enum Inflate {
    /// Decompresses a zlib stream whose decompressed size is known to be `expectedLength`.
    static func zlib(_ input: UnsafeRawBufferPointer, expectedLength: Int) throws(EventFailure) -> [UInt8] {
        guard input.count >= 6 else { throw EventFailure("compressed data of \(input.count) bytes is too short") }
        let method = input[0], flags = input[1]
        guard method & 0x0f == 8, (UInt16(method) << 8 | UInt16(flags)) % 31 == 0, flags & 0x20 == 0 else {
            throw EventFailure("compressed data has no valid zlib header")
        }
        var state = State(input: UnsafeRawBufferPointer(rebasing: input[2...]), limit: expectedLength)
        try state.run()
        guard state.output.count == expectedLength else {
            throw EventFailure("compressed data inflates to \(state.output.count) bytes, the event says \(expectedLength)")
        }
        let trailer = state.bytePosition
        guard trailer + 4 <= state.input.count else { throw EventFailure("compressed data lacks its Adler-32 checksum") }
        let stored = UInt32(state.input.bigEndian(at: trailer, width: 4))
        guard stored == adler32(state.output) else { throw EventFailure("compressed data fails its Adler-32 checksum") }
        return state.output
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)
            while index < end {
                a += UInt32(bytes[index])
                b += a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    /// Canonical Huffman decoding table: symbol counts per code length and symbols in code order.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        init(lengths: ArraySlice<Int>) throws(EventFailure) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            counts[0] = 0
            var left = 1
            for length in 1..<16 {
                left <<= 1
                left -= counts[length]
                guard left >= 0 else { throw EventFailure("compressed data has an over-subscribed Huffman code") }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in lengths.enumerated() where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private struct State {
        let input: UnsafeRawBufferPointer
        let limit: Int
        var output: [UInt8] = []
        var bitBuffer: UInt64 = 0
        var bitCount = 0
        var bytePosition = 0

        init(input: UnsafeRawBufferPointer, limit: Int) {
            self.input = input
            self.limit = limit
            output.reserveCapacity(limit)
        }

        mutating func bits(_ count: Int) throws(EventFailure) -> Int {
            while bitCount < count {
                guard bytePosition < input.count else { throw EventFailure("compressed data ends early") }
                bitBuffer |= UInt64(input[bytePosition]) << UInt64(bitCount)
                bytePosition += 1
                bitCount += 8
            }
            let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
            bitBuffer >>= UInt64(count)
            bitCount -= count
            return value
        }

        mutating func decode(_ table: Huffman) throws(EventFailure) -> Int {
            var code = 0, first = 0, index = 0
            for length in 1..<16 {
                code |= try bits(1)
                let count = table.counts[length]
                if code - count < first { return table.symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw EventFailure("compressed data has an invalid Huffman code")
        }

        mutating func run() throws(EventFailure) {
            var last = false
            while !last {
                last = try bits(1) == 1
                switch try bits(2) {
                case 0: try stored()
                case 1: try codes(State.fixedLiterals, State.fixedDistances)
                case 2: try dynamic()
                default: throw EventFailure("compressed data has an invalid block type")
                }
            }
            // The zlib trailer starts at the next whole byte.
            bytePosition -= bitCount / 8
            bitBuffer = 0
            bitCount = 0
        }

        mutating func stored() throws(EventFailure) {
            bitBuffer = 0
            bitCount = 0
            guard bytePosition + 4 <= input.count else { throw EventFailure("compressed data ends in a stored block header") }
            let length = Int(input.littleEndian(at: bytePosition, width: 2))
            let complement = Int(input.littleEndian(at: bytePosition + 2, width: 2))
            guard length == ~complement & 0xffff else { throw EventFailure("compressed data has a corrupt stored block") }
            bytePosition += 4
            guard bytePosition + length <= input.count else { throw EventFailure("compressed data ends in a stored block") }
            guard output.count + length <= limit else { throw EventFailure("compressed data inflates past its declared length") }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[bytePosition..<(bytePosition + length)]))
            bytePosition += length
        }

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                   2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

        static let fixedLiterals: Huffman = {
            var lengths = [Int](repeating: 8, count: 288)
            for symbol in 144..<256 { lengths[symbol] = 9 }
            for symbol in 256..<280 { lengths[symbol] = 7 }
            return try! Huffman(lengths: lengths[...])
        }()
        static let fixedDistances: Huffman = try! Huffman(lengths: [Int](repeating: 5, count: 30)[...])

        mutating func codes(_ literals: Huffman, _ distances: Huffman) throws(EventFailure) {
            while true {
                let symbol = try decode(literals)
                if symbol < 256 {
                    guard output.count < limit else { throw EventFailure("compressed data inflates past its declared length") }
                    output.append(UInt8(symbol))
                } else if symbol == 256 {
                    return
                } else {
                    let index = symbol - 257
                    guard index < 29 else { throw EventFailure("compressed data has an invalid length code") }
                    let length = State.lengthBase[index] + (try bits(State.lengthExtra[index]))
                    let distanceSymbol = try decode(distances)
                    guard distanceSymbol < 30 else { throw EventFailure("compressed data has an invalid distance code") }
                    let distance = State.distanceBase[distanceSymbol] + (try bits(State.distanceExtra[distanceSymbol]))
                    guard distance <= output.count else { throw EventFailure("compressed data refers before its start") }
                    guard output.count + length <= limit else { throw EventFailure("compressed data inflates past its declared length") }
                    let start = output.count - distance
                    for offset in 0..<length { output.append(output[start + offset]) }
                }
            }
        }

        mutating func dynamic() throws(EventFailure) {
            let literalCount = try bits(5) + 257
            let distanceCount = try bits(5) + 1
            let codeLengthCount = try bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else { throw EventFailure("compressed data has too many codes") }
            let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
            var codeLengths = [Int](repeating: 0, count: 19)
            for index in 0..<codeLengthCount { codeLengths[order[index]] = try bits(3) }
            let codeLengthTable = try Huffman(lengths: codeLengths[...])
            var lengths: [Int] = []
            lengths.reserveCapacity(literalCount + distanceCount)
            while lengths.count < literalCount + distanceCount {
                let symbol = try decode(codeLengthTable)
                switch symbol {
                case 0..<16: lengths.append(symbol)
                case 16:
                    guard let previous = lengths.last else { throw EventFailure("compressed data repeats a missing length") }
                    lengths.append(contentsOf: repeatElement(previous, count: 3 + (try bits(2))))
                case 17: lengths.append(contentsOf: repeatElement(0, count: 3 + (try bits(3))))
                default: lengths.append(contentsOf: repeatElement(0, count: 11 + (try bits(7))))
                }
            }
            guard lengths.count == literalCount + distanceCount, lengths[256] != 0 else {
                throw EventFailure("compressed data has invalid code lengths")
            }
            try codes(try Huffman(lengths: lengths[..<literalCount]), try Huffman(lengths: lengths[literalCount...]))
        }
    }
}
