import BinlogDecoder
import Foundation
import KafkaOutput
import Logging
import MySQLSource

/// The reading thread's own state after the transaction assembler: the filter, the commit marks and
/// the router. It turns the steps of one event into its outgoing messages, in order.
struct PipelineReader {
    var filter: ChangeFilter
    let router: ChangeRouter
    let metrics: PipelineMetrics
    let logger: Logger
    var marker = CommitMarker()
    /// Where a Kafka transaction may end, and the rows an earlier run published of a transaction resumed inside.
    var commitPoints: CommitPoints
    /// The snapshot's cursor and the chunk waiting for the stream (inactive without a snapshot).
    var snapshot = SnapshotWindow()
    /// The signal table (`database.table`) whose inserted rows are requests to this pipeline, never published.
    var signalTable: String?
    /// The pipeline's name, as signal rows address it.
    var pipelineName = ""
    /// Requests read from the signal table and not yet acted on (`takeSignals`).
    private var signals: [SnapshotSignal] = []
    /// Tables whose partial JSON updates came without the old document, already named in the log.
    private var tablesWithUnappliedJSONDiffs: Set<String> = []
    /// Whether the server compares table names in any case (`lower_case_table_names` 1 or 2).
    private(set) var tableNamesAreCaseInsensitive = false
    /// Whether it also stores them in lower case, as its binlog then names them (`lower_case_table_names` 1).
    private var tableNamesAreLowerCase = false

    init(filter: ChangeFilter, router: ChangeRouter, metrics: PipelineMetrics, logger: Logger,
         commitPoints: CommitPoints = CommitPoints(resumingAt: nil, tracking: false)) {
        self.commitPoints = commitPoints
        self.filter = filter
        self.router = router
        self.metrics = metrics
        self.logger = logger
    }

    /// Takes the server's rule on table names, as it told the source's preflight (`lower_case_table_names`):
    /// with 1 or 2, the filter's patterns, topic overrides, excluded columns and the signal table match
    /// names in any case, as the server's own statements do.
    mutating func adoptTableNameRule(lowerCaseTableNames: Int) throws {
        guard lowerCaseTableNames != 0, !tableNamesAreCaseInsensitive else { return }
        tableNamesAreCaseInsensitive = true
        tableNamesAreLowerCase = lowerCaseTableNames == 1
        filter = try ChangeFilter(include: filter.include, exclude: filter.exclude, types: filter.types, tableNamesAreCaseInsensitive: true)
        router.matchTableNamesInAnyCase()
    }

    /// `name` (`database.table`) as the server's binlog names it, where the server's rule says (in lower
    /// case under `lower_case_table_names` = 1); else as given.
    func canonicalTableName(_ name: String) -> String {
        tableNamesAreLowerCase ? name.lowercased() : name
    }

    /// Whether `name` is the signal table's, compared as the server compares table names.
    func isSignalTable(_ name: String) -> Bool {
        guard let signalTable else { return false }
        return tableNamesAreCaseInsensitive ? name.lowercased() == signalTable.lowercased() : name == signalTable
    }

    /// The messages of one event's steps, each with a token from `token()`.
    mutating func messages(for steps: TransactionSteps, token: () -> UInt64) throws -> [OutgoingMessage] {
        var batch: [OutgoingMessage] = []
        let (router, metrics) = (router, metrics)
        var progress = commitPoints.rows
        defer { commitPoints.rows = progress }
        // A local function, not a closure value: it captures `batch` without a heap box.
        func emit(_ change: Change) throws {
            if progress.isActive, progress.skips(change) { return }
            let first = batch.count
            try router.messages(for: change, token: token, into: &batch)
            for message in batch[first...] { metrics.sent(table: change.qualifiedTable, bytes: message.value.count) }
        }
        try steps.forEach { step in
            switch step {
            case .none:
                break
            case let .rows(event, context):
                try rows(event, context: context, emit: emit)
            case let .release(held):
                for rows in held { try self.rows(rows.event, context: rows.context, emit: emit) }
            case let .commitHeld(held, end):
                for rows in held { try self.rows(rows.event, context: rows.context, emit: emit) }
                try marker.commit(end, emit: emit)
            case let .commit(end):
                try marker.commit(end, emit: emit)
            case let .schemaChange(change, context):
                metrics.read.increment()
                if snapshot.table != nil { snapshot.observe(change) }
                if filter.passes(change) {
                    try marker.schemaChange(change, context: context, emit: emit)
                } else {
                    metrics.filtered.increment()
                }
            case let .rolledBackAfterPublishing(rollback):
                marker.discard()
                metrics.rolledBackAfterPublishing.increment()
                logger.error("rows of a rolled-back transaction were published", metadata: ["detail": "\(rollback)"])
            case let .unresolvedXACommit(xid, file, position):
                logger.warning("XA COMMIT of a transaction prepared before this pipeline's start position: its rows were never read and are not published",
                               metadata: ["xid": "\(xid)", "position": "\(file):\(position)"])
            }
        }
        return batch
    }

    private mutating func rows(_ event: RowsEvent, context: TransactionContext, emit: (Change) throws -> Void) throws {
        metrics.read.increment(by: Int64(event.rowCount))
        if isSignalTable(event.table.qualifiedName) {
            let (signals, refused) = try SnapshotSignal.signals(in: event, for: pipelineName)
            for reason in refused { logger.warning("signal refused", metadata: ["reason": "\(reason)"]) }
            for signal in signals {
                // A chunk's watermark row: where it stands in the binlog is what the window needs, in stream order.
                if signal.action == .watermark {
                    snapshot.watermarkFound(signal.tables[0], at: BinlogPoint(file: event.binlogFile, position: event.position))
                } else {
                    self.signals.append(signal)
                }
            }
            return
        }
        if snapshot.table != nil { try snapshot.observe(event, gtid: context.gtid) }
        guard filter.passes(event) else {
            metrics.filtered.increment(by: Int64(event.rowCount))
            return
        }
        if !event.unappliedJSONDiffs.isEmpty, tablesWithUnappliedJSONDiffs.insert(event.table.qualifiedName).inserted {
            logger.warning("partial JSON updates without the old document (binlog_row_image is not FULL): their messages carry the changes in data.json_diffs instead of the new value; for whole documents run SET PERSIST binlog_row_image = 'FULL'",
                           metadata: ["table": "\(event.table.qualifiedName)", "position": "\(event.binlogFile):\(event.position)"])
        }
        try marker.rows(event, 0..<event.rowCount, context: context, emit: emit)
    }

    /// The requests read from the signal table since the last call, oldest first.
    mutating func takeSignals() -> [SnapshotSignal] {
        guard !signals.isEmpty else { return [] }
        defer { signals.removeAll() }
        return signals
    }

    /// The pending chunk's rows that the stream did not change inside its window, as `read` messages (one
    /// transaction of their own) between the table's markers, appended to `batch`; the cursor moves past the chunk.
    mutating func emitPendingChunk(token: () -> UInt64, into batch: inout [OutgoingMessage]) throws {
        guard let chunk = snapshot.takePending() else { return }
        let timestamp = UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))
        let parts = chunk.table.split(separator: ".", maxSplits: 1).map(String.init)
        func marker(_ kind: SnapshotMarker.Kind, boundary: Bool) {
            guard parts.count == 2 else { return }
            let marker = SnapshotMarker(kind: kind, database: parts[0], table: parts[1], estimatedRows: chunk.estimatedRows,
                                        rows: snapshot.rowsOfTable, isSnapshotBoundary: boundary,
                                        binlogFile: chunk.watermarks.high.file, position: chunk.watermarks.high.position)
            if let message = router.markerMessage(marker, timestamp: timestamp, token: token) { batch.append(message) }
        }
        if chunk.beginsTable {
            snapshot.rowsOfTable = 0
            marker(.start, boundary: chunk.beginsSnapshot)
        }
        if let rows = chunk.rows {
            let kept = chunk.keeps.indices.filter { chunk.keeps[$0] }
            for (index, row) in kept.enumerated() {
                let placement = ChangeMessageEncoder.RowPlacement(gtid: "", rowInTransaction: index + 1, xid: nil,
                                                                  isLastInTransaction: index == kept.count - 1,
                                                                  timestamp: timestamp, serverID: 0)
                let first = batch.count
                try router.messages(for: .row(rows, row: row, placement: placement), token: token, into: &batch)
                for message in batch[first...] { metrics.sent(table: rows.table.qualifiedName, bytes: message.value.count) }
            }
            snapshot.rowsOfTable += kept.count
            metrics.snapshotRows.increment(by: Int64(kept.count))
        }
        if chunk.endsTable { marker(.end, boundary: chunk.endsSnapshot) }
        // The count goes with the cursor while it stays inside the table.
        let insideTable = !chunk.endsTable && (chunk.rows != nil || chunk.beginsTable)
        snapshot.cursor?.rows = insideTable ? snapshot.rowsOfTable : nil
    }
}
