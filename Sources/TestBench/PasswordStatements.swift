import BinlogDecoder
import MySQLSource

/// Account statements that carry passwords, in the syntax of each server, and what of a secret the
/// server then writes into its binlog: the tests that prove secrets never leave binlogo need both.
public struct PasswordStatements: Sendable {
    /// The statements, in order: create `user`, change its password twice, grant it SELECT on `database`.
    public let statements: [String]
    /// What the account statement kinds of `statements` are, as the server logs them (MySQL logs
    /// `SET PASSWORD` as `ALTER USER`, and a plain GRANT).
    public let loggedKinds: [AccountStatement.Kind]
    private let flavor: ServerFlavor
    private let user: String
    private let password: String

    /// - Parameters:
    ///   - user: the account's name (host `%`); unique to the test.
    ///   - password: a unique prefix of the passwords (`-1`, `-2`, … are appended).
    public init(flavor: ServerFlavor, user: String, password: String, database: String) {
        self.flavor = flavor
        self.user = user
        self.password = password
        switch flavor {
        case .mariadb:
            statements = [
                "CREATE USER '\(user)'@'%' IDENTIFIED BY '\(password)-1'",
                "ALTER USER '\(user)'@'%' IDENTIFIED BY '\(password)-2'",
                "SET PASSWORD FOR '\(user)'@'%' = PASSWORD('\(password)-3')",
                "GRANT SELECT ON `\(database)`.* TO '\(user)'@'%' IDENTIFIED BY '\(password)-4'",
            ]
            loggedKinds = [.createUser, .alterUser, .setPassword, .grant]
        case .mysql:
            statements = [
                "CREATE USER '\(user)'@'%' IDENTIFIED BY '\(password)-1'",
                "ALTER USER '\(user)'@'%' IDENTIFIED BY '\(password)-2'",
                "SET PASSWORD FOR '\(user)'@'%' = '\(password)-3'",
                "GRANT SELECT ON `\(database)`.* TO '\(user)'@'%'",
            ]
            loggedKinds = [.createUser, .alterUser, .alterUser, .grant]
        }
    }

    /// Text of the account's current secret as the server logs it: MariaDB logs the hash of
    /// `PASSWORD('…-3')`; MySQL logs `IDENTIFIED WITH … AS '<hash>'`, whose last 43 characters (the
    /// digest, printable) are read from `mysql.user`. Ask before the account is dropped.
    public func loggedSecret(over connection: MySQLConnection) throws -> String {
        switch flavor {
        case .mariadb:
            guard let hash = try connection.queryValue("SELECT PASSWORD('\(password)-3')") else {
                throw TestBenchError("PASSWORD() returned NULL")
            }
            return hash
        case .mysql:
            guard let hash = try connection.queryValue("SELECT RIGHT(authentication_string, 43) FROM mysql.user WHERE user = '\(user)'") else {
                throw TestBenchError("mysql.user has no \(user)")
            }
            return hash
        }
    }
}
