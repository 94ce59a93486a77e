import Foundation
import TestBench

/// Checks the snapshot campaign's topic: every message (reads, then the stream's changes, per key in
/// offset order) applied to an empty table gives the source's `items` as `SELECT` returns it at the
/// end, the snapshot's last end marker is there, and no row was read twice.
enum SnapshotChecker {
    static func check(consumed: [ConsumedMessage], source rows: [[String?]]) throws -> SnapshotReport {
        var report = SnapshotReport()
        var rebuilt = TableRebuilder()
        try rebuilt.apply(consumed)
        let expected = TableRebuilder.select(rows, columns: ["id", "seq", "note"])
        report.sourceRows = expected.count
        report.differences = TableRebuilder.firstDifferences(rebuilt.tables["campaign.items"] ?? [:], expected)
        var readCounts: [Int64: Int] = [:]
        for message in consumed {
            guard let object = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
                  let head = object["head"] as? [String: Any], let data = object["data"] as? [String: Any] else { continue }
            switch head["type"] as? String {
            case "read":
                report.reads += 1
                if let id = ((data["new"] as? [String: Any])?["id"] as? NSNumber)?.int64Value { readCounts[id, default: 0] += 1 }
            case "snapshot_end":
                if data["last"] as? Bool == true { report.completed = true }
            default:
                break
            }
        }
        report.rowsReadTwice = readCounts.values.count { $0 > 1 }
        return report
    }
}
