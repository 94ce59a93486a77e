/// MySQL 9's VECTOR values (little-endian IEEE single-precision floats) written as a JSON array of
/// numbers, the values `VECTOR_TO_STRING` prints (in the shortest form that reads back as the same float).
enum VectorValue {
    static func write(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) throws(EventFailure) {
        guard value.count % 4 == 0 else { throw EventFailure("VECTOR value of \(value.count) bytes is not a whole number of floats") }
        writer.byte(UInt8(ascii: "["))
        for offset in stride(from: 0, to: value.count, by: 4) {
            if offset > 0 { writer.byte(UInt8(ascii: ",")) }
            let element = Float(bitPattern: UInt32(value.littleEndian(at: offset, width: 4)))
            guard element.isFinite else { throw EventFailure("VECTOR element \(offset / 4) is not a finite number") }
            writer.float(element)
        }
        writer.byte(UInt8(ascii: "]"))
    }
}
