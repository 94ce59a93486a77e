/// The values Debezium's MySQL connector writes in its own logical types (`output.values: original`
/// with `output.format: debezium`, `Docs/types.md#values-per-format`), from the same binlog bytes as
/// `ColumnValueWriter`'s text forms.
enum DebeziumValue {
    enum TimeUnit {
        case milliseconds, microseconds
    }

    /// `io.debezium.time.Date`: days since the epoch. A zero or partial date is null in a nullable column and
    /// the epoch otherwise, as Debezium gives.
    static func writeDate(_ date: TemporalValue.CivilDateTime, nullable: Bool, to writer: JSONWriter) {
        guard !date.isZeroOrPartial else { return zero(nullable: nullable, to: writer) }
        writer.integer(Int64(TemporalValue.daysSinceEpoch(year: date.year, month: date.month, day: date.day)))
    }

    /// `io.debezium.time.Timestamp` (milliseconds) or `MicroTimestamp` (microseconds) since the epoch, the
    /// DATETIME read as UTC.
    static func writeDateTime(_ dateTime: TemporalValue.CivilDateTime, unit: TimeUnit, nullable: Bool, to writer: JSONWriter) {
        guard !dateTime.isZeroOrPartial else { return zero(nullable: nullable, to: writer) }
        let days = Int64(TemporalValue.daysSinceEpoch(year: dateTime.year, month: dateTime.month, day: dateTime.day))
        let seconds = days * 86_400 + Int64(dateTime.hour) * 3600 + Int64(dateTime.minute) * 60 + Int64(dateTime.second)
        let microseconds = seconds * 1_000_000 + Int64(dateTime.microsecond)
        writer.integer(unit == .microseconds ? microseconds : floorDivide(microseconds, 1000))
    }

    /// `io.debezium.time.MicroTime` (microseconds) or Kafka Connect's `Time` (milliseconds), signed.
    static func writeTime(_ clock: TemporalValue.Clock, unit: TimeUnit, to writer: JSONWriter) {
        let microseconds = clock.totalMicroseconds
        writer.integer(unit == .microseconds ? microseconds : floorDivide(microseconds, 1000))
    }

    /// The zero TIMESTAMP: null in a nullable column, the epoch otherwise (`io.debezium.time.ZonedTimestamp`).
    static func writeZeroTimestamp(nullable: Bool, to writer: JSONWriter) {
        if nullable { writer.null() } else { writer.raw("\"1970-01-01T00:00:00Z\"") }
    }

    private static func zero(nullable: Bool, to writer: JSONWriter) {
        if nullable { writer.null() } else { writer.integer(0) }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// BIT(1) as `true`/`false`; longer ones (`io.debezium.data.Bits`) as base64 of their bytes, least
    /// significant first (the binlog stores them most significant first).
    static func writeBits(_ value: UnsafeRawBufferPointer, bitCount: Int, to writer: JSONWriter) {
        if bitCount == 1 { return writer.bool(value[0] & 1 != 0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: value.count) { reversed in
            for index in 0..<value.count { reversed[index] = value[value.count - 1 - index] }
            Base64.write(UnsafeRawBufferPointer(reversed), to: writer)
        }
    }

    /// `io.debezium.data.geometry.Geometry`: `{"wkb":base64,"srid":n}`, the WKB after the binlog's 4-byte SRID
    /// and the SRID null when 0; a POINT (`io.debezium.data.geometry.Point`) has its `x` and `y` first.
    static func writeGeometry(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) throws(EventFailure) {
        guard value.count >= 9 else { throw EventFailure("geometry shorter than its SRID and WKB header") }
        let wkb = UnsafeRawBufferPointer(rebasing: value[4...])
        let littleEndian = wkb[0] == 1
        let type = littleEndian ? wkb.littleEndian(at: 1, width: 4) : wkb.bigEndian(at: 1, width: 4)
        writer.byte(UInt8(ascii: "{"))
        if type == 1 {
            guard wkb.count >= 21 else { throw EventFailure("POINT shorter than its two coordinates") }
            for (name, offset) in [("\"x\":", 5), (",\"y\":", 13)] {
                writer.rawText(name)
                let bits = littleEndian ? wkb.littleEndian(at: offset, width: 8) : wkb.bigEndian(at: offset, width: 8)
                writer.double(Double(bitPattern: bits))
            }
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"wkb\":")
        Base64.write(wkb, to: writer)
        writer.raw(",\"srid\":")
        let srid = value.littleEndian(at: 0, width: 4)
        if srid == 0 { writer.null() } else { writer.unsigned(srid) }
        writer.byte(UInt8(ascii: "}"))
    }

    /// DECIMAL in `decimal.handling.mode` `string` (the digits in quotes), `double` (the nearest double) or
    /// `precise` (Kafka Connect's `Decimal`: base64 of the unscaled value's shortest two's complement,
    /// big-endian, as Java's `BigInteger.toByteArray` gives).
    static func writeDecimal(_ value: UnsafeRawBufferPointer, precision: Int, scale: Int, form: ValueStyle.OriginalForms.DecimalForm,
                             to writer: JSONWriter) {
        let start = writer.count
        DecimalValue.write(value, precision: precision, scale: scale, to: writer)
        switch form {
        case .number:
            return
        case .text:
            writer.quote(from: start)
        case .double:
            let text = writer.withBytes { String(decoding: $0[start...], as: UTF8.self) }
            writer.truncate(to: start)
            writer.double(Double(text) ?? .nan)
        case .unscaledBytes:
            var digits: [UInt8] = []
            var negative = false
            writer.withBytes { written in
                for byte in written[start...] {
                    if byte == UInt8(ascii: "-") { negative = true } else if byte != UInt8(ascii: ".") { digits.append(byte - UInt8(ascii: "0")) }
                }
            }
            writer.truncate(to: start)
            let bytes = twosComplement(decimalDigits: digits, negative: negative)
            bytes.withUnsafeBytes { Base64.write($0, to: writer) }
        }
    }

    /// The shortest big-endian two's complement of ±(the decimal number `digits`), one sign bit included.
    static func twosComplement(decimalDigits digits: [UInt8], negative: Bool) -> [UInt8] {
        // Magnitude in base 256, least significant byte first: multiply by ten and add, digit by digit.
        var magnitude: [UInt8] = [0]
        for digit in digits {
            var carry = UInt32(digit)
            for index in magnitude.indices {
                let product = UInt32(magnitude[index]) * 10 + carry
                magnitude[index] = UInt8(truncatingIfNeeded: product)
                carry = product >> 8
            }
            if carry > 0 { magnitude.append(UInt8(carry)) }
        }
        while magnitude.count > 1 && magnitude.last == 0 { magnitude.removeLast() }
        var bytes = magnitude
        if negative && bytes != [0] {
            // Two's complement: invert and add one.
            var carry: UInt16 = 1
            for index in bytes.indices {
                let sum = UInt16(~bytes[index]) + carry
                bytes[index] = UInt8(truncatingIfNeeded: sum)
                carry = sum >> 8
            }
            // One more byte of ones if the top bit does not show the sign, then drop redundant ones.
            if bytes.last! & 0x80 == 0 { bytes.append(0xff) }
            while bytes.count > 1 && bytes[bytes.count - 1] == 0xff && bytes[bytes.count - 2] & 0x80 != 0 { bytes.removeLast() }
        } else if bytes.last! & 0x80 != 0 {
            bytes.append(0)
        }
        return bytes.reversed()
    }
}

extension ValueStyle.OriginalForms {
    /// The unit of a TIME (`fsp` 6) or DATETIME of `fsp` digits in Debezium's numeric forms.
    @inline(__always)
    func temporalUnit(fsp: Int) -> DebeziumValue.TimeUnit {
        temporal == .debeziumMicroseconds && fsp > 3 ? .microseconds : .milliseconds
    }
}
