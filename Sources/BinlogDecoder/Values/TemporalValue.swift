/// DATE, TIME, DATETIME and TIMESTAMP in their binlog layouts, written as the strings MySQL prints.
enum TemporalValue {
    /// Microseconds from the fractional bytes that follow TIME2/DATETIME2/TIMESTAMP2 (big-endian, `(fsp+1)/2` bytes).
    static func microseconds(_ value: UnsafeRawBufferPointer, at offset: Int, fsp: Int) -> Int {
        switch fsp {
        case 1, 2: return Int(value[offset]) * 10_000
        case 3, 4: return Int(value.bigEndian(at: offset, width: 2)) * 100
        case 5, 6: return Int(value.bigEndian(at: offset, width: 3))
        default: return 0
        }
    }

    /// `.ffffff` cut to `fsp` digits; nothing when fsp is 0.
    static func writeFraction(_ microseconds: Int, fsp: Int, to writer: JSONWriter) {
        guard fsp > 0 else { return }
        var divisor = 1
        for _ in 0..<(6 - fsp) { divisor *= 10 }
        writer.byte(UInt8(ascii: "."))
        writer.padded(microseconds / divisor, width: fsp)
    }

    static func writeDate(year: Int, month: Int, day: Int, to writer: JSONWriter) {
        writer.padded(year, width: 4)
        writer.byte(UInt8(ascii: "-"))
        writer.padded(month, width: 2)
        writer.byte(UInt8(ascii: "-"))
        writer.padded(day, width: 2)
    }

    static func writeClock(hour: Int, minute: Int, second: Int, hourWidth: Int = 2, to writer: JSONWriter) {
        writer.padded(hour, width: hourWidth)
        writer.byte(UInt8(ascii: ":"))
        writer.padded(minute, width: 2)
        writer.byte(UInt8(ascii: ":"))
        writer.padded(second, width: 2)
    }

    /// A DATE or DATETIME's fields as stored (a zero date has zero fields).
    struct CivilDateTime {
        var negative = false
        var year: Int, month: Int, day: Int
        var hour = 0, minute = 0, second = 0, microsecond = 0

        /// `0000-00-00`, or a date with a zero year, month or day: MySQL stores them; Debezium, whose calendar
        /// has no year 0, writes none of them.
        var isZeroOrPartial: Bool { year == 0 || month == 0 || day == 0 }
    }

    /// DATE: 3 bytes little-endian, day in bits 0–4, month 5–8, year from bit 9.
    @inline(__always)
    static func date(_ value: UnsafeRawBufferPointer) -> CivilDateTime {
        let packed = Int(value.littleEndian(at: 0, width: 3))
        return CivilDateTime(year: packed >> 9, month: (packed >> 5) & 0x0f, day: packed & 0x1f)
    }

    /// DATETIME2: 5 bytes big-endian (offset 0x8000000000) packing year*13+month, day, hour, minute, second.
    @inline(__always)
    static func dateTime2(_ value: UnsafeRawBufferPointer, fsp: Int) -> CivilDateTime {
        let packed = Int64(value.bigEndian(at: 0, width: 5)) - 0x80_0000_0000
        let magnitude = packed.magnitude
        let yearMonthDay = Int(magnitude >> 17)
        let yearMonth = yearMonthDay >> 5
        let clock = Int(magnitude & 0x1ffff)
        return CivilDateTime(negative: packed < 0, year: yearMonth / 13, month: yearMonth % 13, day: yearMonthDay & 0x1f,
                             hour: clock >> 12, minute: (clock >> 6) & 0x3f, second: clock & 0x3f,
                             microsecond: microseconds(value, at: 5, fsp: fsp))
    }

    /// DATETIME (old format): 8 bytes little-endian holding YYYYMMDDhhmmss as a decimal number.
    @inline(__always)
    static func dateTime(_ value: UnsafeRawBufferPointer) -> CivilDateTime {
        let packed = Int(value.littleEndian(at: 0, width: 8))
        let date = packed / 1_000_000, clock = packed % 1_000_000
        return CivilDateTime(year: date / 10_000, month: (date / 100) % 100, day: date % 100,
                             hour: clock / 10_000, minute: (clock / 100) % 100, second: clock % 100)
    }

    static func writeDate(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) {
        let date = date(value)
        writer.byte(UInt8(ascii: "\""))
        writeDate(year: date.year, month: date.month, day: date.day, to: writer)
        writer.byte(UInt8(ascii: "\""))
    }

    static func writeDateTime2(_ value: UnsafeRawBufferPointer, fsp: Int, to writer: JSONWriter) {
        writeDateTime(dateTime2(value, fsp: fsp), fsp: fsp, to: writer)
    }

    static func writeDateTime(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) {
        writeDateTime(dateTime(value), fsp: 0, to: writer)
    }

    @inline(__always)
    private static func writeDateTime(_ value: CivilDateTime, fsp: Int, to writer: JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        if value.negative { writer.byte(UInt8(ascii: "-")) }
        writeDate(year: value.year, month: value.month, day: value.day, to: writer)
        writer.byte(UInt8(ascii: " "))
        writeClock(hour: value.hour, minute: value.minute, second: value.second, to: writer)
        writeFraction(value.microsecond, fsp: fsp, to: writer)
        writer.byte(UInt8(ascii: "\""))
    }

    /// TIMESTAMP2: 4 bytes big-endian seconds since the epoch, then the fraction; written in UTC with `Z`.
    static func writeTimestamp2(_ value: UnsafeRawBufferPointer, fsp: Int, withSpace: Bool = false, to writer: JSONWriter) {
        writeTimestamp(seconds: Int64(value.bigEndian(at: 0, width: 4)),
                       microseconds: microseconds(value, at: 4, fsp: fsp), fsp: fsp, withSpace: withSpace, to: writer)
    }

    /// TIMESTAMP (old format): 4 bytes little-endian seconds since the epoch.
    static func writeTimestamp(_ value: UnsafeRawBufferPointer, withSpace: Bool = false, to writer: JSONWriter) {
        writeTimestamp(seconds: Int64(value.littleEndian(at: 0, width: 4)), microseconds: 0, fsp: 0, withSpace: withSpace, to: writer)
    }

    /// UTC as `YYYY-MM-DDTHH:MM:SS[.f]Z`, or with `withSpace` as `YYYY-MM-DD HH:MM:SS[.f]`.
    private static func writeTimestamp(seconds: Int64, microseconds: Int, fsp: Int, withSpace: Bool, to writer: JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        if seconds == 0 && microseconds == 0 {
            // The zero timestamp stays the string MySQL prints.
            writer.raw("0000-00-00 00:00:00")
            writeFraction(0, fsp: fsp, to: writer)
        } else {
            let days = Int(seconds / 86_400), secondOfDay = Int(seconds % 86_400)
            let (year, month, day) = civilDate(daysSinceEpoch: days)
            writeDate(year: year, month: month, day: day, to: writer)
            writer.byte(UInt8(ascii: withSpace ? " " : "T"))
            writeClock(hour: secondOfDay / 3600, minute: (secondOfDay / 60) % 60, second: secondOfDay % 60, to: writer)
            writeFraction(microseconds, fsp: fsp, to: writer)
            if !withSpace { writer.byte(UInt8(ascii: "Z")) }
        }
        writer.byte(UInt8(ascii: "\""))
    }

    /// A TIME's fields: sign and magnitude (hours may exceed 24).
    struct Clock {
        var negative: Bool
        var hour: Int, minute: Int, second: Int, microsecond: Int

        /// Signed microseconds, as Debezium's `MicroTime` counts a TIME.
        var totalMicroseconds: Int64 {
            let magnitude = (Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)) * 1_000_000 + Int64(microsecond)
            return negative ? -magnitude : magnitude
        }
    }

    /// TIME2: 3 bytes big-endian (offset 0x800000) of sign, hours (10 bits), minutes, seconds, then the fraction;
    /// negative values are stored as the two's complement of the whole packed value.
    @inline(__always)
    static func time2(_ value: UnsafeRawBufferPointer, fsp: Int) -> Clock {
        var packed: Int64  // (integer part << 24) + microseconds, signed
        switch fsp {
        case 1, 2:
            var integer = Int64(value.bigEndian(at: 0, width: 3)) - 0x80_0000
            var fraction = Int64(value[3])
            if integer < 0 && fraction != 0 {
                integer += 1
                fraction -= 0x100
            }
            packed = integer << 24 + fraction * 10_000
        case 3, 4:
            var integer = Int64(value.bigEndian(at: 0, width: 3)) - 0x80_0000
            var fraction = Int64(value.bigEndian(at: 3, width: 2))
            if integer < 0 && fraction != 0 {
                integer += 1
                fraction -= 0x10000
            }
            packed = integer << 24 + fraction * 100
        case 5, 6:
            packed = Int64(value.bigEndian(at: 0, width: 6)) - 0x8000_0000_0000
        default:
            packed = (Int64(value.bigEndian(at: 0, width: 3)) - 0x80_0000) << 24
        }
        let magnitude = packed.magnitude
        let clock = Int(magnitude >> 24)
        return Clock(negative: packed < 0, hour: (clock >> 12) & 0x3ff, minute: (clock >> 6) & 0x3f, second: clock & 0x3f,
                     microsecond: Int(magnitude & 0xff_ffff))
    }

    /// TIME (old format): 3 bytes little-endian signed, hhmmss as a decimal number.
    @inline(__always)
    static func time(_ value: UnsafeRawBufferPointer) -> Clock {
        var packed = Int(value.littleEndian(at: 0, width: 3))
        if packed & 0x80_0000 != 0 { packed -= 0x100_0000 }
        let magnitude = abs(packed)
        return Clock(negative: packed < 0, hour: magnitude / 10_000, minute: (magnitude / 100) % 100, second: magnitude % 100,
                     microsecond: 0)
    }

    static func writeTime2(_ value: UnsafeRawBufferPointer, fsp: Int, to writer: JSONWriter) {
        writeClock(time2(value, fsp: fsp), fsp: fsp, to: writer)
    }

    static func writeTime(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) {
        writeClock(time(value), fsp: 0, to: writer)
    }

    @inline(__always)
    private static func writeClock(_ clock: Clock, fsp: Int, to writer: JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        if clock.negative { writer.byte(UInt8(ascii: "-")) }
        writeClock(hour: clock.hour, minute: clock.minute, second: clock.second, to: writer)
        writeFraction(clock.microsecond, fsp: fsp, to: writer)
        writer.byte(UInt8(ascii: "\""))
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension TemporalValue {
    /// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of `civilDate`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
