/// Writes a DECIMAL's text (`-123.45`, as the server prints it) in MySQL's binary DECIMAL format, the
/// inverse of `DecimalValue`: groups of 9 digits per 4 big-endian bytes, the leading integer and
/// trailing fraction groups shortened, the sign bit set for positive values and every byte inverted
/// for negative ones.
enum DecimalPacking {
    private static let bytesForDigits = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]

    static func append(_ text: UnsafeRawBufferPointer, precision: Int, scale: Int, to bytes: inout [UInt8]) throws(EventFailure) {
        let integerDigits = precision - scale
        var negative = false
        var offset = 0
        if offset < text.count, text[offset] == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        let integerStart = offset
        while offset < text.count, text[offset] != UInt8(ascii: ".") { offset += 1 }
        let integerEnd = offset
        let fractionStart = min(offset + 1, text.count)
        let integerCount = integerEnd - integerStart
        let fractionCount = text.count - fractionStart
        guard integerCount <= integerDigits || (integerCount == 1 && text[integerStart] == UInt8(ascii: "0")),
              fractionCount <= scale else {
            throw EventFailure("\"\(String(decoding: text, as: UTF8.self))\" does not fit DECIMAL(\(precision),\(scale))")
        }
        /// Digit `index` of the value written with exactly `integerDigits` integer and `scale` fraction digits.
        func digit(_ index: Int) throws(EventFailure) -> UInt32 {
            let byte: UInt8
            if index < integerDigits {
                let position = integerEnd - (integerDigits - index)
                guard position >= integerStart else { return 0 }
                byte = text[position]
            } else {
                let position = fractionStart + index - integerDigits
                guard position < text.count else { return 0 }
                byte = text[position]
            }
            guard byte &- UInt8(ascii: "0") < 10 else {
                throw EventFailure("\"\(String(decoding: text, as: UTF8.self))\" is not a decimal number")
            }
            return UInt32(byte &- UInt8(ascii: "0"))
        }
        let first = bytes.count
        var index = 0
        func group(_ digitCount: Int) throws(EventFailure) {
            var number: UInt32 = 0
            for _ in 0..<digitCount {
                number = number * 10 + (try digit(index))
                index += 1
            }
            let byteCount = bytesForDigits[digitCount]
            for shift in stride(from: byteCount - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: number >> UInt32(8 * shift))) }
        }
        try group(integerDigits % 9)
        for _ in 0..<(integerDigits / 9) { try group(9) }
        for _ in 0..<(scale / 9) { try group(9) }
        try group(scale % 9)
        if negative, bytes[first...].contains(where: { $0 != 0 }) {
            for position in first..<bytes.count { bytes[position] = ~bytes[position] }
        }
        bytes[first] ^= 0x80
    }
}
