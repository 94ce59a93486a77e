/// A decoded binlog event.
public enum BinlogEvent: Sendable {
    case formatDescription(FormatDescription)
    /// The next events come from `file`, starting at `position` (a real ROTATE at the end of a file, or the dump's fake one).
    case rotate(file: String, position: UInt64)
    /// BEGIN, COMMIT, a DDL statement, or other SQL the server logged as text.
    case query(QueryEvent)
    /// The commit of a transaction on a transactional engine.
    case xid(UInt64)
    /// XA_PREPARE_LOG_EVENT: the XA transaction read so far is prepared (its outcome comes later, in an
    /// `XA COMMIT` or `XA ROLLBACK` statement), or committed at once with `XA COMMIT … ONE PHASE` (MySQL).
    case xaPrepare(XAPrepare)
    /// MariaDB's GTID event, which starts a transaction (`domain-server-sequence`).
    case mariaDBGTID(MariaDBGTID)
    /// MySQL's GTID (or ANONYMOUS_GTID) event, which starts a transaction.
    case mysqlGTID(MySQLGTID)
    /// The GTID state at the start of a binlog file: MariaDB's GTID_LIST or MySQL's PREVIOUS_GTIDS, as text.
    case gtidState(String)
    case tableMap(TableMap)
    case rows(RowsEvent)
    /// The statement behind the next rows events (MariaDB ANNOTATE_ROWS, MySQL ROWS_QUERY).
    case rowsQuery(String)
    case heartbeat
    case stop
    /// INCIDENT_EVENT: something out of the ordinary happened on the server, and changes may be missing
    /// from the binlog here (number 1 is LOST_EVENTS); a replica stops at it.
    case incident(number: UInt16, message: String)
    /// TRANSACTION_PAYLOAD_EVENT (MySQL 8.0.20+, `binlog_transaction_compression`): a whole transaction's
    /// events after its GTID event, compressed. `BinlogDecoder.nextPayloadEvent()` hands out the events
    /// inside it; `BinlogDecoder.decodeEach` hands them on in its place.
    case transactionPayload(TransactionPayload)
    /// An event with no bearing on row changes (INTVAR, RAND, USER_VAR, BINLOG_CHECKPOINT, ignorable events, …).
    case other(type: UInt8)
}

/// A decoded event with its header and its place in the binlog.
public struct DecodedEvent: Sendable {
    public let header: EventHeader
    public let binlogFile: String
    /// Byte offset of the event's start in its file (0 for artificial events).
    public let position: UInt64
    public let event: BinlogEvent
}

public struct QueryEvent: Sendable, Equatable {
    public var database: String
    public var statement: String
    public var errorCode: UInt16

    public var isBegin: Bool { statement == "BEGIN" }
    public var isCommit: Bool { statement == "COMMIT" }
    public var isRollback: Bool { statement == "ROLLBACK" }
}

public struct MariaDBGTID: Sendable, Equatable, CustomStringConvertible {
    public var domainID: UInt32
    public var serverID: UInt32
    public var sequence: UInt64
    public var flags: UInt8

    /// FL_STANDALONE: a statement without BEGIN/COMMIT (DDL), no XID follows.
    public var isStandalone: Bool { flags & 0x01 != 0 }
    /// FL_PREPARED_XA: the group is an XA transaction's work, ended by XA_PREPARE_LOG_EVENT (MariaDB 10.5+
    /// writes no `XA START` statement; this flag is the transaction's start).
    public var startsPreparedXA: Bool { flags & 0x40 != 0 }
    public var description: String { "\(domainID)-\(serverID)-\(sequence)" }
}

/// A MySQL GTID: GTID_LOG_EVENT's `uuid:N`, ANONYMOUS_GTID_LOG_EVENT's, or GTID_TAGGED_LOG_EVENT's
/// `uuid:tag:N` (MySQL 8.3+, `SET gtid_next='AUTOMATIC:tag'`), each the start of a transaction.
public struct MySQLGTID: Sendable, Equatable, CustomStringConvertible {
    /// The source server's UUID as 16 bytes; all zero for an anonymous transaction.
    public var sourceID: [UInt8]
    public var transactionNumber: Int64
    /// The transaction's tag (lower case, as the server stores it), or nil for an untagged GTID.
    public var tag: String?

    public init(sourceID: [UInt8], transactionNumber: Int64, tag: String? = nil) {
        self.sourceID = sourceID
        self.transactionNumber = transactionNumber
        self.tag = tag
    }

    public var isAnonymous: Bool { sourceID.allSatisfy { $0 == 0 } }
    /// As the server writes it: `uuid:N`, or `uuid:tag:N` for a tagged transaction.
    public var description: String {
        if isAnonymous { return "ANONYMOUS" }
        if let tag { return "\(MySQLGTID.uuidText(sourceID)):\(tag):\(transactionNumber)" }
        return "\(MySQLGTID.uuidText(sourceID)):\(transactionNumber)"
    }

    /// The 16 bytes of a UUID as MySQL writes it, lower case: `3e11fa47-71ca-11e1-9e33-c80aa9429562`.
    /// One buffer, no string per byte: it runs once per transaction on MySQL.
    public static func uuidText(_ bytes: [UInt8]) -> String {
        var text = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var index = 0
        for position in 0..<min(bytes.count, 16) {
            if position == 4 || position == 6 || position == 8 || position == 10 { index += 1 }
            text[index] = hexDigit(bytes[position] >> 4)
            text[index + 1] = hexDigit(bytes[position] & 0x0f)
            index += 2
        }
        return String(decoding: text[..<index], as: UTF8.self)
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

/// XA_PREPARE_LOG_EVENT's body.
public struct XAPrepare: Sendable, Equatable {
    /// `XA COMMIT … ONE PHASE`: the transaction is committed by this event, no outcome follows.
    public var onePhase: Bool
    public var xid: XID
}
