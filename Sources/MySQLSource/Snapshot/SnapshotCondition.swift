/// Checks a condition asked for with a snapshot (`binlogo snapshot start --where`, the signal table's
/// `condition`), which binlogo puts in parentheses after `WHERE … AND`: it must stay one expression there.
/// Comments, statement separators, unclosed quotes and parentheses that close more than they open (which
/// could end the `WHERE` and add, say, a `UNION`) are refused. This is no sandbox: the condition still runs
/// with the pipeline's user, and whoever may write the signal table may make it read what that user reads.
public enum SnapshotCondition {
    /// Why `condition` cannot be used, or nil.
    public static func problem(_ condition: String) -> String? {
        var depth = 0
        var quote: UInt8?
        var previous: UInt8 = 0
        let bytes = Array(condition.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == UInt8(ascii: "\\"), open != UInt8(ascii: "`") {
                    index += 2
                    continue
                }
                if byte == open {
                    if index + 1 < bytes.count, bytes[index + 1] == open {
                        index += 2
                        continue
                    }
                    quote = nil
                }
            } else {
                switch byte {
                case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"): quote = byte
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth < 0 { return "the condition closes a parenthesis it did not open" }
                case UInt8(ascii: ";"): return "the condition holds a ; (one expression only)"
                case UInt8(ascii: "#"): return "the condition holds a comment (#)"
                case UInt8(ascii: "-") where previous == UInt8(ascii: "-"): return "the condition holds a comment (--)"
                case UInt8(ascii: "*") where previous == UInt8(ascii: "/"): return "the condition holds a comment (/*)"
                default: break
                }
            }
            previous = byte
            index += 1
        }
        if quote != nil { return "the condition leaves a quote open" }
        if depth != 0 { return "the condition leaves a parenthesis open" }
        return nil
    }
}
