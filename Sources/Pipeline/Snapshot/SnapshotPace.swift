import Foundation

/// Keeps a snapshot under its `rows_per_second`: after each chunk it waits until the rows read so far
/// are due (in steps of at most 100 ms, so that a stop is not held up).
struct SnapshotPace {
    let rowsPerSecond: Int?
    private let started = Date()
    private var rows = 0

    init(rowsPerSecond: Int?) {
        self.rowsPerSecond = rowsPerSecond
    }

    mutating func wait(after count: Int, isStopping: () -> Bool) {
        rows += count
        guard let rowsPerSecond else { return }
        let due = started.addingTimeInterval(Double(rows) / Double(rowsPerSecond))
        while !isStopping() {
            let left = due.timeIntervalSinceNow
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(left, 0.1))
        }
    }
}
