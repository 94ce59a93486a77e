/// GEOMETRY values (a 4-byte SRID, then WKB) written as WKT, as `ST_AsText` prints them on the
/// server that wrote the binlog: MariaDB prints `MULTIPOINT(1 1,2 2)`, MySQL `MULTIPOINT((1 1),(2 2))`.
enum GeometryValue {
    static func write(_ value: UnsafeRawBufferPointer, mariaDB: Bool, to writer: JSONWriter) throws(EventFailure) {
        guard value.count >= 4 else { throw EventFailure("geometry shorter than its SRID") }
        var reader = WKBReader(bytes: value, offset: 4, parenthesizedMultiPoints: !mariaDB)
        writer.byte(UInt8(ascii: "\""))
        try reader.writeGeometry(to: writer, depth: 0)
        guard reader.offset == value.count else {
            throw EventFailure("geometry has \(value.count - reader.offset) bytes after its WKB")
        }
        writer.byte(UInt8(ascii: "\""))
    }
}

private struct WKBReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    /// Each point of a MULTIPOINT in its own parentheses, as MySQL prints it.
    let parenthesizedMultiPoints: Bool
    var littleEndian = true

    private mutating func require(_ count: Int) throws(EventFailure) {
        guard count <= bytes.count - offset else { throw EventFailure("geometry WKB is truncated") }
    }

    private mutating func uint32() throws(EventFailure) -> UInt32 {
        try require(4)
        defer { offset += 4 }
        return UInt32(littleEndian ? bytes.littleEndian(at: offset, width: 4) : bytes.bigEndian(at: offset, width: 4))
    }

    private mutating func double() throws(EventFailure) -> Double {
        try require(8)
        defer { offset += 8 }
        return Double(bitPattern: littleEndian ? bytes.littleEndian(at: offset, width: 8) : bytes.bigEndian(at: offset, width: 8))
    }

    /// A count checked against what is left, so a corrupt count cannot make a huge loop.
    private mutating func count(minimumItemSize: Int) throws(EventFailure) -> Int {
        let value = Int(try uint32())
        guard value <= (bytes.count - offset) / minimumItemSize else { throw EventFailure("geometry WKB count \(value) exceeds its bytes") }
        return value
    }

    private mutating func header() throws(EventFailure) -> UInt32 {
        try require(1)
        let order = bytes[offset]
        guard order <= 1 else { throw EventFailure("geometry WKB byte order \(order) is invalid") }
        littleEndian = order == 1
        offset += 1
        return try uint32()
    }

    mutating func writeGeometry(to writer: JSONWriter, depth: Int) throws(EventFailure) {
        guard depth < 32 else { throw EventFailure("geometry nests deeper than 32 levels") }
        let type = try header()
        switch type {
        case 1:
            writer.raw("POINT(")
            try writePoint(to: writer)
            writer.byte(UInt8(ascii: ")"))
        case 2:
            writer.raw("LINESTRING")
            try writePointList(to: writer)
        case 3:
            writer.raw("POLYGON")
            try writeRings(to: writer)
        case 4, 5, 6:
            writer.raw(type == 4 ? "MULTIPOINT(" : type == 5 ? "MULTILINESTRING(" : "MULTIPOLYGON(")
            let parts = try count(minimumItemSize: 5)
            for part in 0..<parts {
                if part > 0 { writer.byte(UInt8(ascii: ",")) }
                let partType = try header()
                guard partType == type - 3 else { throw EventFailure("geometry collection of type \(type) holds type \(partType)") }
                switch partType {
                case 1 where parenthesizedMultiPoints:
                    writer.byte(UInt8(ascii: "("))
                    try writePoint(to: writer)
                    writer.byte(UInt8(ascii: ")"))
                case 1: try writePoint(to: writer)
                case 2: try writePointList(to: writer)
                default: try writeRings(to: writer)
                }
            }
            writer.byte(UInt8(ascii: ")"))
        case 7:
            writer.raw("GEOMETRYCOLLECTION(")
            let parts = try count(minimumItemSize: 5)
            for part in 0..<parts {
                if part > 0 { writer.byte(UInt8(ascii: ",")) }
                try writeGeometry(to: writer, depth: depth + 1)
            }
            writer.byte(UInt8(ascii: ")"))
        default:
            throw EventFailure("geometry WKB type \(type) is not supported")
        }
    }

    private mutating func writePoint(to writer: JSONWriter) throws(EventFailure) {
        writeCoordinate(try double(), to: writer)
        writer.byte(UInt8(ascii: " "))
        writeCoordinate(try double(), to: writer)
    }

    /// The shortest digits that read back as the same double, in plain notation as `ST_AsText` prints
    /// them (`0.0000000001`, not `1e-10`).
    private func writeCoordinate(_ value: Double, to writer: JSONWriter) {
        guard value.isFinite else { return writer.raw("nan") }
        if value == value.rounded(), abs(value) < 1e15 {
            writer.integer(Int64(value))
            return
        }
        let text = value.description
        guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            writer.rawText(text)
            return
        }
        let exponent = Int(text[text.index(after: exponentIndex)...])!
        var mantissa = String(text[..<exponentIndex])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(parts[0])
        let fractionDigits = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerDigits + fractionDigits
        var point = integerDigits.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var plain = String(digits.prefix(point))
        var fraction = String(digits.dropFirst(point))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { plain += "." + fraction }
        if negative { writer.byte(UInt8(ascii: "-")) }
        writer.rawText(plain)
    }

    private mutating func writePointList(to writer: JSONWriter) throws(EventFailure) {
        let points = try count(minimumItemSize: 16)
        writer.byte(UInt8(ascii: "("))
        for point in 0..<points {
            if point > 0 { writer.byte(UInt8(ascii: ",")) }
            try writePoint(to: writer)
        }
        writer.byte(UInt8(ascii: ")"))
    }

    private mutating func writeRings(to writer: JSONWriter) throws(EventFailure) {
        let rings = try count(minimumItemSize: 4)
        writer.byte(UInt8(ascii: "("))
        for ring in 0..<rings {
            if ring > 0 { writer.byte(UInt8(ascii: ",")) }
            try writePointList(to: writer)
        }
        writer.byte(UInt8(ascii: ")"))
    }
}
