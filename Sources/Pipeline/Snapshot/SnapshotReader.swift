import BinlogDecoder
import Foundation
import Logging
import MySQLSource
import Synchronization
import ThreadNames

/// Reads a pipeline's snapshot on a thread and a connection of its own: the included (or requested) tables
/// one after another, each in key chunks (the primary key, or a unique index on NOT NULL columns) bracketed
/// by watermarks (`SnapshotConnection`). A chunk is read
/// while the one before waits to go out, and handed over once that one is out (`exchange`), so that
/// memory holds two chunks at most whatever the table's size.
final class SnapshotReader: Sendable {
    private let configuration: SnapshotConfiguration
    private let pipeline: String
    private let source: SourceConfiguration
    private let filters: PipelineConfiguration.Filters
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        /// Whether the reading thread runs (a new snapshot waits until the cancelled one's thread ended).
        var running = false
        var cancelled = false
        var connection: SnapshotConnection?
        var progress: SnapshotProgress?
    }

    /// Where the snapshot stands; nil before it began.
    var progress: SnapshotProgress? { state.withLock { $0.progress } }

    private func publish(_ progress: SnapshotProgress) {
        state.withLock { state in
            if !state.cancelled { state.progress = progress }
        }
    }

    init(configuration: SnapshotConfiguration, pipeline: String, source: SourceConfiguration, filters: PipelineConfiguration.Filters,
         logger: Logger) {
        self.configuration = configuration
        self.pipeline = pipeline
        self.source = source
        self.filters = filters
        self.logger = logger
    }

    /// Starts reading at `cursor`; `onFailure` gets what ended the snapshot early.
    /// - Parameters:
    ///   - begin: called before a table's first chunk is read: the stream records its changes to it from then on.
    ///   - identify: called with the columns the table's chunks are read by, before the first chunk is read.
    ///   - schemaVersion: the stream's count of DDL statements on the table, read before its columns are.
    ///   - exchange: hands a chunk over once the one before is out (nil: only waits for that), and returns
    ///     the outcome of the one before (see `PipelineRunner.exchange`).
    /// Returns false, starting nothing, while the thread of a cancelled snapshot has not ended yet.
    @discardableResult
    ///   - onRefused: what ended a snapshot asked for through the signal table when the request itself was at
    ///     fault (its condition, a table without a usable key): the snapshot is over, the pipeline goes on.
    ///   - isPaused: whether the snapshot is paused (the reading thread waits before its next chunk).
    func start(at cursor: SnapshotCursor, begin: @escaping @Sendable (String) -> Void, identify: @escaping @Sendable ([String]) -> Void,
               schemaVersion: @escaping @Sendable () -> Int, isPaused: @escaping @Sendable () -> Bool,
               exchange: @escaping @Sendable (PendingChunk?) throws -> SnapshotWindow.Outcome, onFailure: @escaping @Sendable (String) -> Void,
               onRefused: @escaping @Sendable (String) -> Void) -> Bool {
        let starts = state.withLock { state -> Bool in
            guard !state.running else { return false }
            (state.running, state.stopping, state.cancelled, state.progress) = (true, false, false, nil)
            return true
        }
        guard starts else { return false }
        let thread = Thread { [self] in
            nameCurrentThread("binlogo-snap")
            do {
                try run(from: cursor, begin: begin, identify: identify, schemaVersion: schemaVersion, isPaused: isPaused, exchange: exchange)
            } catch {
                if isStopping {
                } else if cursor.chosenTables != nil, Self.isTheRequestsFault(error) {
                    state.withLock { state in
                        state.cancelled = true
                        state.progress = SnapshotProgress(state: "cancelled")
                    }
                    onRefused("snapshot: \(error)")
                } else {
                    onFailure("snapshot: \(error)")
                }
            }
            state.withLock { state in
                state.connection = nil
                state.running = false
            }
        }
        thread.start()
        return true
    }

    /// Ends the snapshot at its next chunk; a query in progress is cut short (the chunk is read again at the next start).
    func stop() {
        let connection = state.withLock { state -> SnapshotConnection? in
            state.stopping = true
            return state.connection
        }
        connection?.connection.interrupt()
    }

    /// Ends the snapshot for good (a cancel signal): as `stop`, and the progress says `cancelled`.
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            state.progress = SnapshotProgress(state: "cancelled")
        }
        stop()
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Whether the reading thread still runs.
    var isRunning: Bool { state.withLock { $0.running } }

    /// The chunk handed over and not yet known to be out: where it began, to read it again if refused.
    private struct Handed {
        var cursor: SnapshotCursor
        var beginsTable: Bool
        var beginsSnapshot: Bool
    }

    private func run(from start: SnapshotCursor, begin: (String) -> Void, identify: ([String]) -> Void, schemaVersion: () -> Int,
                     isPaused: () -> Bool,
                     exchange: (PendingChunk?) throws -> SnapshotWindow.Outcome) throws {
        var snapshot = try connect()
        state.withLock { $0.connection = snapshot }
        if isStopping { return }
        var start = start
        /// Whether the next chunk is the snapshot's very first (a snapshot whose first chunk went out before goes on).
        var beginsSnapshot = start.tables == nil
        if start.tables == nil {
            start = SnapshotCursor(tables: try start.chosenTables ?? includedTables(on: snapshot.connection), condition: start.condition,
                                   chosenTables: start.chosenTables)
            logger.info("snapshot begins", metadata: ["tables": "\(start.tables!.count)"])
        } else if !start.isDone {
            logger.info("snapshot goes on", metadata: ["at": "\(start)"])
        }
        var cursor = start
        if cursor.tables?.isEmpty == true, beginsSnapshot {
            // No table to read: the position records that the snapshot is done.
            guard try hand(PendingChunk(table: "", rows: nil, watermarks: .immediate, cursorAfter: cursor), exchange: exchange) else { return }
        }
        var progress = SnapshotProgressLog(logger: logger)
        var pace = SnapshotPace(rowsPerSecond: configuration.rowsPerSecond)
        while let table = cursor.tables?.first, !isStopping {
            let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
            // The stream counts DDL statements on the table from here, before its columns are read.
            begin(table)
            var version = schemaVersion()
            var reader: TableChunkReader
            do {
                reader = try chunkReader(parts, after: cursor.after, condition: cursor.condition, on: snapshot, identify: identify)
            } catch SnapshotError.noSuchTable {
                logger.warning("snapshot: the table was dropped before its snapshot; it has no rows to read", metadata: ["table": "\(table)"])
                guard try skipTable(table, cursor: &cursor, exchange: exchange) else { return }
                continue
            }
            let estimate = try estimatedRows(parts[0], parts[1], on: snapshot.connection)
            progress.beginTable(table, estimate: estimate, rowsBefore: cursor.rows ?? 0)
            publish(progress.progress(tablesLeft: Self.tablesAfterTheFirst(cursor), done: false))
            var beginsTable = cursor.after == nil
            var handed: Handed?
            var tableRead = false
            while !tableRead {
                var outcome: SnapshotWindow.Outcome
                var next = cursor
                if reader.isFinished {
                    // The table's last chunk is handed over: once it is out, the table is done.
                    outcome = try exchange(nil)
                    tableRead = outcome == .emitted
                } else {
                    if isPaused() {
                        var paused = progress.progress(tablesLeft: Self.tablesAfterTheFirst(cursor), done: false)
                        paused.state = "paused"
                        publish(paused)
                        logger.info("snapshot paused", metadata: ["table": "\(table)"])
                        while isPaused(), !isStopping { Thread.sleep(forTimeInterval: 0.1) }
                        if isStopping { return }
                        logger.info("snapshot resumed", metadata: ["table": "\(table)"])
                        publish(progress.progress(tablesLeft: Self.tablesAfterTheFirst(cursor), done: false))
                    }
                    let (rows, watermarks) = try readChunk(&reader, on: &snapshot, table: parts, condition: cursor.condition,
                                                           identify: identify)
                    if reader.isFinished {
                        next.tables!.removeFirst()
                        next.after = nil
                    } else {
                        next.after = reader.lastKey
                    }
                    var chunk = PendingChunk(table: table, rows: rows, watermarks: watermarks, cursorAfter: next)
                    chunk.beginsTable = beginsTable
                    chunk.estimatedRows = estimate
                    chunk.beginsSnapshot = beginsSnapshot
                    chunk.endsTable = reader.isFinished
                    chunk.endsSnapshot = next.isDone
                    chunk.schemaVersion = version
                    outcome = try exchange(chunk)
                    if outcome == .emitted {
                        handed = Handed(cursor: cursor, beginsTable: beginsTable, beginsSnapshot: beginsSnapshot)
                        (cursor, beginsTable, beginsSnapshot) = (next, false, false)
                        progress.read(rows?.rowCount ?? 0)
                        publish(progress.progress(tablesLeft: Self.tablesAfterTheFirst(cursor), done: false))
                        pace.wait(after: rows?.rowCount ?? 0, isStopping: { isStopping })
                    }
                }
                switch outcome {
                case .stopped, .waiting:
                    return
                case .emitted:
                    if isStopping { return }
                case .schemaChanged:
                    // A DDL statement on the table: the chunk before (and the one read after it) are read
                    // again, with the table's new columns.
                    logger.info("snapshot: the table's schema changed during a chunk; the chunk is read again with its new columns",
                                metadata: ["table": "\(table)"])
                    if let refused = handed {
                        (cursor, beginsTable, beginsSnapshot) = (refused.cursor, refused.beginsTable, refused.beginsSnapshot)
                    }
                    handed = nil
                    tableRead = false
                    version = schemaVersion()
                    do {
                        reader = try chunkReader(parts, after: cursor.after, condition: cursor.condition, on: snapshot, identify: identify)
                    } catch SnapshotError.noSuchTable {
                        logger.warning("snapshot: the table was dropped during its snapshot", metadata: ["table": "\(table)"])
                        guard try skipTable(table, cursor: &cursor, exchange: exchange) else { return }
                        tableRead = true
                    }
                }
            }
            progress.endTable()
        }
        if cursor.isDone {
            progress.finished()
            publish(progress.progress(tablesLeft: 0, done: true))
        }
    }

    /// A connection for the snapshot, with the pipeline's signal table for watermarks where it needs them.
    private func connect() throws -> SnapshotConnection {
        try SnapshotConnection(options: try source.resolvedConnection(),
                               signals: configuration.signalTable.map { SignalTable(name: $0, pipeline: pipeline) })
    }

    /// The chunk reader of the table `parts` (database, table) after the key `after`, its key told to the
    /// window (`identify`) before any chunk is read.
    private func chunkReader(_ parts: [String], after: [String]?, condition: String?, on snapshot: SnapshotConnection,
                             identify: ([String]) -> Void) throws -> TableChunkReader {
        let reader = try TableChunkReader(database: parts[0], table: parts[1], on: snapshot.connection, mariaDB: snapshot.isMariaDB,
                                          after: after, condition: condition)
        identify(reader.keyColumnNames)
        return reader
    }

    /// Reads `reader`'s next chunk. When the connection is lost (the server restarted, the connection was
    /// killed) it connects again, with the stream's reconnect policy, and reads the same chunk again after
    /// the same key; any other error ends the snapshot.
    private func readChunk(_ reader: inout TableChunkReader, on snapshot: inout SnapshotConnection, table parts: [String],
                           condition: String?, identify: ([String]) -> Void) throws -> (RowsEvent?, SnapshotConnection.Watermarks) {
        // Where this chunk starts: a read may move `lastKey` past its rows and then fail (at COMMIT, at the
        // watermark after it), which throws those rows away.
        let resumeKey = reader.lastKey
        var attempt = 0
        while true {
            do {
                if attempt > 0 {
                    snapshot = try connect()
                    state.withLock { $0.connection = snapshot }
                    reader = try chunkReader(parts, after: resumeKey, condition: condition, on: snapshot, identify: identify)
                    logger.info("snapshot: connected again", metadata: ["table": "\(parts.joined(separator: "."))", "attempts": "\(attempt)"])
                }
                return try snapshot.readChunk(reader, limit: configuration.chunkRows)
            } catch let error as MySQLError where Self.connectionLostCodes.contains(error.code) && !isStopping {
                attempt += 1
                if let maximum = source.reconnect.maximumAttempts, attempt > maximum { throw error }
                let delay = source.reconnect.delay(beforeAttempt: attempt)
                logger.warning("snapshot: the connection to the server was lost, connecting again", metadata: [
                    "error": "\(error)", "attempt": "\(attempt)", "delay_seconds": "\((delay * 100).rounded() / 100)"])
                let deadline = Date().addingTimeInterval(delay)
                while Date() < deadline, !isStopping { Thread.sleep(forTimeInterval: 0.05) }
                if isStopping { throw error }
            }
        }
    }

    /// Whether an error is the request's: a table without a usable key, or a condition the server refuses
    /// (syntax 1064, unknown or ambiguous column 1054/1052, no such function 1305, wrong arguments 1582/1583,
    /// mixed collations 1267, no privilege 1142/1143).
    private static func isTheRequestsFault(_ error: any Error) -> Bool {
        if case SnapshotError.noUsableKey = error { return true }
        guard let error = error as? MySQLError else { return false }
        return [1064, 1054, 1052, 1305, 1582, 1583, 1267, 1142, 1143].contains(error.code)
    }

    /// Errors that say the connection is gone rather than the query wrong: can't connect (2002, 2003),
    /// gone away or lost (2006, 2013, 2055), shutdown in progress (1053), killed (MariaDB 1927, MySQL 1317
    /// for an interrupted query), idle timeout (MySQL 4031).
    private static let connectionLostCodes: Set<UInt32> = [2002, 2003, 2006, 2013, 2055, 1053, 1927, 1317, 4031]

    /// The tables after the one being read, for the progress: none once the last table's last chunk moved
    /// the cursor past it.
    private static func tablesAfterTheFirst(_ cursor: SnapshotCursor) -> Int { max(0, (cursor.tables?.count ?? 1) - 1) }

    /// Moves the cursor past `table` (dropped before or during its snapshot) and hands that over; false
    /// when the pipeline stops.
    private func skipTable(_ table: String, cursor: inout SnapshotCursor,
                           exchange: (PendingChunk?) throws -> SnapshotWindow.Outcome) throws -> Bool {
        cursor.tables!.removeFirst()
        cursor.after = nil
        return try hand(PendingChunk(table: table, rows: nil, watermarks: .immediate, cursorAfter: cursor), exchange: exchange)
    }

    /// Hands over a chunk without rows (it only moves the cursor) and waits until it is out; false when
    /// the pipeline stops.
    private func hand(_ chunk: PendingChunk, exchange: (PendingChunk?) throws -> SnapshotWindow.Outcome) throws -> Bool {
        try exchange(chunk) != .stopped && exchange(nil) != .stopped
    }

    /// The base tables the pipeline's filters include, in name order; matched in any case where the server
    /// compares table names so (`lower_case_table_names` 1 or 2), as the stream's filter does.
    private func includedTables(on connection: MySQLConnection) throws -> [String] {
        let caseInsensitive = try connection.queryValue("SELECT @@lower_case_table_names").flatMap { Int($0) } ?? 0 != 0
        let filter = try ChangeFilter(include: filters.include, exclude: filters.exclude, tableNamesAreCaseInsensitive: caseInsensitive)
        let signalTable = caseInsensitive ? configuration.signalTable?.lowercased() : configuration.signalTable
        // (information_schema names tables as they are stored: in lower case under lower_case_table_names = 1.)
        return try connection.query("""
            SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
            WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
            ORDER BY TABLE_SCHEMA, TABLE_NAME
            """).compactMap { row in
            guard let database = row[0], let table = row[1] else { return nil }
            let name = "\(database).\(table)"
            // The signal table's rows are requests and watermarks, never data.
            return filter.passes(qualifiedName: name) && (caseInsensitive ? name.lowercased() : name) != signalTable ? name : nil
        }
    }

    /// The server's estimate of a table's rows (InnoDB's statistics: within tens of percent).
    private func estimatedRows(_ database: String, _ table: String, on connection: MySQLConnection) throws -> Int? {
        try connection.queryValue("""
            SELECT TABLE_ROWS FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = '\(SchemaCache.quote(database))' AND TABLE_NAME = '\(SchemaCache.quote(table))'
            """).flatMap { Int($0) }
    }
}
