/// Checks, before streaming, that the server writes a binlog binlogo can read and that the user may
/// read it. A setting that breaks streaming stops the source with one line naming it and the fix (SQL
/// that works when pasted, or the my.cnf line where a restart is needed); one that works with less is
/// a warning. Statements and variables are chosen by the server's version (`MySQLServerVersion`).
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
        /// `lower_case_table_names`: 0, names are case-sensitive; 1, stored in lower case (as the binlog names
        /// them) and compared in any case; 2, stored as created and compared in any case.
        public var lowerCaseTableNames = 0
    }

    /// The configured start, for the checks that depend on it (a MySQL GTID set needs gtid_mode=ON).
    public var start: StartPosition?

    public init(start: StartPosition? = nil) {
        self.start = start
    }

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
        let version = try MySQLServerVersion(of: connection)
        guard let row = try connection.query(
            "SELECT @@global.log_bin, @@global.binlog_format, @@global.binlog_row_image, @@global.binlog_checksum").first else {
            throw SourceError(.preflight, "\(server): the server returned no settings")
        }
        guard Self.isOn(row[0]) else {
            throw SourceError(.preflight, version.isMariaDB
                ? "log_bin is OFF on \(server): binlogo reads the binary log: add log_bin=mysql-bin and binlog_format=ROW under [mysqld] in the server's my.cnf and restart it"
                : "log_bin is OFF on \(server): binlogo reads the binary log: remove skip-log-bin and disable-log-bin from the server's options (MySQL writes it by default) and restart it")
        }
        let format = (row[1] ?? "").uppercased()
        guard format == "ROW" else {
            throw SourceError(.preflight,
                              "binlog_format is \(format) on \(server): binlogo needs row events: \(version.persistentSet("binlog_format", to: "'ROW'")), then reconnect the applications (a session keeps the format it started with)")
        }
        let grants = try PreflightGrants(connection: connection, server: server)
        try grants.requireReplication()

        let image = (row[2] ?? "").uppercased()
        var warnings: [String] = []
        if image != "FULL" {
            warnings.append("binlog_row_image is \(image) on \(server): updates and deletes carry only the columns the server logs; for whole rows: \(version.persistentSet("binlog_row_image", to: "'FULL'"))")
        }
        let metadata = try Self.optionalVariable("binlog_row_metadata", on: connection)?.uppercased()
        let fullMetadata = metadata == "FULL"
        if !fullMetadata {
            let fix = metadata == nil ? "" : "; for names in the binlog: \(version.persistentSet("binlog_row_metadata", to: "'FULL'"))"
            warnings.append("binlog_row_metadata is \(metadata ?? "not supported") on \(server): column names come from information_schema, which may be ahead of the stream after DDL\(fix)")
            try grants.requireSelect(becauseMetadataIs: metadata ?? "not logged")
        }
        if !version.isMariaDB {
            if let options = try Self.optionalVariable("binlog_row_value_options", on: connection)?.uppercased(),
               options.contains("PARTIAL_JSON"), image != "FULL" {
                warnings.append("binlog_row_value_options is PARTIAL_JSON with binlog_row_image \(image) on \(server): a JSON update then logs only its changes, often without the before image to apply them to, and its message says the new document is missing; for whole documents: SET PERSIST binlog_row_image = 'FULL'")
            }
            try checkGTIDStart(on: connection, server: server)
        }
        try checkReplica(on: connection, version: version, server: server)
        var report = Report(serverVersion: version.text, isMariaDB: version.isMariaDB, checksumIsCRC32: (row[3] ?? "").uppercased() == "CRC32",
                            rowImage: image, hasFullRowMetadata: fullMetadata, warnings: warnings)
        report.lowerCaseTableNames = try connection.queryValue("SELECT @@lower_case_table_names").flatMap { Int($0) } ?? 0
        return report
    }

    /// A MySQL GTID set start needs GTIDs in the binlog; `current`, `earliest` and file positions work with gtid_mode=OFF.
    private func checkGTIDStart(on connection: MySQLConnection, server: String) throws {
        guard case .mysqlGTIDSet(let set)? = start else { return }
        let mode = try Self.optionalVariable("gtid_mode", on: connection)?.uppercased() ?? "OFF"
        guard mode == "ON" else {
            throw SourceError(.preflight,
                              "start \(set) is a GTID set but gtid_mode is \(mode) on \(server): start from current, earliest or FILE:POSITION, or turn GTIDs on one step at a time: SET PERSIST enforce_gtid_consistency = ON; SET PERSIST gtid_mode = OFF_PERMISSIVE; SET PERSIST gtid_mode = ON_PERMISSIVE; SET PERSIST gtid_mode = ON")
        }
    }

    /// A replica writes what it replicates to its own binlog only with log_replica_updates (log_slave_updates).
    private func checkReplica(on connection: MySQLConnection, version: MySQLServerVersion, server: String) throws {
        let isReplica: Bool
        if version.isMariaDB {
            // SHOW SLAVE STATUS needs SLAVE MONITOR on MariaDB 10.5+, which binlogo's user need not have; the status counter needs nothing.
            let running = try connection.query("SHOW GLOBAL STATUS LIKE 'Slaves_running'").first?[1] ?? nil
            isReplica = (running.flatMap { Int($0) } ?? 0) > 0
        } else {
            isReplica = try !connection.query(version.replicaStatusStatement).isEmpty
        }
        let variable = version.logReplicaUpdatesVariable
        guard isReplica, try !Self.isOn(connection.queryValue("SELECT @@global.\(variable)")) else { return }
        let fix = version.isMariaDB
            ? "add \(variable)=ON under [mysqld] in the server's my.cnf and restart it"
            : "SET PERSIST_ONLY \(variable) = ON, then restart the server"
        throw SourceError(.preflight,
                          "\(server) is a replica with \(variable) OFF: what it replicates never reaches its binlog, so binlogo would miss it: \(fix)")
    }

    static func isOn(_ value: String?) -> Bool {
        value == "1" || value?.uppercased() == "ON"
    }

    /// A global variable, or nil when this server does not have it.
    static func optionalVariable(_ name: String, on connection: MySQLConnection) throws -> String? {
        switch Result(catching: { () throws(MySQLError) in try connection.queryValue("SELECT @@global.\(name)") }) {
        case .success(let value): return value
        case .failure(let error) where error.code == 1193: return nil  // unknown system variable
        case .failure(let error): throw error
        }
    }

    /// `user@host` from CURRENT_USER() as SQL: `'user'@'host'`, quotes inside doubled.
    static func quotedAccount(_ account: String) -> String {
        func quoted(_ part: Substring) -> String { "'" + String(part).replacing("'", with: "''") + "'" }
        guard let at = account.lastIndex(of: "@") else { return quoted(account[...]) }
        return quoted(account[..<at]) + "@" + quoted(account[account.index(after: at)...])
    }
}
