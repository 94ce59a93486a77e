import Foundation
import TestBench

/// Compares the row-change messages of a topic with the changes the writer committed.
///
/// Messages of one row share a key and so a partition; the topic is read partition by partition in
/// offset order, which is the order a consumer sees. A row's changes are in order when the first
/// copy of each arrives after the first copies of the changes before it; later copies (repeats
/// after a crash) count as duplicates, not as order violations.
public enum DeliveryChecker {
    /// Examples kept of each kind of problem (lost, unexpected, out of order).
    static let samplesPerKind = 3

    public static func check(expected: [RowChange], consumed: [ConsumedMessage]) throws -> DeliveryReport {
        var report = DeliveryReport()
        report.expected = expected.count
        let committed = Set(expected)
        var seen: Set<RowChange> = []
        var newestOrder: [Int64: Int64] = [:]
        for message in consumed.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            guard let change = try rowChange(message) else { continue }
            report.messages += 1
            guard seen.insert(change).inserted else {
                report.duplicated += 1
                continue
            }
            if !committed.contains(change) {
                report.unexpected += 1
                if report.unexpected <= Self.samplesPerKind { report.samples.append("unexpected \(change)") }
            }
            if let newest = newestOrder[change.id], change.order < newest {
                report.orderViolations += 1
                if report.orderViolations <= Self.samplesPerKind {
                    report.samples.append("\(change) arrived after a later change of the row (partition \(message.partition) offset \(message.offset))")
                }
            }
            newestOrder[change.id] = max(change.order, newestOrder[change.id] ?? change.order)
        }
        for change in expected where !seen.contains(change) {
            report.lost += 1
            if report.lost <= Self.samplesPerKind { report.samples.append("lost \(change)") }
        }
        report.found = committed.count - report.lost
        return report
    }

    /// The change a message carries; nil for DDL. A message of another shape is an error.
    static func rowChange(_ message: ConsumedMessage) throws -> RowChange? {
        guard let object = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
              let head = object["head"] as? [String: Any], let type = head["type"] as? String,
              let data = object["data"] as? [String: Any] else {
            throw CampaignError("message at partition \(message.partition) offset \(message.offset) is not a change message: \(message.valueText)")
        }
        guard let kind = RowChange.Kind(rawValue: type) else { return nil }
        guard let row = (kind == .delete ? data["old"] : data["new"]) as? [String: Any],
              let id = (row["id"] as? NSNumber)?.int64Value, let seq = (row["seq"] as? NSNumber)?.int32Value else {
            throw CampaignError("\(type) message at partition \(message.partition) offset \(message.offset) lacks id or seq: \(message.valueText)")
        }
        return RowChange(id: id, seq: seq, kind: kind)
    }
}
