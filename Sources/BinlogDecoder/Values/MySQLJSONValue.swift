/// MySQL's binary JSON (the JSON column type of MySQL 5.7+) written back as JSON text.
///
/// Layout (sql/json_binary.h): a type byte, then the value. Objects and arrays come in a
/// small form (2-byte counts and offsets) and a large one (4-byte): element count, byte size,
/// key entries (offset, 2-byte length) for objects, then value entries (type, and an offset
/// relative to the container or the value itself when it fits). Scalars: literals, signed and
/// unsigned 16/32/64-bit integers, doubles, strings with a 7-bit variable length, and opaque
/// values carrying a MySQL column type (DECIMAL, DATE, TIME, DATETIME, TIMESTAMP, or bytes).
enum MySQLJSONValue {
    static let maximumDepth = 100

    /// - Parameter spaced: a space after each `,` and `:` between elements, as MySQL prints documents; compact otherwise.
    static func write(_ value: UnsafeRawBufferPointer, spaced: Bool = false, to writer: JSONWriter) throws(EventFailure) {
        guard !value.isEmpty else {
            writer.null()
            return
        }
        try writeValue(type: value[0], in: value, at: 1, large: false, depth: 0, spaced: spaced, to: writer)
    }

    private static func fail(_ reason: String) -> EventFailure { EventFailure("binary JSON: \(reason)") }

    /// Throws unless `count` bytes at `offset` lie inside `value` (`MySQLJSONLayout` and `JSONDocument` use it too).
    static func check(_ value: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) throws(EventFailure) {
        guard offset >= 0, count >= 0, offset <= value.count, count <= value.count - offset else {
            throw fail("truncated at offset \(offset)")
        }
    }

    private static func writeValue(type: UInt8, in value: UnsafeRawBufferPointer, at offset: Int, large: Bool,
                                   depth: Int, spaced: Bool, to writer: JSONWriter) throws(EventFailure) {
        switch type {
        case 0x00, 0x01:
            try writeContainer(object: true, large: type == 0x01, in: value, at: offset, depth: depth, spaced: spaced, to: writer)
        case 0x02, 0x03:
            try writeContainer(object: false, large: type == 0x03, in: value, at: offset, depth: depth, spaced: spaced, to: writer)
        case 0x04:
            try check(value, offset, 1)
            switch value[offset] {
            case 0x00: writer.null()
            case 0x01: writer.bool(true)
            case 0x02: writer.bool(false)
            default: throw fail("unknown literal \(value[offset])")
            }
        case 0x05:
            try check(value, offset, 2)
            writer.integer(Int64(Int16(truncatingIfNeeded: value.littleEndian(at: offset, width: 2))))
        case 0x06:
            try check(value, offset, 2)
            writer.unsigned(value.littleEndian(at: offset, width: 2))
        case 0x07:
            try check(value, offset, 4)
            writer.integer(Int64(Int32(truncatingIfNeeded: value.littleEndian(at: offset, width: 4))))
        case 0x08:
            try check(value, offset, 4)
            writer.unsigned(value.littleEndian(at: offset, width: 4))
        case 0x09:
            try check(value, offset, 8)
            writer.integer(Int64(bitPattern: value.littleEndian(at: offset, width: 8)))
        case 0x0a:
            try check(value, offset, 8)
            writer.unsigned(value.littleEndian(at: offset, width: 8))
        case 0x0b:
            try check(value, offset, 8)
            writer.double(Double(bitPattern: value.littleEndian(at: offset, width: 8)))
        case 0x0c:
            let (length, start) = try variableLength(value, at: offset)
            try check(value, start, length)
            writer.string(utf8: UnsafeRawBufferPointer(rebasing: value[start..<(start + length)]))
        case 0x0f:
            try writeOpaque(value, at: offset, to: writer)
        default:
            throw fail("unknown value type \(type)")
        }
    }

    /// The 7-bits-per-byte length of strings and opaque values, and where the data starts.
    static func variableLength(_ value: UnsafeRawBufferPointer, at offset: Int) throws(EventFailure) -> (Int, Int) {
        var length = 0
        var position = offset
        for shift in stride(from: 0, to: 35, by: 7) {
            try check(value, position, 1)
            let byte = value[position]
            position += 1
            length |= Int(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return (length, position) }
        }
        throw fail("string length longer than 5 bytes")
    }

    private static func writeContainer(object: Bool, large: Bool, in value: UnsafeRawBufferPointer, at start: Int,
                                       depth: Int, spaced: Bool, to writer: JSONWriter) throws(EventFailure) {
        guard depth < maximumDepth else { throw fail("nested deeper than \(maximumDepth) levels") }
        let width = large ? 4 : 2
        try check(value, start, 2 * width)
        let count = Int(value.littleEndian(at: start, width: width))
        let size = Int(value.littleEndian(at: start + width, width: width))
        try check(value, start, size)
        // The container's own bytes: every offset inside it is relative to `start` and must stay within `size`.
        let container = UnsafeRawBufferPointer(rebasing: value[start..<(start + size)])
        let keyEntrySize = width + 2
        let valueEntrySize = 1 + width
        let headerSize = 2 * width
        guard count <= size, headerSize + count * ((object ? keyEntrySize : 0) + valueEntrySize) <= size else {
            throw fail("\(count) elements do not fit in \(size) bytes")
        }
        writer.byte(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { spaced ? writer.raw(", ") : writer.byte(UInt8(ascii: ",")) }
            if object {
                let keyEntry = headerSize + index * keyEntrySize
                let keyOffset = Int(container.littleEndian(at: keyEntry, width: width))
                let keyLength = Int(container.littleEndian(at: keyEntry + width, width: 2))
                try check(container, keyOffset, keyLength)
                writer.string(utf8: UnsafeRawBufferPointer(rebasing: container[keyOffset..<(keyOffset + keyLength)]))
                spaced ? writer.raw(": ") : writer.byte(UInt8(ascii: ":"))
            }
            let valueEntry = headerSize + (object ? count * keyEntrySize : 0) + index * valueEntrySize
            let type = container[valueEntry]
            if isInlined(type, large: large) {
                try writeValue(type: type, in: container, at: valueEntry + 1, large: large, depth: depth + 1, spaced: spaced, to: writer)
            } else {
                let valueOffset = Int(container.littleEndian(at: valueEntry + 1, width: width))
                guard valueOffset < size else { throw fail("value offset \(valueOffset) outside its container of \(size) bytes") }
                try writeValue(type: type, in: container, at: valueOffset, large: large, depth: depth + 1, spaced: spaced, to: writer)
            }
        }
        writer.byte(object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    /// Literals and 16-bit integers sit in the value entry itself; 32-bit ones too in the large format.
    private static func isInlined(_ type: UInt8, large: Bool) -> Bool {
        switch type {
        case 0x04, 0x05, 0x06: return true
        case 0x07, 0x08: return large
        default: return false
        }
    }

    private static func writeOpaque(_ value: UnsafeRawBufferPointer, at offset: Int, to writer: JSONWriter) throws(EventFailure) {
        try check(value, offset, 1)
        let fieldType = value[offset]
        let (length, start) = try variableLength(value, at: offset + 1)
        try check(value, start, length)
        let data = UnsafeRawBufferPointer(rebasing: value[start..<(start + length)])
        switch fieldType {
        case ColumnType.newDecimal:
            guard data.count >= 2 else { throw fail("opaque DECIMAL without precision and scale") }
            let precision = Int(data[0]), scale = Int(data[1])
            guard precision >= 1, precision <= 65, scale <= precision,
                  data.count - 2 >= DecimalValue.size(precision: precision, scale: scale) else {
                throw fail("opaque DECIMAL(\(precision),\(scale)) has \(data.count - 2) bytes")
            }
            DecimalValue.write(UnsafeRawBufferPointer(rebasing: data[2...]), precision: precision, scale: scale, to: writer)
        case ColumnType.date, ColumnType.dateTime, ColumnType.timestamp, ColumnType.dateTime2, ColumnType.timestamp2,
             ColumnType.time, ColumnType.time2:
            guard data.count >= 8 else { throw fail("opaque temporal value of \(data.count) bytes") }
            writePackedTemporal(Int64(bitPattern: data.littleEndian(at: 0, width: 8)), fieldType: fieldType, to: writer)
        default:
            // What MySQL itself prints for other opaque values.
            writer.raw("\"base64:type")
            writer.unsigned(UInt64(fieldType))
            writer.byte(UInt8(ascii: ":"))
            let encoded = JSONWriter(capacity: data.count * 4 / 3 + 4)
            Base64.write(data, to: encoded)
            writer.raw(encoded.bytes.dropFirst())  // the opening quote is already written
        }
    }

    /// MySQL's in-memory packed temporal (`TIME_to_longlong_packed`): sign, then (date/clock bits << 24) + microseconds.
    private static func writePackedTemporal(_ packed: Int64, fieldType: UInt8, to writer: JSONWriter) {
        let negative = packed < 0
        let magnitude = packed.magnitude
        let micro = Int(magnitude & 0xff_ffff)
        let integer = Int(magnitude >> 24)
        writer.byte(UInt8(ascii: "\""))
        if negative { writer.byte(UInt8(ascii: "-")) }
        if fieldType == ColumnType.time || fieldType == ColumnType.time2 {
            TemporalValue.writeClock(hour: (integer >> 12) & 0x3ff, minute: (integer >> 6) & 0x3f, second: integer & 0x3f, to: writer)
            TemporalValue.writeFraction(micro, fsp: 6, to: writer)
        } else {
            let yearMonthDay = integer >> 17
            let yearMonth = yearMonthDay >> 5
            let clock = integer & 0x1ffff
            TemporalValue.writeDate(year: yearMonth / 13, month: yearMonth % 13, day: yearMonthDay & 0x1f, to: writer)
            if fieldType != ColumnType.date {
                writer.byte(UInt8(ascii: " "))
                TemporalValue.writeClock(hour: clock >> 12, minute: (clock >> 6) & 0x3f, second: clock & 0x3f, to: writer)
                TemporalValue.writeFraction(micro, fsp: 6, to: writer)
            }
        }
        writer.byte(UInt8(ascii: "\""))
    }
}
