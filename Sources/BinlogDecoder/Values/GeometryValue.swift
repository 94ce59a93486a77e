/// GEOMETRY values (a 4-byte SRID, then WKB) written as WKT, as `ST_AsText` prints them.
enum GeometryValue {
    static func write(_ value: UnsafeRawBufferPointer, to writer: inout JSONWriter) throws(EventFailure) {
        guard value.count >= 4 else { throw EventFailure("geometry shorter than its SRID") }
        var reader = WKBReader(bytes: value, offset: 4)
        writer.byte(UInt8(ascii: "\""))
        try reader.writeGeometry(to: &writer, depth: 0)
        guard reader.offset == value.count else {
            throw EventFailure("geometry has \(value.count - reader.offset) bytes after its WKB")
        }
        writer.byte(UInt8(ascii: "\""))
    }
}

private struct WKBReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
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

    mutating func writeGeometry(to writer: inout JSONWriter, depth: Int) throws(EventFailure) {
        guard depth < 32 else { throw EventFailure("geometry nests deeper than 32 levels") }
        let type = try header()
        switch type {
        case 1:
            writer.raw("POINT(")
            try writePoint(to: &writer)
            writer.byte(UInt8(ascii: ")"))
        case 2:
            writer.raw("LINESTRING")
            try writePointList(to: &writer)
        case 3:
            writer.raw("POLYGON")
            try writeRings(to: &writer)
        case 4, 5, 6:
            writer.raw(type == 4 ? "MULTIPOINT(" : type == 5 ? "MULTILINESTRING(" : "MULTIPOLYGON(")
            let parts = try count(minimumItemSize: 5)
            for part in 0..<parts {
                if part > 0 { writer.byte(UInt8(ascii: ",")) }
                let partType = try header()
                guard partType == type - 3 else { throw EventFailure("geometry collection of type \(type) holds type \(partType)") }
                switch partType {
                case 1:
                    writer.byte(UInt8(ascii: "("))
                    try writePoint(to: &writer)
                    writer.byte(UInt8(ascii: ")"))
                case 2: try writePointList(to: &writer)
                default: try writeRings(to: &writer)
                }
            }
            writer.byte(UInt8(ascii: ")"))
        case 7:
            writer.raw("GEOMETRYCOLLECTION(")
            let parts = try count(minimumItemSize: 5)
            for part in 0..<parts {
                if part > 0 { writer.byte(UInt8(ascii: ",")) }
                try writeGeometry(to: &writer, depth: depth + 1)
            }
            writer.byte(UInt8(ascii: ")"))
        default:
            throw EventFailure("geometry WKB type \(type) is not supported")
        }
    }

    private mutating func writePoint(to writer: inout JSONWriter) throws(EventFailure) {
        writer.double(try double())
        writer.byte(UInt8(ascii: " "))
        writer.double(try double())
    }

    private mutating func writePointList(to writer: inout JSONWriter) throws(EventFailure) {
        let points = try count(minimumItemSize: 16)
        writer.byte(UInt8(ascii: "("))
        for point in 0..<points {
            if point > 0 { writer.byte(UInt8(ascii: ",")) }
            try writePoint(to: &writer)
        }
        writer.byte(UInt8(ascii: ")"))
    }

    private mutating func writeRings(to writer: inout JSONWriter) throws(EventFailure) {
        let rings = try count(minimumItemSize: 4)
        writer.byte(UInt8(ascii: "("))
        for ring in 0..<rings {
            if ring > 0 { writer.byte(UInt8(ascii: ",")) }
            try writePointList(to: &writer)
        }
        writer.byte(UInt8(ascii: ")"))
    }
}
