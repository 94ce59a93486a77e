import BinlogDecoder
import Foundation

/// The connection a snapshot reads tables on, and how it brackets each chunk in the binlog so that the
/// stream can tell which of its changes are newer than the chunk's rows (the DBLog method):
///
/// - MariaDB: the chunk is read in a `START TRANSACTION WITH CONSISTENT SNAPSHOT`, whose exact binlog
///   point `binlog_snapshot_file`/`binlog_snapshot_position` give, without a lock. Stream changes after
///   that point are newer; the chunk goes out when the stream reaches it.
/// - MySQL (GTIDs on): `gtid_executed` read before the SELECT (a transaction is in it only once its rows
///   are committed, so every later one may be newer than the chunk), and the binlog position read after
///   it: once the stream is there, every transaction the SELECT could have seen has been read.
/// - MySQL without GTIDs, given the pipeline's signal table: a row inserted there before the SELECT and
///   one after it (`watermark`, `low:ID` and `high:ID`). MySQL commits in binlog order, so a transaction
///   logged before the low row was committed before the SELECT began (the chunk has its rows), and one the
///   SELECT may have seen is logged before the high row. The stream finds both rows in the binlog, and
///   with them the chunk's points (`Watermarks.resolving`). The two rows are deleted again at once.
///
/// One thread reads with it; another may only `interrupt()` its connection (hence `@unchecked Sendable`).
public final class SnapshotConnection: @unchecked Sendable {
    public let connection: MySQLConnection
    public let isMariaDB: Bool
    private let statusStatement: String
    /// Where chunks are bracketed by rows (MySQL without GTIDs); nil otherwise.
    private let watermarkTable: SignalTable?
    private let user: String

    /// - Parameter signals: the pipeline's signal table, if it has one: on MySQL without GTIDs the chunks
    ///   are bracketed by rows written there (the user needs INSERT and DELETE on it).
    public init(options: MySQLConnectionOptions, signals: SignalTable? = nil) throws {
        connection = try MySQLConnection(options)
        user = options.user
        let version = try MySQLServerVersion(of: connection)
        isMariaDB = version.isMariaDB
        statusStatement = version.binlogStatusStatement
        if !isMariaDB, try connection.queryValue("SELECT @@global.gtid_mode") != "ON" {
            guard let signals else { throw SnapshotError.needsGTIDs }
            // The watermark rows bracket a chunk only if commits reach the binlog in the order they happen,
            // and each row is committed on its own.
            if try connection.queryValue("SELECT @@global.binlog_order_commits") == "0" { throw SnapshotError.unorderedCommits }
            try connection.execute("SET SESSION autocommit = 1")
            watermarkTable = signals
        } else {
            watermarkTable = nil
        }
        try TableChunkReader.prepareSession(connection)
    }

    /// Where the stream's changes become newer than a chunk's rows, and where the chunk may be emitted.
    public struct Watermarks: Sendable {
        public enum Low: Sendable {
            /// Changes at or after this binlog point (MariaDB: the consistent snapshot's exact point).
            case point(BinlogPoint)
            /// Transactions whose GTID is not in this set (MySQL: `gtid_executed` before the SELECT).
            case executed(MySQLGTIDSet)
            /// The signal-table row of this id, not yet found by the stream: every change the stream has
            /// read so far is logged before it, so none is newer.
            case signalled(String)
        }

        public var low: Low
        /// The chunk may be emitted once the stream has read up to here: by the GTID set when the stream
        /// keeps one (a dump by GTIDs reports no file position until an event comes), else by the position.
        public var high: BinlogPoint
        public var highGTIDs: MySQLGTIDSet?
        /// The id of the signal-table row that is the high watermark, until the stream finds it.
        public var highSignal: String?

        public init(low: Low, high: BinlogPoint, highGTIDs: MySQLGTIDSet? = nil, highSignal: String? = nil) {
            self.low = low
            self.high = high
            self.highGTIDs = highGTIDs
            self.highSignal = highSignal
        }

        /// Whether a stream that stands at `position` has read everything the chunk may have seen.
        public func isReached(by position: SourcePosition) -> Bool {
            if highSignal != nil { return false }
            if let highGTIDs, let read = position.gtidSet { return read.contains(highGTIDs) }
            return position.hasReached(high)
        }

        /// Whether the stream's finding the signal-table row `id` settles a watermark of these.
        public func awaits(_ id: String) -> Bool {
            if case .signalled(id) = low { return true }
            return highSignal == id
        }

        /// The watermarks once the stream found the signal-table row `id` at `point`.
        public func resolving(_ id: String, at point: BinlogPoint) -> Watermarks {
            var resolved = self
            if case .signalled(id) = low { resolved.low = .point(point) }
            if highSignal == id { (resolved.high, resolved.highSignal) = (point, nil) }
            return resolved
        }

        /// For a chunk without rows (it only moves the cursor): it may go out at once.
        public static let immediate = Watermarks(low: .point(BinlogPoint(file: "", position: .max)), high: BinlogPoint(file: "", position: 0))

        /// Whether a change of the transaction `gtid` in the event at `file:position` may be newer than the chunk.
        public func isNewer(file: String, position: UInt64, gtid: String) -> Bool {
            switch low {
            case .signalled: return false
            case .point(let point): return BinlogPoint(file: file, position: position) >= point
            case .executed(let set):
                guard let (uuid, tag, number) = Self.parse(gtid) else { return true }
                return !set.contains(uuid: uuid, tag: tag, number: number)
            }
        }

        /// `uuid:n` or `uuid:tag:n`.
        private static func parse(_ gtid: String) -> (String, String, Int64)? {
            let parts = gtid.split(separator: ":")
            guard parts.count >= 2, let number = Int64(parts[parts.count - 1]) else { return nil }
            return (String(parts[0]), parts.count == 3 ? String(parts[1]) : "", number)
        }
    }

    /// Reads `reader`'s next chunk of at most `limit` rows with its watermarks; the event is nil when the
    /// table has no more rows.
    public func readChunk(_ reader: TableChunkReader, limit: Int) throws -> (RowsEvent?, Watermarks) {
        if isMariaDB {
            try connection.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
            do {
                var file = "", position: UInt64 = 0
                for row in try connection.query("SHOW STATUS LIKE 'binlog_snapshot_%'") {
                    if row[0]?.lowercased() == "binlog_snapshot_file" { file = row[1] ?? "" }
                    if row[0]?.lowercased() == "binlog_snapshot_position" { position = UInt64(row[1] ?? "") ?? 0 }
                }
                let point = BinlogPoint(file: file, position: position)
                let event = try reader.readChunk(limit: limit, on: connection, binlogFile: point.file, position: point.position)
                try connection.execute("COMMIT")
                return (event, Watermarks(low: .point(point), high: point))
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
        if let watermarkTable { return try readChunk(reader, limit: limit, bracketedIn: watermarkTable) }
        let executed = try MySQLGTIDSet(parsing: try connection.queryValue("SELECT @@global.gtid_executed") ?? "")
        let event = try reader.readChunk(limit: limit, on: connection)
        // The position and the executed set of the same moment (the statement's last column).
        guard let status = try connection.query(statusStatement).first, let file = status[0] ?? nil,
              let position = status[1].flatMap({ UInt64($0) }) else {
            throw SnapshotError.noBinlogStatus(statusStatement)
        }
        let highGTIDs = try MySQLGTIDSet(parsing: (status.last ?? nil) ?? "")
        return (event, Watermarks(low: .executed(executed), high: BinlogPoint(file: file, position: position), highGTIDs: highGTIDs))
    }

    /// A chunk between two rows written to the signal table (MySQL without GTIDs), each committed on its own.
    private func readChunk(_ reader: TableChunkReader, limit: Int, bracketedIn table: SignalTable) throws -> (RowsEvent?, Watermarks) {
        let id = UUID().uuidString.lowercased()
        let (low, high) = ("low:\(id)", "high:\(id)")
        let pipeline = SignalTable.textLiteral(table.pipeline)
        func write(_ sql: String) throws {
            do {
                try connection.execute(sql)
            } catch where error.code == 1146 {
                throw SnapshotError.noSignalTable(table.name)
            } catch where error.code == 1142 {
                throw SnapshotError.signalTableNotWritable(table.name, user: user)
            }
        }
        /// Inserts a watermark row; returns its id (from `SignalTable.createStatement`'s AUTO_INCREMENT).
        func insert(_ mark: String) throws -> UInt64 {
            try write("INSERT INTO \(table.quotedName) (pipeline, action, tables) VALUES (\(pipeline), '\(SignalTable.watermarkAction)', '\(mark)')")
            return connection.lastInsertID
        }
        let lowID = try insert(low)
        let event = try reader.readChunk(limit: limit, on: connection)
        let highID = try insert(high)
        // By primary key: the table may hold many requests, and its other columns have no index.
        try write("DELETE FROM \(table.quotedName) WHERE id IN (\(lowID), \(highID))")
        return (event, Watermarks(low: .signalled(low), high: BinlogPoint(file: "", position: .max), highSignal: high))
    }
}
