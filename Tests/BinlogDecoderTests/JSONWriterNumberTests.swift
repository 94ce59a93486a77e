import BinlogDecoder
import Testing

/// The writer's numbers, whose fast paths count digits by comparisons and write them in pairs from a
/// table: every digit count, and the zero padding of dates and times, against Swift's own text.
@Suite struct JSONWriterNumberTests {
    /// 0, 1, 9, every power of ten with its neighbours, and the extremes.
    static let boundaries: [UInt64] = {
        var values: [UInt64] = [0, 1, 9, UInt64.max, UInt64.max - 1]
        var power: UInt64 = 10
        for _ in 1...19 {
            values += [power - 1, power, power + 1]
            if power <= UInt64.max / 10 { power *= 10 }
        }
        return values
    }()

    @Test func unsignedAndSignedNumbersAtEveryDigitCount() {
        for value in Self.boundaries {
            let writer = JSONWriter()
            writer.unsigned(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
        }
        for value in Self.boundaries.map({ Int64(clamping: $0) }) + [Int64.min, Int64.min + 1, -1, -10, -99, -100] {
            let writer = JSONWriter()
            writer.integer(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
            let negative = JSONWriter()
            negative.integer(value == Int64.min ? value : -value)
            #expect(String(decoding: negative.bytes, as: UTF8.self) == String(value == Int64.min ? value : -value))
        }
    }

    @Test func paddedNumbersHaveAtLeastTheirWidth() {
        for width in 1...7 {
            for value in Array(0...10_099) + [99_999, 100_000, 999_999, 1_000_000, 12_345_678] {
                let writer = JSONWriter()
                writer.padded(value, width: width)
                let plain = String(value)
                #expect(String(decoding: writer.bytes, as: UTF8.self) == String(repeating: "0", count: max(0, width - plain.count)) + plain,
                        "\(value) in \(width) digits")
            }
        }
    }
}
