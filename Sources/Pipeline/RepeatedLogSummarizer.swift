import Dispatch
import Logging
import Synchronization

/// Keeps one repeated error from flooding the log. The first line of a kind (its `key`) is written
/// as it comes; the next ones are only counted, and once per `interval` one line says how many came
/// and carries the last one's metadata, with `repeated` (the count) and `seconds` (the interval):
///
///     message lost (performance profile) (repeated 14992 times in the last 10 s)  error=… repeated=14992 seconds=10
///
/// A kind that stays quiet for a whole interval is forgotten, so its next occurrence is written in
/// full again. Summaries are written by `flushDue()` (the daemon calls it every second) and by any
/// `log` call that finds an interval ended. At most `maximumKinds` kinds are tracked; further kinds
/// are counted together under one summary, so the summarizer's memory stays bounded too.
public final class RepeatedLogSummarizer: Sendable {
    public static let maximumKinds = 512

    private struct Kind {
        var logger: Logger
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
        /// Occurrences since the last line written for this kind.
        var repeats = 0
        var windowStart: UInt64
    }

    /// The summary interval in seconds.
    public let interval: Double
    private let kinds = Mutex<[String: Kind]>([:])
    /// Uptime nanoseconds, read by each call before it takes the lock: another thread may have recorded a
    /// kind at a later time by then.
    private let clock: @Sendable () -> UInt64

    public init(intervalSeconds: Double = 10, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        interval = max(0.1, intervalSeconds)
        self.clock = clock
    }

    /// Logs `message` now if it is the first of its kind in this interval, else counts it.
    /// - Parameter key: what makes two lines "the same"; by default the level and the message.
    public func log(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata = [:], key: String? = nil, to logger: Logger) {
        let now = clock()
        let kindKey = key ?? "\(level.rawValue) \(message)"
        let writeNow: Bool = kinds.withLock { kinds in
            if var kind = kinds[kindKey] {
                kind.repeats += 1
                kind.metadata = metadata
                kind.level = level
                kinds[kindKey] = kind
                return false
            }
            if kinds.count >= Self.maximumKinds {
                let overflow = "\u{0}overflow"
                if kinds[overflow] == nil {
                    kinds[overflow] = Kind(logger: logger, level: level, message: "log lines of further kinds", metadata: [:], windowStart: now)
                }
                kinds[overflow]!.repeats += 1
                kinds[overflow]!.metadata = metadata.merging(["last_message": .string(message)]) { $1 }
                return false
            }
            kinds[kindKey] = Kind(logger: logger, level: level, message: message, metadata: metadata, windowStart: now)
            return true
        }
        if writeNow { logger.log(level: level, "\(message)", metadata: metadata) }
        flushDue(now: now)
    }

    /// Writes the summary of every kind whose interval has ended, and forgets the kinds that stayed quiet.
    public func flushDue() {
        flushDue(now: clock())
    }

    /// Writes every pending summary now (at stop).
    public func flushAll() {
        flushDue(now: UInt64.max)
    }

    private func flushDue(now: UInt64) {
        let intervalNanoseconds = UInt64(interval * 1_000_000_000)
        let due: [Kind] = kinds.withLock { kinds in
            var due: [Kind] = []
            // A kind recorded after `now` was read (by another thread) is not due yet.
            for (key, kind) in kinds where now == UInt64.max || (now >= kind.windowStart && now - kind.windowStart >= intervalNanoseconds) {
                if kind.repeats == 0 {
                    kinds[key] = nil
                } else {
                    due.append(kind)
                    kinds[key]!.repeats = 0
                    kinds[key]!.windowStart = now == UInt64.max ? clock() : now
                }
            }
            return due
        }
        let seconds = interval.rounded() == interval ? "\(Int(interval))" : "\(interval)"
        for kind in due {
            var metadata = kind.metadata
            metadata["repeated"] = .stringConvertible(kind.repeats)
            metadata["seconds"] = .stringConvertible(interval)
            kind.logger.log(level: kind.level, "\(kind.message) (repeated \(kind.repeats) times in the last \(seconds) s)", metadata: metadata)
        }
    }
}
