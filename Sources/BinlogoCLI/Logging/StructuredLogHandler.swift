import BinlogDecoder
import Foundation
import Logging
import Synchronization

/// swift-log handler writing one line per entry: a JSON object (`time`, `level`, `message`, `label`,
/// then the metadata such as `pipeline`, `position`, `error`) or, in text format, a readable line.
struct StructuredLogHandler: LogHandler {
    enum Format: Sendable { case json, text }

    let label: String
    let format: Format
    let output: LogOutput
    /// Shared by every logger of the process, so a reload can change the level in place.
    let levelBox: LevelBox
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { levelBox.level }
        set { levelBox.level = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let time = Self.timestamp()
        let writer = JSONWriter(capacity: 256)
        switch format {
        case .json:
            writer.raw("{\"time\":")
            writer.string(time)
            writer.raw(",\"level\":")
            writer.string(level.rawValue)
            writer.raw(",\"message\":")
            writer.string(message.description)
            writer.raw(",\"label\":")
            writer.string(label)
            for key in merged.keys.sorted() {
                writer.byte(UInt8(ascii: ","))
                writer.string(key)
                writer.byte(UInt8(ascii: ":"))
                Self.writeJSON(merged[key]!, to: writer)
            }
            writer.raw("}\n")
        case .text:
            var text = "\(time) \(level.rawValue) \(message)"
            for key in merged.keys.sorted() { text += " \(key)=\(Self.textValue(merged[key]!))" }
            writer.rawText(text + "\n")
        }
        output.write(writer.bytes)
    }

    /// A metadata value as JSON that keeps its type: integers and finite doubles as numbers, booleans
    /// as `true`/`false`, arrays and dictionaries as JSON arrays and objects, everything else a string.
    static func writeJSON(_ value: Logger.MetadataValue, to writer: JSONWriter) {
        switch value {
        case .string(let text):
            writer.string(text)
        case .stringConvertible(let convertible):
            switch convertible {
            case let flag as Bool: writer.bool(flag)
            case let number as Int: writer.integer(Int64(number))
            case let number as Int64: writer.integer(number)
            case let number as Int32: writer.integer(Int64(number))
            case let number as UInt: writer.unsigned(UInt64(number))
            case let number as UInt64: writer.unsigned(number)
            case let number as UInt32: writer.unsigned(UInt64(number))
            case let number as Double where number.isFinite: writer.double(number)
            default: writer.string(convertible.description)
            }
        case .array(let values):
            writer.byte(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writeJSON(element, to: writer)
            }
            writer.byte(UInt8(ascii: "]"))
        case .dictionary(let values):
            writer.byte(UInt8(ascii: "{"))
            for (index, key) in values.keys.sorted().enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(key)
                writer.byte(UInt8(ascii: ":"))
                writeJSON(values[key]!, to: writer)
            }
            writer.byte(UInt8(ascii: "}"))
        }
    }

    /// A metadata value for the text format: as it is when it is one plain word, else in double
    /// quotes with `"`, `\` and control characters escaped, so `key=value` pairs stay separable.
    static func textValue(_ value: Logger.MetadataValue) -> String {
        let text = "\(value)"
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar != "\"" && scalar != "\\" && scalar != "=" && scalar.value != 0x7f
        }
        if plain { return text }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    quoted += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// UTC, ISO-8601 with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}

/// The process's log level, changeable at run time (a reload applies a new level in place).
final class LevelBox: Sendable {
    private let value: Mutex<Logger.Level>

    init(_ level: Logger.Level) { value = Mutex(level) }

    var level: Logger.Level {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
