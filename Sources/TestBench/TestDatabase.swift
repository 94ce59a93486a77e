import Foundation
import MySQLSource

/// A database of its own on the shared sandbox server, so tests can run in parallel on one server.
public struct TestDatabase: Sendable {
    public init(name: String, sandbox: MariaDBSandbox) {
        self.name = name
        self.sandbox = sandbox
    }

    public let name: String
    public let sandbox: MariaDBSandbox

    /// Creates `PREFIX_xxxxxxxx` on the shared MariaDB sandbox, or on `sandbox`.
    public static func create(prefix: String, on sandbox: MariaDBSandbox? = nil) throws -> TestDatabase {
        let sandbox = try sandbox ?? MariaDBSandbox.shared()
        let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        let database = TestDatabase(name: name, sandbox: sandbox)
        try sandbox.connect().execute("CREATE DATABASE `\(name)`")
        return database
    }

    /// A new root connection over TCP with this database as the default.
    public func connect() throws -> MySQLConnection {
        try sandbox.connect(database: name)
    }
}

extension MySQLConnection {
    /// The server's current binlog file and position (`SHOW MASTER STATUS`, or `SHOW BINARY LOG
    /// STATUS` on MySQL 8.2 and later, chosen by the server's version).
    public func currentBinlogPosition() throws -> BinlogReplicationStream.Start {
        let statement = try MySQLServerVersion(of: self).binlogStatusStatement
        guard let row = try query(statement).first, let file = row[0],
              let positionText = row[1], let position = UInt32(positionText) else {
            throw TestBenchError("\(statement) returned nothing: is log_bin on?")
        }
        return BinlogReplicationStream.Start(file: file, position: position)
    }
}
