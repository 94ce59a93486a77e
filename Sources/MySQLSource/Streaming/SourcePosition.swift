/// A place in the server's binlog: the file and the byte offset of the next event to read,
/// with the GTID of the last transaction completed before it and, on MySQL with `gtid_mode=ON`,
/// every transaction completed up to it as a GTID set.
///
/// On MySQL a position with a GTID set resumes by that set (COM_BINLOG_DUMP_GTID), which also holds
/// after a failover to another server of the same replication topology; `file` and `position` then
/// only say where reading stood. Without a set (MariaDB; MySQL with GTIDs off, or right after a start
/// at a FILE:POSITION inside a file, until the next binlog file begins) it resumes at file and position.
public struct SourcePosition: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var position: UInt32
    /// The GTID of the last complete transaction before `position` (MariaDB `d-s-n` or MySQL `uuid:n`), if known.
    public var gtid: String?
    /// MySQL: every transaction complete before `position` (the dump's starting set plus the transactions
    /// read since), if known.
    public var gtidSet: MySQLGTIDSet?
    /// Set when a transaction was published in parts (the `exactly_once` profile splits one too large for a
    /// Kafka transaction): the transaction that begins at this position had its first rows, up to this
    /// row number (1-based, every row counted, filtered or not), published already; reading it again
    /// skips them.
    public var transactionRowsDone: Int?
    /// The snapshot's progress, while a snapshot is configured: the stream and the snapshot resume together.
    public var snapshot: SnapshotCursor?

    public init(file: String, position: UInt32, gtid: String? = nil, gtidSet: MySQLGTIDSet? = nil,
                transactionRowsDone: Int? = nil, snapshot: SnapshotCursor? = nil) {
        self.file = file
        self.position = position
        self.gtid = gtid
        self.gtidSet = gtidSet
        self.transactionRowsDone = transactionRowsDone
        self.snapshot = snapshot
    }

    enum CodingKeys: String, CodingKey {
        case file, position, gtid, snapshot
        case gtidSet = "gtid_set"
        case transactionRowsDone = "transaction_rows_done"
    }

    /// Whether reading the binlog from here reads past `point` (a position between two transactions).
    public func hasReached(_ point: BinlogPoint) -> Bool {
        BinlogPoint(file: file, position: UInt64(position)) >= point
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        position = try container.decode(UInt32.self, forKey: .position)
        gtid = try container.decodeIfPresent(String.self, forKey: .gtid)
        if let text = try container.decodeIfPresent(String.self, forKey: .gtidSet) {
            do {
                gtidSet = try MySQLGTIDSet(parsing: text)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .gtidSet, in: container, debugDescription: error.description)
            }
        }
        transactionRowsDone = try container.decodeIfPresent(Int.self, forKey: .transactionRowsDone)
        snapshot = try container.decodeIfPresent(SnapshotCursor.self, forKey: .snapshot)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(position, forKey: .position)
        try container.encodeIfPresent(gtid, forKey: .gtid)
        try container.encodeIfPresent(gtidSet?.description, forKey: .gtidSet)
        try container.encodeIfPresent(transactionRowsDone, forKey: .transactionRowsDone)
        try container.encodeIfPresent(snapshot, forKey: .snapshot)
    }

    public var description: String {
        let inside = (transactionRowsDone.map { ", \($0) rows into the transaction that begins there" } ?? "")
            + (snapshot.map { "; \($0)" } ?? "")
        if file.isEmpty, let gtidSet { return "gtid set \(gtidSet)\(inside)" }
        if file.isEmpty, let gtid { return "gtid \(gtid)\(inside)" }
        return "\(file):\(position)" + (gtid.map { " (gtid \($0))" } ?? "") + inside
    }
}
