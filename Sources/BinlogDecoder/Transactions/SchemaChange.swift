/// A DDL statement as the stream carries it: its text, where it is in the binlog, and the tables
/// (or the database) it changes, read from the statement itself rather than the session's database.
public struct SchemaChange: Sendable {
    public var query: QueryEvent
    public var binlogFile: String
    public var position: UInt64
    /// What the statement changes, in statement order; never empty (a statement that names nothing is
    /// attributed to the session's database).
    public var targets: [SchemaTarget]
    /// Whether the statement is a transaction of its own; false for CREATE TABLE … SELECT, whose rows
    /// and commit follow it.
    public var standsAlone: Bool

    public init(query: QueryEvent, binlogFile: String, position: UInt64, targets: [SchemaTarget], standsAlone: Bool = true) {
        self.query = query
        self.binlogFile = binlogFile
        self.position = position
        self.targets = targets
        self.standsAlone = standsAlone
    }

    /// The target a message names and is routed by: the first table the statement names, else its database.
    public var primaryTarget: SchemaTarget { targets[0] }
}

/// A table, or a whole database (`table == nil`: CREATE/ALTER/DROP DATABASE, routines, events).
public struct SchemaTarget: Sendable, Hashable, CustomStringConvertible {
    public var database: String
    public var table: String?

    public init(database: String, table: String?) {
        self.database = database
        self.table = table
    }

    /// `database.table`, or `database` for a database-level change.
    public var description: String { table.map { "\(database).\($0)" } ?? database }
}
