/// Reads the DATE, TIME, DATETIME and TIMESTAMP texts the server prints (`YYYY-MM-DD`,
/// `[-]HHH:MM:SS[.ffffff]`, `YYYY-MM-DD HH:MM:SS[.ffffff]`).
struct TemporalText {
    private let text: UnsafeRawBufferPointer
    private var offset = 0

    init(_ text: UnsafeRawBufferPointer) {
        self.text = text
    }

    mutating func date() throws(EventFailure) -> (year: Int, month: Int, day: Int) {
        let year = try number()
        try expect(UInt8(ascii: "-"))
        let month = try number()
        try expect(UInt8(ascii: "-"))
        return (year, month, try number())
    }

    mutating func clockAfterSpace() throws(EventFailure) -> (hour: Int, minute: Int, second: Int, micro: Int) {
        try expect(UInt8(ascii: " "))
        let (_, hour, minute, second, micro) = try time()
        return (hour, minute, second, micro)
    }

    mutating func time() throws(EventFailure) -> (negative: Bool, hours: Int, minutes: Int, seconds: Int, micro: Int) {
        let negative = offset < text.count && text[offset] == UInt8(ascii: "-")
        if negative { offset += 1 }
        let hours = try number()
        try expect(UInt8(ascii: ":"))
        let minutes = try number()
        try expect(UInt8(ascii: ":"))
        let seconds = try number()
        var micro = 0
        if offset < text.count {
            try expect(UInt8(ascii: "."))
            var digits = 0
            while offset < text.count, digits < 6 {
                micro = micro * 10 + Int(try digit())
                digits += 1
            }
            for _ in digits..<6 { micro *= 10 }
        }
        guard offset == text.count else { throw failure() }
        return (negative, hours, minutes, seconds, micro)
    }

    private mutating func number() throws(EventFailure) -> Int {
        var value = Int(try digit())
        while offset < text.count, text[offset] &- UInt8(ascii: "0") < 10 {
            value = value * 10 + Int(text[offset] &- UInt8(ascii: "0"))
            offset += 1
        }
        return value
    }

    private mutating func digit() throws(EventFailure) -> UInt8 {
        guard offset < text.count, text[offset] &- UInt8(ascii: "0") < 10 else { throw failure() }
        defer { offset += 1 }
        return text[offset] &- UInt8(ascii: "0")
    }

    private mutating func expect(_ byte: UInt8) throws(EventFailure) {
        guard offset < text.count, text[offset] == byte else { throw failure() }
        offset += 1
    }

    private func failure() -> EventFailure {
        EventFailure("\"\(String(decoding: text, as: UTF8.self))\" is not a date or time the server prints")
    }
}
