/// The user's privileges as `SHOW GRANTS` lists them, and what binlogo needs of them:
/// REPLICATION SLAVE to read the binlog, REPLICATION CLIENT for `SHOW BINARY LOG STATUS`, `SHOW BINARY LOGS`
/// and `SHOW REPLICA STATUS` (MariaDB 10.5+ calls it BINLOG MONITOR and takes the old name in GRANT), and
/// SELECT on the captured tables when binlog_row_metadata is not FULL (information_schema shows a user only
/// the tables it may read).
struct PreflightGrants {
    /// Each `GRANT … ON … TO …` line, upper-cased.
    let lines: [String]
    /// CURRENT_USER() as SQL: `'user'@'host'`.
    let account: String
    let server: String

    init(connection: MySQLConnection, server: String) throws {
        lines = try connection.query("SHOW GRANTS").compactMap { $0.first ?? nil }.map { $0.uppercased() }
        account = ServerPreflight.quotedAccount(try connection.queryValue("SELECT CURRENT_USER()") ?? connection.options.user)
        self.server = server
    }

    /// The privileges a line grants (what stands between GRANT and ON).
    private var privilegeLists: [String] {
        lines.compactMap { line in
            guard line.hasPrefix("GRANT "), let on = line.range(of: " ON ") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 6)..<on.lowerBound])
        }
    }

    private func has(_ names: [String]) -> Bool {
        privilegeLists.contains { list in list.contains("ALL PRIVILEGES") || names.contains { list.contains($0) } }
    }

    func requireReplication() throws {
        var missing: [String] = []
        if !has(["REPLICATION SLAVE", "REPLICATION REPLICA"]) { missing.append("REPLICATION SLAVE") }
        if !has(["REPLICATION CLIENT", "BINLOG MONITOR", "SUPER"]) { missing.append("REPLICATION CLIENT") }
        guard missing.isEmpty else {
            throw SourceError(.preflight,
                              "user \(account) lacks \(missing.joined(separator: " and ")) on \(server) (binlogo reads the binlog with REPLICATION SLAVE and its positions with REPLICATION CLIENT): GRANT \(missing.joined(separator: ", ")) ON *.* TO \(account)")
        }
    }

    func requireSelect(becauseMetadataIs metadata: String) throws {
        guard !privilegeLists.contains(where: { $0.contains("ALL PRIVILEGES") || $0.contains("SELECT") }) else { return }
        throw SourceError(.preflight,
                          "user \(account) has no SELECT on \(server) and binlog_row_metadata is \(metadata), so binlogo reads column names from information_schema, which shows a user only the tables it may read: grant SELECT on the databases binlogo captures, or on all: GRANT SELECT ON *.* TO \(account)")
    }
}
