import BinlogDecoder
import Foundation
import TestBench
import Testing

/// The writer's string escaping, whose fast paths skip 32 and 8 bytes at a time: every character
/// that needs escaping must be caught wherever it falls relative to those blocks.
@Suite struct JSONWriterStringTests {
    /// Pieces the random strings are made of: plain ASCII, what JSON must escape, multi-byte
    /// UTF-8, and U+2028/U+2029 (escaped for JavaScript).
    static let pieces: [String] = ["a", "Z", "7", " ", "~", "\"", "\\", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}",
                                   "é", "€", "😀", "\u{2028}", "\u{2029}"]

    @Test func escapedStringsReadBackUnchangedAtEveryPosition() throws {
        var generator = SeededGenerator(seed: 0x150_0e5c)
        let writer = JSONWriter()
        var failures: [String] = []
        for length in 0..<120 {
            for _ in 0..<20 {
                // Mostly plain text, so that the special pieces land at every offset of the blocks.
                var text = ""
                for _ in 0..<length {
                    text += Int.random(in: 0..<4, using: &generator) == 0
                        ? Self.pieces.randomElement(using: &generator)! : "x"
                }
                writer.reset()
                let utf8 = Array(text.utf8)
                utf8.withUnsafeBytes { writer.string(utf8: $0) }
                let output = writer.bytes
                let parsed = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
                if parsed != text { failures.append(text.debugDescription) }
                if output.contains(where: { $0 < 0x20 }) { failures.append("raw control character in \(text.debugDescription)") }
                let lineSeparators = text.unicodeScalars.filter { $0 == "\u{2028}" || $0 == "\u{2029}" }.count
                if lineSeparators > 0, String(decoding: output, as: UTF8.self).unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" }) {
                    failures.append("unescaped U+2028/U+2029 in \(text.debugDescription)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    /// Whatever the bytes, the output is one valid JSON string: random bytes, mostly ASCII letters
    /// with bytes from every class mixed in (controls, quotes, backslashes, UTF-8 leads and
    /// continuations, bytes never valid in UTF-8).
    @Test func anyBytesMakeValidJSON() {
        var generator = SeededGenerator(seed: 0xb17e_5eed)
        let specials: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x22, 0x5C, 0x7F, 0x80, 0xA8, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFF]
        let writer = JSONWriter()
        var invalid: [[UInt8]] = []
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in
                Int.random(in: 0..<5, using: &generator) == 0
                    ? specials.randomElement(using: &generator)! : UInt8.random(in: 0x61...0x7A, using: &generator)
            }
            writer.reset()
            bytes.withUnsafeBytes { writer.string(utf8: $0) }
            if (try? JSONSerialization.jsonObject(with: Data(writer.bytes), options: .fragmentsAllowed)) as? String == nil {
                invalid.append(bytes)
            }
        }
        let invalidCount = invalid.count
        #expect(invalidCount == 0, "first: \(invalid.first ?? [])")
    }

    @Test func invalidUTF8BecomesReplacementCharactersAtEveryPosition() throws {
        let writer = JSONWriter()
        for offset in 0..<70 {
            var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 70)
            bytes[offset] = 0xFF
            writer.reset()
            bytes.withUnsafeBytes { writer.string(utf8: $0) }
            let parsed = try JSONSerialization.jsonObject(with: Data(writer.bytes), options: .fragmentsAllowed) as? String
            #expect(parsed == String(repeating: "x", count: offset) + "\u{FFFD}" + String(repeating: "x", count: 69 - offset))
        }
    }
}
