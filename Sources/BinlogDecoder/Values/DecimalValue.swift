/// MySQL's binary DECIMAL (NEWDECIMAL) format: exact digits, never through Double.
///
/// The value is stored big-endian in groups of 9 decimal digits per 4 bytes, with the leading
/// integer and trailing fraction groups shortened to the bytes their digits need; the first
/// bit is the sign (set for positive) and negative values have every byte inverted.
enum DecimalValue {
    private static let bytesForDigits = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]

    /// The stored size of DECIMAL(precision, scale).
    static func size(precision: Int, scale: Int) -> Int {
        let integerDigits = precision - scale
        return (integerDigits / 9) * 4 + bytesForDigits[integerDigits % 9] + (scale / 9) * 4 + bytesForDigits[scale % 9]
    }

    /// Writes the value as a JSON number with exactly `scale` fraction digits (`12.30`), without
    /// leading zeros and without the sign of a zero.
    static func write(_ value: UnsafeRawBufferPointer, precision: Int, scale: Int, to writer: JSONWriter) {
        let integerDigits = precision - scale
        let negative = value[0] & 0x80 == 0
        let mask: UInt8 = negative ? 0xff : 0x00
        var offset = 0

        // Digits into a fixed scratch area: at most 65 digits.
        var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { digits in
            var digitCount = 0
            let leadingDigits = integerDigits % 9
            Self.group(of: value, bytesForDigits[leadingDigits], leadingDigits, mask: mask, offset: &offset, into: digits, count: &digitCount)
            for _ in 0..<(integerDigits / 9) { Self.group(of: value, 4, 9, mask: mask, offset: &offset, into: digits, count: &digitCount) }
            let integerEnd = digitCount
            for _ in 0..<(scale / 9) { Self.group(of: value, 4, 9, mask: mask, offset: &offset, into: digits, count: &digitCount) }
            Self.group(of: value, bytesForDigits[scale % 9], scale % 9, mask: mask, offset: &offset, into: digits, count: &digitCount)

            var firstSignificant = 0
            while firstSignificant < integerEnd - 1 && digits[firstSignificant] == UInt8(ascii: "0") { firstSignificant += 1 }
            let isZero = (0..<digitCount).allSatisfy { digits[$0] == UInt8(ascii: "0") }
            if negative && !isZero { writer.byte(UInt8(ascii: "-")) }
            if integerEnd == 0 {
                writer.byte(UInt8(ascii: "0"))
            } else {
                writer.raw(UnsafeRawBufferPointer(rebasing: digits[firstSignificant..<integerEnd]))
            }
            if scale > 0 {
                writer.byte(UInt8(ascii: "."))
                writer.raw(UnsafeRawBufferPointer(rebasing: digits[integerEnd..<digitCount]))
            }
        }
    }

    /// Appends the `digitWidth` digits of the big-endian group of `byteCount` bytes at `offset` (moved past
    /// it) to `digits` at `count`. A function of its own with `inout` parameters rather than a closure over
    /// the caller's variables, whose every access the runtime checked for exclusivity (callgrind).
    @inline(__always)
    private static func group(of value: UnsafeRawBufferPointer, _ byteCount: Int, _ digitWidth: Int, mask: UInt8, offset: inout Int,
                              into digits: UnsafeMutableRawBufferPointer, count digitCount: inout Int) {
        var number: UInt32 = 0
        for index in 0..<byteCount {
            var byte = value[offset + index] ^ mask
            if offset + index == 0 { byte ^= 0x80 }
            number = number << 8 | UInt32(byte)
        }
        offset += byteCount
        var divisor: UInt32 = 1
        for _ in 1..<max(digitWidth, 1) { divisor *= 10 }
        for _ in 0..<digitWidth {
            digits[digitCount] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: (number / divisor) % 10)
            digitCount += 1
            divisor /= 10
        }
    }
}
