/// Follows transaction boundaries in the decoded event stream and hands out each row change
/// and DDL statement with its place in its transaction.
///
/// Rows are streamed, never buffered whole: the tracker holds back only the latest row, so that
/// it can be marked as the transaction's last (with its XID) once the commit is seen.
public struct TransactionTracker: Sendable {
    /// A change ready to be filtered and encoded.
    public enum Change: Sendable {
        case row(RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement)
        case ddl(QueryEvent, binlogFile: String, position: UInt64, placement: ChangeMessageEncoder.RowPlacement)
    }

    private var gtid = ""
    private var rowsInTransaction = 0
    private var pending: (event: RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement)?

    public init() {}

    /// The GTID of the transaction being read (MariaDB `domain-server-sequence` or MySQL `uuid:n`).
    public var currentGTID: String { gtid }

    public mutating func consume(_ decoded: DecodedEvent, emit: (Change) throws -> Void) rethrows {
        switch decoded.event {
        case .mariaDBGTID(let value):
            try finish(xid: nil, emit: emit)
            gtid = value.description
            rowsInTransaction = 0
        case .mysqlGTID(let value):
            try finish(xid: nil, emit: emit)
            gtid = value.description
            rowsInTransaction = 0
        case .rows(let event):
            for row in 0..<event.rowCount {
                if let held = pending { try emit(.row(held.event, row: held.row, placement: held.placement)) }
                rowsInTransaction += 1
                pending = (event, row, ChangeMessageEncoder.RowPlacement(
                    gtid: gtid, rowInTransaction: rowsInTransaction, xid: nil, isLastInTransaction: false,
                    timestamp: decoded.header.timestamp, serverID: decoded.header.serverID))
            }
        case .xid(let xid):
            try finish(xid: xid, emit: emit)
        case .query(let query):
            switch Self.classify(query.statement) {
            case .begin:
                try finish(xid: nil, emit: emit)
                rowsInTransaction = 0
            case .end:
                try finish(xid: nil, emit: emit)
            case .savepoint:
                break
            case .ddl:
                // DDL commits implicitly and stands alone.
                try finish(xid: nil, emit: emit)
                try emit(.ddl(query, binlogFile: decoded.binlogFile, position: decoded.position,
                              placement: ChangeMessageEncoder.RowPlacement(
                                gtid: gtid, rowInTransaction: 1, xid: nil, isLastInTransaction: true,
                                timestamp: decoded.header.timestamp, serverID: decoded.header.serverID)))
                rowsInTransaction = 0
            }
        default:
            break
        }
    }

    /// Releases the held row as its transaction's last. Call at the end of a finite stream too.
    public mutating func finish(xid: UInt64?, emit: (Change) throws -> Void) rethrows {
        guard var held = pending else { return }
        pending = nil
        held.placement.isLastInTransaction = true
        held.placement.xid = xid
        try emit(.row(held.event, row: held.row, placement: held.placement))
    }

    public enum StatementRole: Sendable { case begin, end, savepoint, ddl }

    /// What a QUERY event's statement does to the transaction; everything that is not transaction control is DDL
    /// (in ROW format, DML arrives as rows events).
    public static func classify(_ statement: String) -> StatementRole {
        let words = statement.split(whereSeparator: { $0.isWhitespace || $0 == ";" }).prefix(2).map { $0.uppercased() }
        switch words.first {
        case "BEGIN": return .begin
        case "COMMIT", "XA": return .end
        case "ROLLBACK": return words.count > 1 && words[1] == "TO" ? .savepoint : .end
        case "SAVEPOINT", "RELEASE": return .savepoint
        default: return .ddl
        }
    }
}
