/// The layout facts of MySQL's binary JSON (sql/json_binary.h) that `JSONDocument` needs to open
/// containers and write them back (`MySQLJSONValue` renders the format on its own, on the hot path).
enum MySQLJSONLayout {
    static let smallObject: UInt8 = 0x00, largeObject: UInt8 = 0x01, smallArray: UInt8 = 0x02, largeArray: UInt8 = 0x03
    static let literal: UInt8 = 0x04

    static func isContainer(_ type: UInt8) -> Bool { type <= largeArray }

    /// Literals and 16-bit integers sit in a value entry; 32-bit integers too in the large format.
    static func isInlined(_ type: UInt8, large: Bool) -> Bool {
        switch type {
        case 0x04, 0x05, 0x06: return true
        case 0x07, 0x08: return large
        default: return false
        }
    }

    /// A container's element count and byte size, checked against `bytes` (which start with it).
    static func containerHeader(_ bytes: UnsafeRawBufferPointer, large: Bool, object: Bool) throws(EventFailure) -> (count: Int, size: Int) {
        let width = large ? 4 : 2
        try MySQLJSONValue.check(bytes, 0, 2 * width)
        let count = Int(bytes.littleEndian(at: 0, width: width))
        let size = Int(bytes.littleEndian(at: width, width: width))
        try MySQLJSONValue.check(bytes, 0, size)
        guard count <= size, 2 * width + count * ((object ? width + 2 : 0) + 1 + width) <= size else {
            throw EventFailure("binary JSON: \(count) elements do not fit in \(size) bytes")
        }
        return (count, size)
    }

    /// How many bytes the value of `type` at `offset` takes (a container: its own size).
    static func valueLength(type: UInt8, in bytes: UnsafeRawBufferPointer, at offset: Int) throws(EventFailure) -> Int {
        let length: Int
        switch type {
        case smallObject, smallArray, largeObject, largeArray:
            try MySQLJSONValue.check(bytes, offset, 0)
            let large = type == largeObject || type == largeArray
            length = try containerHeader(UnsafeRawBufferPointer(rebasing: bytes[offset...]), large: large,
                                         object: type == smallObject || type == largeObject).size
        case literal:
            try MySQLJSONValue.check(bytes, offset, 1)
            guard bytes[offset] <= 0x02 else { throw EventFailure("binary JSON: unknown literal \(bytes[offset])") }
            length = 1
        case 0x05, 0x06: length = 2
        case 0x07, 0x08: length = 4
        case 0x09, 0x0a, 0x0b: length = 8
        case 0x0c:
            let (dataLength, start) = try MySQLJSONValue.variableLength(bytes, at: offset)
            length = start - offset + dataLength
        case 0x0f:
            try MySQLJSONValue.check(bytes, offset, 1)
            let (dataLength, start) = try MySQLJSONValue.variableLength(bytes, at: offset + 1)
            length = start - offset + dataLength
        default:
            throw EventFailure("binary JSON: unknown value type \(type)")
        }
        try MySQLJSONValue.check(bytes, offset, length)
        return length
    }
}
