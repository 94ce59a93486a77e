/// An error reported by the server or by libmariadb, with the server's error number.
public struct MySQLError: Error, CustomStringConvertible, Sendable {
    /// The MySQL/MariaDB error number (e.g. 1045 access denied, 1236 binlog purged, 2003 cannot connect).
    public let code: UInt32
    public let message: String
    /// What binlogo was doing, e.g. "connect to binlogo@127.0.0.1:3306".
    public let context: String

    public init(code: UInt32, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { "\(context): \(message) (MySQL error \(code))" }

    /// Whether it came from making the connection (handshake, TLS, login) rather than from using one.
    public var happenedWhileConnecting: Bool { context.hasPrefix(MySQLConnection.connectContextPrefix) }
}
