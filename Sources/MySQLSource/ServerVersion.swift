/// A server's `SELECT VERSION()`, for the statements that differ between servers and versions.
public struct ServerVersion: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let isMariaDB: Bool
    public let major: Int
    public let minor: Int

    /// Parses `10.11.19-MariaDB-0+deb12u1` or `9.7.4-2`.
    public init(_ text: String) {
        self.text = text
        isMariaDB = text.contains("MariaDB")
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int($0) ?? 0 }
        major = numbers.first ?? 0
        minor = numbers.count > 1 ? numbers[1] : 0
    }

    /// The server's version, asked over `connection`.
    public init(of connection: MySQLConnection) throws(MySQLError) {
        self.init(try connection.queryValue("SELECT VERSION()") ?? "")
    }

    /// The statement that shows the current binlog file and position: MySQL 8.4 removed
    /// `SHOW MASTER STATUS` for `SHOW BINARY LOG STATUS` (8.2+); MariaDB keeps the old name.
    public var binlogStatusStatement: String {
        if !isMariaDB && (major, minor) >= (8, 2) { return "SHOW BINARY LOG STATUS" }
        return "SHOW MASTER STATUS"
    }

    public var description: String { text }
}
