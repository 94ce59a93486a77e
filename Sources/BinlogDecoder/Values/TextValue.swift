/// Character and binary column bytes as JSON strings.
enum TextValue {
    /// MySQL's latin1 is Windows-1252: 0x80–0x9F map to these scalars (the five undefined codes stay C1 controls).
    fileprivate static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Text in `encoding` as a JSON string; `.binary` becomes base64.
    static func write(_ value: UnsafeRawBufferPointer, encoding: TextEncoding, to writer: JSONWriter) throws(EventFailure) {
        switch encoding {
        case .utf8:
            writer.string(utf8: value)
        case .ascii, .latin1:
            writer.byte(UInt8(ascii: "\""))
            for byte in value {
                writer.scalarContent(singleByteScalar(byte, ascii: encoding == .ascii))
            }
            writer.byte(UInt8(ascii: "\""))
        case .binary:
            Base64.write(value, to: writer)
        case .unsupported(let collation):
            throw EventFailure("the charset of collation \(collation) is not supported (utf8mb4, utf8mb3, latin1, ascii and binary are)")
        }
    }
}

extension TextValue {
    /// Bytes as text of one ISO-8859-1 character each (U+0000–U+00FF), as Java's `new String(bytes, ISO_8859_1)`
    /// makes them: what Canal puts in its messages for binary columns.
    static func writeISO88591(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        for byte in value { writer.scalarContent(Unicode.Scalar(byte)) }
        writer.byte(UInt8(ascii: "\""))
    }

    /// The character of one latin1 (Windows-1252) or ASCII byte; a byte above 0x7F is U+FFFD in ASCII.
    @inline(__always)
    static func singleByteScalar(_ byte: UInt8, ascii: Bool) -> Unicode.Scalar {
        let scalar: UInt32
        if byte < 0x80 {
            scalar = UInt32(byte)
        } else if ascii {
            scalar = 0xFFFD
        } else if byte < 0xA0 {
            scalar = windows1252High[Int(byte - 0x80)]
        } else {
            scalar = UInt32(byte)
        }
        return Unicode.Scalar(scalar)!
    }

    /// Bytes in `encoding` as a String, for what is converted once per table map (ENUM and SET
    /// labels), not per row; nil for a charset binlogo does not convert. Labels of a binary ENUM or
    /// SET are taken as UTF-8, the text they were declared with.
    static func string(_ bytes: UnsafeRawBufferPointer, encoding: TextEncoding) -> String? {
        switch encoding {
        case .utf8, .binary:
            return String(decoding: bytes, as: UTF8.self)
        case .latin1, .ascii:
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(singleByteScalar(byte, ascii: encoding == .ascii)) }
            return String(scalars)
        case .unsupported:
            return nil
        }
    }
}

/// Standard base64 with padding, written straight into the JSON buffer as a string.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func write(_ value: UnsafeRawBufferPointer, to writer: JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        alphabet.withUnsafeBufferPointer { alphabet in
            var index = 0
            let count = value.count
            while index + 3 <= count {
                let chunk = UInt32(value[index]) << 16 | UInt32(value[index + 1]) << 8 | UInt32(value[index + 2])
                writer.byte(alphabet[Int(chunk >> 18)])
                writer.byte(alphabet[Int((chunk >> 12) & 0x3f)])
                writer.byte(alphabet[Int((chunk >> 6) & 0x3f)])
                writer.byte(alphabet[Int(chunk & 0x3f)])
                index += 3
            }
            let rest = count - index
            if rest > 0 {
                let chunk = UInt32(value[index]) << 16 | (rest == 2 ? UInt32(value[index + 1]) << 8 : 0)
                writer.byte(alphabet[Int(chunk >> 18)])
                writer.byte(alphabet[Int((chunk >> 12) & 0x3f)])
                if rest == 2 { writer.byte(alphabet[Int((chunk >> 6) & 0x3f)]) } else { writer.byte(UInt8(ascii: "=")) }
                writer.byte(UInt8(ascii: "="))
            }
        }
        writer.byte(UInt8(ascii: "\""))
    }
}
