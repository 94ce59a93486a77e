import BinlogDecoder
import Foundation
import MySQLSource

/// A request read from the pipeline's signal table (`snapshot.signal_table`): a row inserted there on
/// the source reaches every pipeline reading that server through the binlog itself, in order with the
/// changes around it. Signal rows are never published.
///
/// The table's columns (`binlogo snapshot start` writes them; any client may):
///
///     CREATE TABLE binlogo.signals (
///       id BIGINT AUTO_INCREMENT PRIMARY KEY,
///       pipeline VARCHAR(255) NOT NULL,   -- the pipeline's name, or * for every pipeline
///       action VARCHAR(32) NOT NULL,      -- snapshot, cancel, pause or resume
///       tables TEXT NULL,                 -- database.table, comma-separated (snapshot)
///       `condition` TEXT NULL,            -- SQL the rows must meet, e.g. id > 1000 (snapshot)
///       created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))
public struct SnapshotSignal: Sendable, Equatable {
    enum Action: String, Sendable {
        /// Read the rows of `tables` (meeting `condition`) while the stream goes on.
        case snapshot
        /// End the snapshot in progress where it stands.
        case cancel
        /// Hold the snapshot in progress before its next chunk (kept across restarts), and go on again.
        case pause, resume
        /// Brackets a snapshot chunk in the binlog (MySQL without GTIDs); `tables` holds its id, `low:…` or `high:…`.
        case watermark
    }

    var action: Action
    var tables: [String]
    var condition: String?
    /// Where the signal was read, for the log.
    var binlogFile: String
    var position: UInt64

    /// The SQL that creates the signal table `name` (`database.table`), for error messages and the docs.
    public static func createTable(_ name: String) -> String { SignalTable.createStatement(name) }

    /// The signals for `pipeline` among the rows `event` inserted into the signal table. A row that is not
    /// a valid request is returned in `refused` with the reason, to be logged; rows for other pipelines,
    /// updates and deletes are none.
    static func signals(in event: RowsEvent, for pipeline: String) throws -> (signals: [SnapshotSignal], refused: [String]) {
        guard event.kind == .insert else { return ([], []) }
        var columns: [String: Int] = [:]
        for index in event.table.columns.indices { columns[event.table.columnName(index)] = index }
        var signals: [SnapshotSignal] = [], refused: [String] = []
        let writer = JSONWriter(capacity: 256)
        for row in 0..<event.rowCount {
            func text(_ name: String) throws -> String? {
                guard let column = columns[name] else { return nil }
                writer.reset()
                writer.byte(UInt8(ascii: "["))
                guard try event.writeValue(row: row, image: .after, column: column, to: writer) else { return nil }
                writer.byte(UInt8(ascii: "]"))
                let value = (try? JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [Any])?.first
                return value as? String
            }
            let target = try text("pipeline")
            guard target == pipeline || target == "*" else { continue }
            let origin = "\(event.table.qualifiedName) row \(row + 1) at \(event.binlogFile):\(event.position)"
            guard let actionText = try text("action"), let action = Action(rawValue: actionText.lowercased()) else {
                refused.append("\(origin): action \(try text("action") ?? "NULL") is not snapshot, cancel, pause, resume or watermark")
                continue
            }
            if action == .watermark {
                signals.append(SnapshotSignal(action: .watermark, tables: [try text("tables") ?? ""], condition: nil,
                                              binlogFile: event.binlogFile, position: event.position))
                continue
            }
            let tables = (try text("tables") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if action == .snapshot {
                if tables.isEmpty {
                    refused.append("\(origin): a snapshot signal names no tables (tables = 'database.table,…')")
                    continue
                }
                if let bad = tables.first(where: { $0.split(separator: ".", omittingEmptySubsequences: false).count != 2 }) {
                    refused.append("\(origin): \(bad) is not database.table")
                    continue
                }
            }
            let condition = try text("condition").flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
            if let condition, let problem = SnapshotCondition.problem(condition) {
                refused.append("\(origin): \(problem): \(condition)")
                continue
            }
            signals.append(SnapshotSignal(action: action, tables: tables, condition: condition,
                                          binlogFile: event.binlogFile, position: event.position))
        }
        return (signals, refused)
    }
}
