#if canImport(Glibc)
import Glibc
#endif

/// Turns one value as a snapshot's SELECT returns it (text, with `character_set_results = binary`,
/// `time_zone = '+00:00'` and the expressions of `SnapshotColumn.selectExpression`) into the bytes the
/// binlog's row image holds for it, so that `ColumnValueWriter` writes it exactly as a streamed value.
enum SnapshotValueEncoder {
    /// Appends the row-image bytes of `text` for a column of `kind` to `bytes`.
    static func append(_ text: UnsafeRawBufferPointer, kind: ValueKind, to bytes: inout [UInt8]) throws(EventFailure) {
        switch kind {
        case .integer(let width, let unsigned):
            let value = unsigned ? try Self.unsigned(text) : UInt64(bitPattern: try Self.signed(text))
            appendLittleEndian(value, width: width, to: &bytes)
        case .year:
            let year = try Self.unsigned(text)
            bytes.append(year == 0 ? 0 : UInt8(truncatingIfNeeded: year - 1900))
        case .float:
            appendLittleEndian(UInt64(Float(try Self.double(text)).bitPattern), width: 4, to: &bytes)
        case .double:
            appendLittleEndian(try Self.double(text).bitPattern, width: 8, to: &bytes)
        case .decimal(let precision, let scale):
            try DecimalPacking.append(text, precision: precision, scale: scale, to: &bytes)
        case .bit(let count):
            // The bits as big-endian bytes, as the binlog holds them.
            guard text.count <= count else { throw EventFailure("a BIT value of \(text.count) bytes, \(count) expected") }
            bytes.append(contentsOf: repeatElement(0, count: count - text.count))
            bytes.append(contentsOf: text)
        case .date:
            var parser = TemporalText(text)
            let (year, month, day) = try parser.date()
            appendLittleEndian(UInt64(year << 9 | month << 5 | day), width: 3, to: &bytes)
        case .time2(let fsp):
            var parser = TemporalText(text)
            let (negative, hours, minutes, seconds, micro) = try parser.time()
            var packed = Int64(hours << 12 | minutes << 6 | seconds) << 24 + Int64(micro)
            if negative { packed = -packed }
            appendTime2(packed, fsp: fsp, to: &bytes)
        case .dateTime2(let fsp):
            var parser = TemporalText(text)
            let (year, month, day) = try parser.date()
            let (hour, minute, second, micro) = try parser.clockAfterSpace()
            let yearMonthDay = (year * 13 + month) << 5 | day
            let integer = UInt64(yearMonthDay << 17 | hour << 12 | minute << 6 | second)
            appendBigEndian(integer + 0x80_0000_0000, width: 5, to: &bytes)
            appendFraction(micro, fsp: fsp, to: &bytes)
        case .timestamp2(let fsp):
            var parser = TemporalText(text)
            let (year, month, day) = try parser.date()
            let (hour, minute, second, micro) = try parser.clockAfterSpace()
            var seconds: Int64 = 0
            if year != 0 || month != 0 || day != 0 {
                seconds = Int64(TemporalValue.daysSinceEpoch(year: year, month: month, day: day)) * 86_400
                    + Int64(hour * 3600 + minute * 60 + second)
            }
            appendBigEndian(UInt64(truncatingIfNeeded: seconds), width: 4, to: &bytes)
            appendFraction(micro, fsp: fsp, to: &bytes)
        case .string(let lengthBytes, _), .fixedBinary(let lengthBytes, _), .blob(let lengthBytes, _),
             .geometry(let lengthBytes), .vector(let lengthBytes):
            appendLittleEndian(UInt64(text.count), width: lengthBytes, to: &bytes)
            bytes.append(contentsOf: text)
        case .json(let lengthBytes):
            let document = try BinaryJSONEncoder.encode(text)
            appendLittleEndian(UInt64(document.count), width: lengthBytes, to: &bytes)
            bytes.append(contentsOf: document)
        case .enumeration(let packLength), .set(let packLength):
            appendLittleEndian(try Self.labelledNumber(text).number, width: packLength, to: &bytes)
        case .null, .time, .dateTime, .timestamp, .unsupported:
            throw EventFailure("snapshots do not read this column type")
        }
    }

    static func appendLittleEndian(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }

    static func appendBigEndian(_ value: UInt64, width: Int, to bytes: inout [UInt8]) {
        for index in stride(from: width - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * index))) }
    }

    /// The fraction of TIME2/DATETIME2/TIMESTAMP2: `(fsp+1)/2` big-endian bytes.
    private static func appendFraction(_ micro: Int, fsp: Int, to bytes: inout [UInt8]) {
        switch fsp {
        case 1, 2: bytes.append(UInt8(micro / 10_000))
        case 3, 4: appendBigEndian(UInt64(micro / 100), width: 2, to: &bytes)
        case 5, 6: appendBigEndian(UInt64(micro), width: 3, to: &bytes)
        default: break
        }
    }

    /// TIME2 from MySQL's packed time (`my_time_packed_to_binary`): the integer part floors and the
    /// fraction keeps the sign, so a negative time with a fraction borrows one from its seconds.
    private static func appendTime2(_ packed: Int64, fsp: Int, to bytes: inout [UInt8]) {
        let integer = packed >> 24
        let fraction = packed % (1 << 24)
        switch fsp {
        case 1, 2:
            appendBigEndian(UInt64(bitPattern: integer + 0x80_0000), width: 3, to: &bytes)
            bytes.append(UInt8(truncatingIfNeeded: fraction / 10_000))
        case 3, 4:
            appendBigEndian(UInt64(bitPattern: integer + 0x80_0000), width: 3, to: &bytes)
            appendBigEndian(UInt64(UInt16(truncatingIfNeeded: fraction / 100)), width: 2, to: &bytes)
        case 5, 6:
            appendBigEndian(UInt64(bitPattern: packed + 0x8000_0000_0000), width: 6, to: &bytes)
        default:
            appendBigEndian(UInt64(bitPattern: integer + 0x80_0000), width: 3, to: &bytes)
        }
    }

    /// An ENUM's or SET's `number:labels` (see `SnapshotColumn.selectExpression`). A SET of 64 members
    /// prints its number signed on MariaDB: the bits are the same.
    static func labelledNumber(_ text: UnsafeRawBufferPointer) throws(EventFailure) -> (number: UInt64, labels: UnsafeRawBufferPointer) {
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else {
            throw EventFailure("\"\(String(decoding: text, as: UTF8.self))\" is not an ENUM or SET number and labels")
        }
        let digits = UnsafeRawBufferPointer(rebasing: text[..<colon])
        let number = digits.first == UInt8(ascii: "-") ? UInt64(bitPattern: try signed(digits)) : try unsigned(digits)
        return (number, UnsafeRawBufferPointer(rebasing: text[(colon + 1)...]))
    }

    static func unsigned(_ text: UnsafeRawBufferPointer) throws(EventFailure) -> UInt64 {
        guard !text.isEmpty else { throw EventFailure("an empty number") }
        var value: UInt64 = 0
        for byte in text {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { throw EventFailure("\"\(String(decoding: text, as: UTF8.self))\" is not an unsigned integer") }
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(UInt64(digit))
            guard !overflowTimes && !overflowSum else { throw EventFailure("\(String(decoding: text, as: UTF8.self)) does not fit 64 bits") }
            value = sum
        }
        return value
    }

    static func signed(_ text: UnsafeRawBufferPointer) throws(EventFailure) -> Int64 {
        guard text.first == UInt8(ascii: "-") else {
            let magnitude = try unsigned(text)
            guard magnitude <= UInt64(Int64.max) else { throw EventFailure("\(magnitude) does not fit a signed 64-bit integer") }
            return Int64(magnitude)
        }
        let magnitude = try unsigned(UnsafeRawBufferPointer(rebasing: text[1...]))
        guard magnitude <= UInt64(Int64.max) + 1 else { throw EventFailure("-\(magnitude) does not fit a signed 64-bit integer") }
        return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
    }

    /// The number the server printed (which reads back as the same double: both servers print doubles
    /// in their shortest exact form).
    static func double(_ text: UnsafeRawBufferPointer) throws(EventFailure) -> Double {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        guard text.count < MemoryLayout.size(ofValue: buffer) else { throw EventFailure("a number of \(text.count) characters") }
        return try withUnsafeMutableBytes(of: &buffer) { scratch throws(EventFailure) -> Double in
            scratch.copyMemory(from: text)
            scratch[text.count] = 0
            let start = scratch.baseAddress!.assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            guard let end, end - start == text.count, !text.isEmpty else {
                throw EventFailure("\"\(String(decoding: text, as: UTF8.self))\" is not a number")
            }
            return value
        }
    }
}
