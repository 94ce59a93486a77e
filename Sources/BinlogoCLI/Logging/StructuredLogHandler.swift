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
                writer.string("\(merged[key]!)")
            }
            writer.raw("}\n")
        case .text:
            var text = "\(time) \(level.rawValue) \(message)"
            for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
            writer.raw(text + "\n")
        }
        output.write(writer.bytes)
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
