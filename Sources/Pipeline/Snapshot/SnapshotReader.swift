import BinlogDecoder
import Foundation
import Logging
import MySQLSource
import Synchronization
import ThreadNames

/// Reads a pipeline's snapshot on a thread and a connection of its own: the included tables one after
/// another, each in primary-key chunks bracketed by watermarks (`SnapshotConnection`), each chunk handed
/// to the reading thread (`offer`, which returns once the chunk went out) before the next is read, so
/// that memory holds one chunk whatever the table's size.
final class SnapshotReader: Sendable {
    private let configuration: SnapshotConfiguration
    private let source: SourceConfiguration
    private let filters: PipelineConfiguration.Filters
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var connection: SnapshotConnection?
    }

    init(configuration: SnapshotConfiguration, source: SourceConfiguration, filters: PipelineConfiguration.Filters, logger: Logger) {
        self.configuration = configuration
        self.source = source
        self.filters = filters
        self.logger = logger
    }

    /// Starts reading at `cursor`. `offer` hands a chunk to the stream and returns once it went out (or the
    /// pipeline stops); `onFailure` gets what ended the snapshot early.
    /// - Parameter begin: called before a table's first chunk is read: the stream records its changes to it from then on.
    func start(at cursor: SnapshotCursor, begin: @escaping @Sendable (String) -> Void, offer: @escaping @Sendable (PendingChunk) throws -> Void,
               onFailure: @escaping @Sendable (String) -> Void) {
        let thread = Thread { [self] in
            nameCurrentThread("binlogo-snap")
            do {
                try run(from: cursor, begin: begin, offer: offer)
            } catch {
                if !isStopping { onFailure("snapshot: \(error)") }
            }
            state.withLock { $0.connection = nil }
        }
        thread.start()
    }

    /// Ends the snapshot at its next chunk; a query in progress is cut short (the chunk is read again at the next start).
    func stop() {
        let connection = state.withLock { state -> SnapshotConnection? in
            state.stopping = true
            return state.connection
        }
        connection?.connection.interrupt()
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    private func run(from start: SnapshotCursor, begin: (String) -> Void, offer: (PendingChunk) throws -> Void) throws {
        let snapshot = try SnapshotConnection(options: try source.resolvedConnection())
        state.withLock { $0.connection = snapshot }
        if isStopping { return }
        var start = start
        /// Whether the next chunk is the snapshot's very first (a snapshot whose first chunk went out before goes on).
        var beginsSnapshot = start.tables == nil
        if start.tables == nil {
            start = SnapshotCursor(tables: try includedTables(on: snapshot.connection))
            logger.info("snapshot begins", metadata: ["tables": "\(start.tables!.count)"])
        } else if !start.isDone {
            logger.info("snapshot goes on", metadata: ["at": "\(start)"])
        }
        var cursor = start
        if cursor.tables?.isEmpty == true, beginsSnapshot {
            // No table to read: the position records that the snapshot is done.
            try offer(try PendingChunk(table: "", rows: nil, watermarks: .immediate, cursorAfter: cursor))
        }
        var progress = SnapshotProgressLog(logger: logger)
        var pace = SnapshotPace(rowsPerSecond: configuration.rowsPerSecond)
        while let table = cursor.tables?.first, !isStopping {
            let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
            let reader: TableChunkReader
            do {
                reader = try TableChunkReader(database: parts[0], table: parts[1], on: snapshot.connection,
                                              mariaDB: snapshot.isMariaDB, after: cursor.after)
            } catch SnapshotError.noSuchTable {
                logger.warning("snapshot: the table was dropped before its snapshot; it has no rows to read", metadata: ["table": "\(table)"])
                cursor.tables!.removeFirst()
                cursor.after = nil
                try offer(try PendingChunk(table: table, rows: nil, watermarks: .immediate, cursorAfter: cursor))
                continue
            }
            let estimate = try estimatedRows(parts[0], parts[1], on: snapshot.connection)
            progress.beginTable(table, estimate: estimate)
            begin(table)
            var firstChunk = cursor.after == nil
            repeat {
                let (rows, watermarks) = try snapshot.readChunk(reader, limit: configuration.chunkRows)
                var next = cursor
                if reader.isFinished {
                    next.tables!.removeFirst()
                    next.after = nil
                } else {
                    next.after = reader.lastKey
                }
                var chunk = try PendingChunk(table: table, rows: rows, watermarks: watermarks, cursorAfter: next)
                chunk.beginsTable = firstChunk
                chunk.estimatedRows = estimate
                chunk.beginsSnapshot = beginsSnapshot
                beginsSnapshot = false
                chunk.endsTable = reader.isFinished
                chunk.endsSnapshot = next.isDone
                firstChunk = false
                try offer(chunk)
                if isStopping { return }
                cursor = next
                progress.read(rows?.rowCount ?? 0)
                pace.wait(after: rows?.rowCount ?? 0, isStopping: { isStopping })
            } while !reader.isFinished
            progress.endTable()
        }
        if cursor.isDone { progress.finished() }
    }

    /// The base tables the pipeline's filters include, in name order.
    private func includedTables(on connection: MySQLConnection) throws -> [String] {
        let filter = try ChangeFilter(include: filters.include, exclude: filters.exclude)
        return try connection.query("""
            SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
            WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
            ORDER BY TABLE_SCHEMA, TABLE_NAME
            """).compactMap { row in
            guard let database = row[0], let table = row[1] else { return nil }
            let name = "\(database).\(table)"
            return filter.passes(qualifiedName: name) ? name : nil
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
