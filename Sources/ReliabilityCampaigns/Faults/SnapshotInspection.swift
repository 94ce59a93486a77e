import Foundation
import TestBench

extension CampaignBench {
    /// The campaign pipeline's snapshot as `/status` shows it.
    struct SnapshotProgress {
        /// Rows of the table being read emitted so far (across restarts).
        var tableRows: Int
        var done: Bool
    }

    /// The snapshot's progress from `/status`; nil while the daemon does not answer or shows none.
    var snapshotProgress: SnapshotProgress? {
        guard let text = status(withMetrics: false),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let pipeline = (object["pipelines"] as? [[String: Any]])?.first(where: { $0["name"] as? String == Self.pipelineName }),
              let snapshot = pipeline["snapshot"] as? [String: Any], let state = snapshot["state"] as? String else { return nil }
        return SnapshotProgress(tableRows: snapshot["table_rows"] as? Int ?? 0, done: state == "done")
    }

    /// Waits until the table's rows emitted (as `/status` counts them, across restarts) pass a random point of
    /// the `index`-th of `rounds` equal shares of `rows`, so that the rounds' faults spread over the snapshot;
    /// notes a snapshot that ended first or stalled.
    func waitForSnapshotShare(_ index: Int, of rounds: Int, rows: Int, random: inout SeededGenerator) {
        let share = Double(rows) / Double(rounds)
        let target = Int(share * (Double(index) + Double.random(in: 0.1...0.9, using: &random)))
        var progress: SnapshotProgress?
        let reached = waitUntil(seconds: 600) {
            progress = snapshotProgress
            guard let progress else { return false }
            return progress.done || progress.tableRows >= target
        }
        if !reached {
            note("round \(index): the snapshot did not reach \(target) rows within 10 minutes (at \(progress?.tableRows ?? 0))")
        } else if progress?.done == true {
            note("round \(index): the snapshot ended before its fault at \(target) rows")
        }
    }

    /// Waits until the snapshot is done: the rows left at 5,000 rows/s, and a minute more.
    func waitForSnapshotEnd() -> Bool {
        waitUntil(seconds: 60 + Double(options.snapshotRows) / 5_000) { snapshotProgress?.done == true }
    }
}
