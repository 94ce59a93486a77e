import Foundation

/// Keeps a snapshot under its `rows_per_second`: after each chunk it waits until the rows read so far
/// are due (in steps of at most 100 ms, so that a stop is not held up). Time the snapshot spent not
/// reading (the server gone, chunks waiting for the stream) is not made up with a burst: once the rows
/// fall more than a second behind their schedule, the schedule starts again from now.
struct SnapshotPace {
    let rowsPerSecond: Int?
    private var started = Date()
    private var rows = 0

    init(rowsPerSecond: Int?) {
        self.rowsPerSecond = rowsPerSecond
    }

    mutating func wait(after count: Int, isStopping: () -> Bool) {
        rows += count
        guard let rowsPerSecond else { return }
        let due = started.addingTimeInterval(Double(rows) / Double(rowsPerSecond))
        if due.timeIntervalSinceNow < -1 {
            (started, rows) = (Date(), 0)
            return
        }
        while !isStopping() {
            let left = due.timeIntervalSinceNow
            if left <= 0 { return }
            Thread.sleep(forTimeInterval: min(left, 0.1))
        }
    }
}
