/// One lexical token of a statement: its kind and its bytes' range in the text (quotes included).
struct SQLToken: Equatable {
    enum Kind: Equatable {
        /// An unquoted word: keyword, identifier or number (`[A-Za-z0-9_$]` and any byte >= 0x80).
        case word
        /// A `backtick` identifier.
        case backtickIdentifier
        /// A 'single-quoted' string.
        case singleQuoted
        /// A "double-quoted" string, or identifier under ANSI_QUOTES.
        case doubleQuoted
        /// X'…', B'…' and N'…' literals (a 0x… or 0b… literal is a `word`).
        case prefixedLiteral
        /// Any other single byte: . , ( ) ; = @ and so on.
        case punctuation
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int
}

/// A lazy, allocation-free lexer over a statement's UTF-8 bytes, in the server's lexical rules:
/// comments (`/* */`, `-- `, `#`) are skipped, the content of executable comments (`/*!50100 … */`,
/// `/*M!100100 … */`) is lexed as part of the statement, strings honour doubled quotes and (unless
/// NO_BACKSLASH_ESCAPES) backslash escapes. Every read is bounds-checked; an unterminated string,
/// identifier or comment runs to the end of the text. The lexer is a value: copy it to look ahead.
struct SQLTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    let backslashEscapes: Bool
    private(set) var offset = 0
    private var insideExecutableComment = false

    init(_ bytes: UnsafeBufferPointer<UInt8>, backslashEscapes: Bool = true) {
        self.bytes = bytes
        self.backslashEscapes = backslashEscapes
    }

    /// The next token, or `.end` (again and again) at the end of the text.
    mutating func next() -> SQLToken {
        skipSpaceAndComments()
        let count = bytes.count
        guard offset < count else { return SQLToken(kind: .end, start: count, end: count) }
        let start = offset
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "`"):
            offset = quotedEnd(from: offset + 1, quote: byte, escapes: false)
            return SQLToken(kind: .backtickIdentifier, start: start, end: offset)
        case UInt8(ascii: "'"):
            offset = quotedEnd(from: offset + 1, quote: byte, escapes: backslashEscapes)
            return SQLToken(kind: .singleQuoted, start: start, end: offset)
        case UInt8(ascii: "\""):
            offset = quotedEnd(from: offset + 1, quote: byte, escapes: backslashEscapes)
            return SQLToken(kind: .doubleQuoted, start: start, end: offset)
        default:
            break
        }
        if Self.isWordByte(byte) {
            // X'…', B'…', N'…': a prefix letter glued to a quote.
            let prefix = byte | 0x20
            if offset + 1 < count, bytes[offset + 1] == UInt8(ascii: "'"),
               prefix == UInt8(ascii: "x") || prefix == UInt8(ascii: "b") || prefix == UInt8(ascii: "n") {
                offset = quotedEnd(from: offset + 2, quote: UInt8(ascii: "'"), escapes: prefix == UInt8(ascii: "n") && backslashEscapes)
                return SQLToken(kind: .prefixedLiteral, start: start, end: offset)
            }
            while offset < count, Self.isWordByte(bytes[offset]) { offset += 1 }
            return SQLToken(kind: .word, start: start, end: offset)
        }
        offset += 1
        return SQLToken(kind: .punctuation, start: start, end: offset)
    }

    /// The token after the next one would be, without moving.
    func peek() -> SQLToken {
        var copy = self
        return copy.next()
    }

    /// True for the bytes of an unquoted identifier, keyword or number (any non-ASCII byte is a
    /// part of a Unicode identifier).
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...0xff:
            return true
        default:
            return false
        }
    }

    /// The offset just past the closing quote (doubled quotes and, with `escapes`, backslash
    /// escapes stay inside), or the end of the text when the quote is never closed.
    private func quotedEnd(from position: Int, quote: UInt8, escapes: Bool) -> Int {
        var index = position
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if escapes && byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == quote {
                if index + 1 < count && bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return count
    }

    private mutating func skipSpaceAndComments() {
        let count = bytes.count
        while offset < count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0b, 0x0c:
                offset += 1
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "-") where offset + 1 < count && bytes[offset + 1] == UInt8(ascii: "-")
                && (offset + 2 == count || bytes[offset + 2] <= UInt8(ascii: " ")):
                skipLine()
            case UInt8(ascii: "*") where insideExecutableComment && offset + 1 < count && bytes[offset + 1] == UInt8(ascii: "/"):
                insideExecutableComment = false
                offset += 2
            case UInt8(ascii: "/") where offset + 1 < count && bytes[offset + 1] == UInt8(ascii: "*"):
                if !insideExecutableComment, let contentStart = executableCommentContent(at: offset + 2) {
                    insideExecutableComment = true
                    offset = contentStart
                } else {
                    skipBlockComment()
                }
            default:
                return
            }
        }
    }

    /// For `/*!NNNNN` and `/*M!NNNNNN` (with `position` just after `/*`), where the content starts.
    private func executableCommentContent(at position: Int) -> Int? {
        var index = position
        if index < bytes.count, bytes[index] == UInt8(ascii: "M") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "!") else { return nil }
        index += 1
        var digits = 0
        while index < bytes.count, digits < 6, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            index += 1
            digits += 1
        }
        return index
    }

    private mutating func skipLine() {
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
    }

    private mutating func skipBlockComment() {
        var index = offset + 2
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
                offset = index + 2
                return
            }
            index += 1
        }
        offset = bytes.count
    }

    // MARK: Reading tokens

    /// True when `token` is the unquoted word `keyword` (ASCII upper-case), in any letter case.
    func isKeyword(_ token: SQLToken, _ keyword: StaticString) -> Bool {
        guard token.kind == .word, token.end - token.start == keyword.utf8CodeUnitCount else { return false }
        let pattern = keyword.utf8Start
        for index in 0..<keyword.utf8CodeUnitCount {
            var byte = bytes[token.start + index]
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { byte -= 32 }
            if byte != pattern[index] { return false }
        }
        return true
    }

    func isPunctuation(_ token: SQLToken, _ character: Unicode.Scalar) -> Bool {
        token.kind == .punctuation && bytes[token.start] == UInt8(ascii: character)
    }

    /// The token's text as written (for words, upper-cased when `uppercased`).
    func text(_ token: SQLToken, uppercased: Bool = false) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[token.start..<token.end])
        guard uppercased else { return String(decoding: slice, as: UTF8.self) }
        return String(decoding: slice.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// True when the token can name something: an unquoted word, a `backtick` or a "double-quoted" name.
    func isName(_ token: SQLToken) -> Bool {
        token.kind == .word || token.kind == .backtickIdentifier || token.kind == .doubleQuoted
    }

    /// A name token's identifier, its quotes removed and doubled quotes (and, in a "…" name,
    /// backslash escapes) undone.
    func identifier(_ token: SQLToken) -> String {
        switch token.kind {
        case .backtickIdentifier, .doubleQuoted, .singleQuoted:
            return String(decoding: unquoted(token), as: UTF8.self)
        default:
            return text(token)
        }
    }

    /// The bytes of a quoted token between its quotes, with doubled quotes and backslash escapes
    /// (where they apply) undone as the server does.
    func unquoted(_ token: SQLToken) -> [UInt8] {
        guard token.end > token.start else { return [] }
        var index = token.start
        if token.kind == .prefixedLiteral { index += 1 }
        guard index < token.end else { return [] }
        let quote = bytes[index]
        index += 1
        let closed = token.end - 1 >= index && bytes[token.end - 1] == quote
        let contentEnd = closed ? token.end - 1 : token.end
        let escapes = backslashEscapes && quote != UInt8(ascii: "`")
        var out: [UInt8] = []
        out.reserveCapacity(contentEnd - index)
        while index < contentEnd {
            let byte = bytes[index]
            if escapes && byte == UInt8(ascii: "\\") && index + 1 < contentEnd {
                let escaped = bytes[index + 1]
                switch escaped {
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "Z"): out.append(26)
                case UInt8(ascii: "%"), UInt8(ascii: "_"): out.append(byte); out.append(escaped)
                default: out.append(escaped)
                }
                index += 2
                continue
            }
            if byte == quote && index + 1 < contentEnd && bytes[index + 1] == quote {
                out.append(quote)
                index += 2
                continue
            }
            out.append(byte)
            index += 1
        }
        return out
    }
}
