/// Checks, before streaming, that the server writes a binlog binlogo can read and that the user may read it.
public struct ServerPreflight: Sendable {
    /// What the checks found.
    public struct Report: Sendable, Equatable {
        public var serverVersion: String
        public var isMariaDB: Bool
        public var checksumIsCRC32: Bool
        public var rowImage: String
        /// binlog_row_metadata=FULL: events name their columns; otherwise names come from information_schema.
        public var hasFullRowMetadata: Bool
        /// Things that work but that an operator should know, one line each.
        public var warnings: [String]
    }

    public init() {}

    public func run(on connection: MySQLConnection) throws(SourceError) -> Report {
        do {
            return try inspect(connection)
        } catch let error as SourceError {
            throw error
        } catch let error as MySQLError {
            throw SourceError.connecting(error)
        } catch {
            throw SourceError(.preflight, "\(connection.options.endpointDescription): \(error)")
        }
    }

    private func inspect(_ connection: MySQLConnection) throws -> Report {
        let server = connection.options.endpointDescription
        guard let row = try connection.query(
            "SELECT @@version, @@log_bin, @@binlog_format, @@binlog_row_image, @@global.binlog_checksum").first else {
            throw SourceError(.preflight, "\(server): the server returned no settings")
        }
        let version = row[0] ?? ""
        let isMariaDB = version.contains("MariaDB")
        guard row[1] == "1" || row[1]?.uppercased() == "ON" else {
            throw SourceError(.preflight, "log_bin is OFF on \(server): start the server with log_bin and binlog_format=ROW")
        }
        let format = (row[2] ?? "").uppercased()
        guard format == "ROW" else {
            throw SourceError(.preflight,
                              "binlog_format is \(format) on \(server): set binlog_format=ROW (SET GLOBAL binlog_format='ROW' and in the server's configuration)")
        }
        let image = (row[3] ?? "").uppercased()
        var warnings: [String] = []
        if image != "FULL" {
            warnings.append("binlog_row_image is \(image) on \(server): updates and deletes carry only the columns the server logs; FULL is recommended")
        }
        let metadata = try optionalVariable("binlog_row_metadata", on: connection)?.uppercased()
        let fullMetadata = metadata == "FULL"
        if !fullMetadata {
            warnings.append("binlog_row_metadata is \(metadata ?? "not supported") on \(server): column names come from information_schema, which may be ahead of the stream after DDL; FULL is recommended")
        }
        if !isMariaDB {
            if let compression = try optionalVariable("binlog_transaction_compression", on: connection),
               compression == "1" || compression.uppercased() == "ON" {
                throw SourceError(.preflight, "binlog_transaction_compression is ON on \(server): set it OFF, binlogo does not decode compressed transactions")
            }
            if let options = try optionalVariable("binlog_row_value_options", on: connection), !options.isEmpty {
                throw SourceError(.preflight, "binlog_row_value_options is \(options) on \(server): set it to '' (partial JSON updates are not decoded)")
            }
        }
        try checkGrants(on: connection, server: server)
        return Report(serverVersion: version, isMariaDB: isMariaDB, checksumIsCRC32: (row[4] ?? "").uppercased() == "CRC32",
                      rowImage: image, hasFullRowMetadata: fullMetadata, warnings: warnings)
    }

    /// A global variable, or nil when this server does not have it.
    private func optionalVariable(_ name: String, on connection: MySQLConnection) throws -> String? {
        switch Result(catching: { () throws(MySQLError) in try connection.queryValue("SELECT @@global.\(name)") }) {
        case .success(let value): return value
        case .failure(let error) where error.code == 1193: return nil  // unknown system variable
        case .failure(let error): throw error
        }
    }

    /// The user needs to read the binlog (REPLICATION SLAVE) and to see binlog positions (REPLICATION CLIENT / BINLOG MONITOR).
    private func checkGrants(on connection: MySQLConnection, server: String) throws {
        let grants = try connection.query("SHOW GRANTS").compactMap { $0.first ?? nil }.joined(separator: "\n").uppercased()
        let user = try connection.queryValue("SELECT CURRENT_USER()") ?? connection.options.user
        if grants.contains("ALL PRIVILEGES ON *.*") { return }
        var missing: [String] = []
        if !grants.contains("REPLICATION SLAVE") && !grants.contains("REPLICATION REPLICA") { missing.append("REPLICATION SLAVE") }
        if !grants.contains("REPLICATION CLIENT") && !grants.contains("BINLOG MONITOR") && !grants.contains("SUPER") {
            missing.append("REPLICATION CLIENT")
        }
        guard missing.isEmpty else {
            throw SourceError(.preflight,
                              "user \(user) lacks \(missing.joined(separator: " and ")) on \(server): GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO \(Self.quotedAccount(user))")
        }
    }

    /// `user@host` from CURRENT_USER() as SQL: `'user'@'host'`, quotes inside doubled.
    static func quotedAccount(_ account: String) -> String {
        func quoted(_ part: Substring) -> String { "'" + String(part).replacing("'", with: "''") + "'" }
        guard let at = account.lastIndex(of: "@") else { return quoted(account[...]) }
        return quoted(account[..<at]) + "@" + quoted(account[account.index(after: at)...])
    }
}
