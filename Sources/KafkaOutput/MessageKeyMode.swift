/// What a message's Kafka key is, and so which partition it lands in.
public enum MessageKeyMode: Sendable, Equatable, CustomStringConvertible {
    /// The row's primary key (`{"id":1}`): all changes of one row stay in order in one partition.
    /// Rows of tables without a primary key fall back to the table (`database.table`).
    case primaryKey
    /// `database.table`: a table's changes stay in order.
    case table
    /// The database name.
    case database
    /// The JSON value of one column.
    case column(String)
    /// No key: the partitioner spreads messages, no order across partitions.
    case none

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `primary_key`, `table`, `database`, `column:NAME` or `none`.
    public init(parsing text: String) throws(Invalid) {
        switch text {
        case "primary_key": self = .primaryKey
        case "table": self = .table
        case "database": self = .database
        case "none": self = .none
        default:
            guard text.hasPrefix("column:"), text.count > "column:".count else {
                throw Invalid(description: "key \(text) is not primary_key, table, database, column:NAME or none")
            }
            self = .column(String(text.dropFirst("column:".count)))
        }
    }

    public var description: String {
        switch self {
        case .primaryKey: return "primary_key"
        case .table: return "table"
        case .database: return "database"
        case .column(let name): return "column:\(name)"
        case .none: return "none"
        }
    }
}
