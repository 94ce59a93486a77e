import Logging
import Pipeline
import Synchronization
import Testing

/// The summarizer of repeated log lines, driven by a clock of the test's own.
@Suite struct RepeatedLogSummarizerTests {
    /// A call that read the time before another thread recorded a kind (librdkafka logs from several threads
    /// at once) sees a kind newer than its own "now": not due yet, where it once made the subtraction trap.
    @Test func aKindNewerThanTheCallersTimeIsNotDue() {
        let times = Mutex<[UInt64]>([5_000_000_000, 1_000_000_000, 30_000_000_000])
        let summarizer = RepeatedLogSummarizer(intervalSeconds: 10, clock: { times.withLock { $0.isEmpty ? 40_000_000_000 : $0.removeFirst() } })
        let lines = LogLines()
        let logger = Logger(label: "test") { _ in CapturingHandler(sink: lines) }
        summarizer.log(.error, "broker down", key: "a", to: logger)   // recorded at 5 s
        summarizer.log(.error, "broker down", key: "a", to: logger)   // read 1 s, before the record: counted
        summarizer.log(.error, "other", key: "b", to: logger)         // 30 s: "a" is due
        #expect(lines.messages == ["broker down", "other", "broker down (repeated 1 times in the last 10 s)"])
    }
}
