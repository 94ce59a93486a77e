/// Where a pipeline without a stored position starts reading.
public enum StartPosition: Sendable, Equatable, CustomStringConvertible {
    /// The end of the binlog now: only changes from here on (the default for a new pipeline).
    case current
    /// The oldest binlog still on the server.
    case earliest
    /// An explicit event boundary, e.g. `binlog.000042:4`.
    case file(String, position: UInt32)
    /// A MariaDB GTID position (`domain-server-sequence`, one per domain, comma-separated):
    /// reading starts after the transactions it names.
    case mariaDBGTID(String)
    /// A MySQL GTID set (`uuid:1-100,…`): reading starts at the first transaction not in it. binlogo finds
    /// the binlog file to start from by the PREVIOUS_GTIDS event at the head of each file.
    case mysqlGTIDSet(MySQLGTIDSet)

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `current`, `earliest`, `FILE:POS` or a MariaDB GTID list.
    public init(parsing text: String) throws(Invalid) {
        let trimmed = text.trimmingWhitespace()
        switch trimmed {
        case "current": self = .current
        case "earliest": self = .earliest
        default:
            if let set = try? MySQLGTIDSet(parsing: trimmed), !set.intervals.isEmpty {
                self = .mysqlGTIDSet(set)
            } else if let colon = trimmed.lastIndex(of: ":"), let position = UInt32(trimmed[trimmed.index(after: colon)...]),
               colon != trimmed.startIndex {
                guard position >= 4 else { throw Invalid(description: "start \(text): a binlog position is at least 4") }
                self = .file(String(trimmed[..<colon]), position: position)
            } else if Self.isMariaDBGTIDList(trimmed) {
                self = .mariaDBGTID(trimmed)
            } else {
                throw Invalid(description: "start \(text) is not current, earliest, FILE:POSITION (binlog.000042:4), a MariaDB GTID (0-1-1234) or a MySQL GTID set (uuid:1-100)")
            }
        }
    }

    static func isMariaDBGTIDList(_ text: String) -> Bool {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
        return !entries.isEmpty && entries.allSatisfy { entry in
            let parts = entry.split(separator: "-", omittingEmptySubsequences: false)
            return parts.count == 3 && UInt32(parts[0]) != nil && UInt32(parts[1]) != nil && UInt64(parts[2]) != nil
        }
    }

    public var description: String {
        switch self {
        case .current: return "current"
        case .earliest: return "earliest"
        case let .file(file, position): return "\(file):\(position)"
        case .mariaDBGTID(let gtid): return gtid
        case .mysqlGTIDSet(let set): return set.description
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
