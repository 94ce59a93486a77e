/// JSON string contents: the escapes of JSON diff paths (`JSONPath`) and of the JSON documents a snapshot
/// reads as text (`BinaryJSONEncoder`) are resolved here.
enum JSONStringContent {
    /// The content of a JSON string (between its quotes): `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and
    /// `\uXXXX` (surrogate pairs joined) resolved; the result must be well-formed UTF-8. `what` names the
    /// string in the errors (`member name`, `string`).
    static func unescape(_ content: UnsafeRawBufferPointer, what: String) throws(EventFailure) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(content.count)
        var index = 0
        func hex4(_ at: Int) throws(EventFailure) -> UInt32 {
            guard at + 4 <= content.count else { throw EventFailure("a truncated \\u escape") }
            guard let value = HexDigits.value4(content, at: at) else { throw EventFailure("a \\u escape with a non-hex digit") }
            return value
        }
        while index < content.count {
            let byte = content[index]
            guard byte == UInt8(ascii: "\\") else {
                guard byte >= 0x20 else { throw EventFailure("a control character in a \(what)") }
                result.append(byte)
                index += 1
                continue
            }
            guard index + 1 < content.count else { throw EventFailure("a \(what) ends in a backslash") }
            let escaped = content[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0c)
            case UInt8(ascii: "n"): result.append(0x0a)
            case UInt8(ascii: "r"): result.append(0x0d)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(index)
                index += 4
                if (0xd800...0xdbff).contains(scalar) {
                    guard index + 6 <= content.count, content[index] == UInt8(ascii: "\\"), content[index + 1] == UInt8(ascii: "u") else {
                        throw EventFailure("an unpaired surrogate in a \\u escape")
                    }
                    let low = try hex4(index + 2)
                    guard (0xdc00...0xdfff).contains(low) else { throw EventFailure("an unpaired surrogate in a \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                    index += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw EventFailure("an unpaired surrogate in a \\u escape") }
                result.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw EventFailure("an unknown escape \\\(Character(Unicode.Scalar(escaped)))")
            }
        }
        var check = 0
        while check < result.count {
            if result[check] < 0x80 { check += 1; continue }
            let length = result.withUnsafeBytes { UTF8Validation.sequenceLength($0, at: check) }
            guard length > 0 else { throw EventFailure("a \(what) that is not UTF-8") }
            check += length
        }
        return result
    }

    /// Where the string that starts with the quote at `start` ends: the index after its closing quote, or
    /// nil when it has none. An escaped quote does not end it.
    static func end(in text: UnsafeRawBufferPointer, quoteAt start: Int) -> Int? {
        var offset = start + 1
        while offset < text.count {
            let byte = text[offset]
            offset += 1
            if byte == UInt8(ascii: "\\") {
                offset += 1
            } else if byte == UInt8(ascii: "\"") {
                return offset
            }
        }
        return nil
    }
}
