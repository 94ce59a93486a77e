import Foundation
import Logging

/// The snapshot's progress in the log: a line per table begun and ended, and one every few seconds
/// while a table is read (rows read, the server's estimate of the total, and the time left at the
/// current rate), never one per chunk.
struct SnapshotProgressLog {
    let logger: Logger
    var interval: TimeInterval = 5
    private var table = ""
    private var estimate: Int?
    /// Rows of the table emitted before this run (the cursor's count after a restart).
    private var rowsBefore = 0
    /// Rows of the table read in this run: the rate and the time left come from these.
    private var rows = 0
    private var totalRows = 0
    private var tableStarted = Date()
    private var lastLine = Date()

    init(logger: Logger) {
        self.logger = logger
    }

    /// `rowsBefore`: rows of the table a run before this one emitted (a resumed table goes on counting).
    mutating func beginTable(_ name: String, estimate: Int?, rowsBefore: Int = 0) {
        (table, self.estimate, self.rowsBefore, rows, tableStarted, lastLine) = (name, estimate, rowsBefore, 0, Date(), Date())
        var metadata: Logger.Metadata = ["table": "\(name)", "estimated_rows": "\(estimate.map(String.init) ?? "unknown")"]
        if rowsBefore > 0 { metadata["rows_before_restart"] = "\(rowsBefore)" }
        logger.info(rowsBefore > 0 ? "snapshot of a table goes on" : "snapshot of a table begins", metadata: metadata)
    }

    /// Rows of the table emitted so far, this run's and those before it.
    private var tableRows: Int { rowsBefore + rows }

    /// The progress as `/status` shows it, with `tablesLeft` after the table being read.
    func progress(tablesLeft: Int, done: Bool) -> SnapshotProgress {
        let elapsed = Date().timeIntervalSince(tableStarted)
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        return SnapshotProgress(state: done ? "done" : "reading", table: done ? nil : table, tablesLeft: tablesLeft, tableRows: tableRows,
                                tableEstimatedRows: estimate, rows: totalRows, rowsPerSecond: (rate * 10).rounded() / 10,
                                secondsLeft: estimate.flatMap { rate > 0 ? (max(0, Double($0 - tableRows)) / rate).rounded() : nil })
    }

    mutating func read(_ count: Int) {
        rows += count
        totalRows += count
        guard Date().timeIntervalSince(lastLine) >= interval else { return }
        lastLine = Date()
        let elapsed = Date().timeIntervalSince(tableStarted)
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        var metadata: Logger.Metadata = ["table": "\(table)", "rows": "\(tableRows)", "rows_per_second": "\(Int(rate))"]
        if let estimate {
            metadata["estimated_rows"] = "\(estimate)"
            if rate > 0 { metadata["seconds_left"] = "\(Int(max(0, Double(estimate - tableRows)) / rate))" }
        }
        logger.info("snapshot progress", metadata: metadata)
    }

    mutating func endTable() {
        logger.info("snapshot of a table done", metadata: ["table": "\(table)", "rows": "\(tableRows)",
                                                          "seconds": "\(Int(Date().timeIntervalSince(tableStarted)))"])
    }

    func finished() {
        logger.info("snapshot done", metadata: ["rows": "\(totalRows)"])
    }
}
