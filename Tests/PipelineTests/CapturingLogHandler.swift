import Logging
import Synchronization

/// Keeps what is logged, for assertions.
final class LogLines: Sendable {
    let lines = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    var messages: [String] { lines.withLock { $0.map(\.message) } }
}

/// A log handler that writes into `LogLines`.
struct CapturingHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        sink.lines.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
    }
}
