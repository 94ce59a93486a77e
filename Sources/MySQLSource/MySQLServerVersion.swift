/// A server's version (`SELECT VERSION()`), for the statements and variables that differ between
/// MySQL and MariaDB and between versions: binlogo chooses them by version, never by trying and failing.
public struct MySQLServerVersion: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public let isMariaDB: Bool
    public let major: Int
    public let minor: Int
    public let patch: Int

    /// Parses `10.11.19-MariaDB-0+deb12u1`, `9.7.4-2` or `8.4.3`.
    public init(_ text: String) {
        self.text = text
        isMariaDB = text.contains("MariaDB")
        let numbers = text.prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int($0) ?? 0 }
        major = numbers.first ?? 0
        minor = numbers.count > 1 ? numbers[1] : 0
        patch = numbers.count > 2 ? numbers[2] : 0
    }

    /// The version of the server at the other end of `connection`.
    public init(of connection: MySQLConnection) throws(MySQLError) {
        self.init(try connection.queryValue("SELECT VERSION()") ?? "")
    }

    /// Whether this is MySQL (not MariaDB) of at least `major.minor.patch`.
    public func isMySQL(atLeast major: Int, _ minor: Int, _ patch: Int = 0) -> Bool {
        !isMariaDB && (self.major, self.minor, self.patch) >= (major, minor, patch)
    }

    /// The current binlog file and position: `SHOW BINARY LOG STATUS` on MySQL 8.2+ (8.4 removed
    /// `SHOW MASTER STATUS`), `SHOW MASTER STATUS` on MariaDB and older MySQL.
    public var binlogStatusStatement: String {
        isMySQL(atLeast: 8, 2) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS"
    }

    /// Whether the server replicates from another: `SHOW REPLICA STATUS` on MySQL 8.0.22+ (8.4 removed
    /// `SHOW SLAVE STATUS`), `SHOW SLAVE STATUS` on MariaDB and older MySQL.
    public var replicaStatusStatement: String {
        isMySQL(atLeast: 8, 0, 22) ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS"
    }

    /// The variable that makes a replica write what it replicates to its own binlog: `log_replica_updates`
    /// on MySQL 8.0.26+, `log_slave_updates` on MariaDB and older MySQL.
    public var logReplicaUpdatesVariable: String {
        isMySQL(atLeast: 8, 0, 26) ? "log_replica_updates" : "log_slave_updates"
    }

    /// How a setting that can change at run time is changed for good: `SET PERSIST` on MySQL 8+
    /// (written to mysqld-auto.cnf), `SET GLOBAL` on MariaDB and older MySQL (then also in my.cnf).
    func persistentSet(_ variable: String, to value: String) -> String {
        isMySQL(atLeast: 8, 0) ? "SET PERSIST \(variable) = \(value)" : "SET GLOBAL \(variable) = \(value) (and \(variable)=\(value.replacing("'", with: "")) under [mysqld] in the server's my.cnf)"
    }

    public var description: String { text }
}
