import BinlogDecoder
import MySQLSource
import TestBench
import Testing

/// The statement classifier on the QUERY events the sandbox MariaDB really logs: DDL targets are
/// confirmed by information_schema, xids by XA RECOVER, and account statements are shown to hold
/// their secret in the binlog (so a leak would be caught) and not in the redacted text.
struct StatementParserServerTests {
    /// The QUERY events logged since `start` whose text contains `marker` (the tests' unique suffix).
    private func loggedQueries(on sandbox: MariaDBSandbox, from start: BinlogReplicationStream.Start,
                               containing marker: String) throws -> [QueryEvent] {
        let connection = try sandbox.connect()
        let checksum: FormatDescription.Checksum = try connection.queryValue("SELECT @@global.binlog_checksum") == "CRC32" ? .crc32 : .none
        let stream = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: checksum)
        var queries: [QueryEvent] = []
        while let decoded = try stream.next({ try decoder.decode($0) }) {
            if case .query(let query) = decoded.event, query.statement.contains(marker) { queries.append(query) }
        }
        return queries
    }

    private func tableExists(_ connection: MySQLConnection, _ table: TableName) throws -> Bool {
        try connection.queryValue("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\(table.database)' AND TABLE_NAME = '\(table.table)'") == "1"
    }

    private func ddl(_ query: QueryEvent) -> DDLStatement? {
        if case .ddl(let statement) = StatementParser.parse(query.statement, sessionDatabase: query.database) { return statement }
        return nil
    }

    @Test func ddlTargetsAreTheTablesTheServerChanged() throws {
        let first = try TestDatabase.create(prefix: "stmt_a")
        let second = try TestDatabase.create(prefix: "stmt_b")
        let marker = String(first.name.suffix(8))
        let a = first.name, b = second.name
        let inA = try first.connect()
        let noDatabase = try first.sandbox.connect()
        let start = try inA.currentBinlogPosition()

        try inA.execute("CREATE TABLE \(b).t_\(marker) (id INT PRIMARY KEY)")
        try noDatabase.execute("ALTER TABLE \(b).t_\(marker) ADD COLUMN c INT")
        try inA.execute("CREATE TABLE m_\(marker) (id INT)")
        try inA.execute("CREATE TABLE n_\(marker) (id INT)")
        try inA.execute("RENAME TABLE m_\(marker) TO \(b).m2_\(marker), \(a).n_\(marker) TO n2_\(marker)")
        try inA.execute("CREATE TABLE `odd.\(marker)` (id INT)")

        let queries = try loggedQueries(on: first.sandbox, from: start, containing: marker)
        #expect(queries.count == 6)
        guard queries.count == 6 else { return }

        // USE a; CREATE TABLE b.t: the table is in b, not in the session's a.
        #expect(queries[0].database == a)
        let created = try #require(ddl(queries[0]))
        #expect(created.action == .create && created.tables.count == 1)
        for table in created.tables { #expect(try tableExists(inA, table), "\(table)") }
        #expect(created.tables.first?.database == b)

        // ALTER TABLE b.t without USE: the event has no database, the statement names b.
        #expect(queries[1].database == "")
        let altered = try #require(ddl(queries[1]))
        #expect(altered.action == .alter && altered.tables.count == 1)
        for table in altered.tables {
            #expect(try inA.queryValue("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '\(table.database)' AND TABLE_NAME = '\(table.table)' AND COLUMN_NAME = 'c'") == "1")
        }

        // RENAME TABLE with two pairs: old names gone, new names there.
        let renamed = try #require(ddl(queries[4]))
        #expect(renamed.action == .rename && renamed.tables.count == 4)
        for (index, table) in renamed.tables.enumerated() {
            #expect(try tableExists(inA, table) == (index % 2 == 1), "\(table)")
        }

        // One name with a dot in it.
        let odd = try #require(ddl(queries[5]))
        #expect(odd.tables.count == 1)
        for table in odd.tables { #expect(try tableExists(inA, table), "\(table)") }

        // DROP TABLE of two tables in two databases: the server rewrites it; the tables it names
        // are exactly those information_schema loses.
        let dropStart = try inA.currentBinlogPosition()
        let before = try serverTables(inA, in: [a, b])
        try inA.execute("DROP TABLE \(b).m2_\(marker), n2_\(marker)")
        let gone = before.subtracting(try serverTables(inA, in: [a, b]))
        let drops = try loggedQueries(on: first.sandbox, from: dropStart, containing: marker)
        #expect(drops.count == 1)
        let dropped = try #require(drops.first.flatMap(ddl))
        #expect(dropped.action == .drop && dropped.tables.count == 2 && Set(dropped.tables) == gone, "\(drops.map(\.statement))")
    }

    private func serverTables(_ connection: MySQLConnection, in databases: [String]) throws -> Set<TableName> {
        let list = databases.map { "'\($0)'" }.joined(separator: ",")
        return Set(try connection.query("SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (\(list))")
            .map { TableName(database: $0[0] ?? "", table: $0[1] ?? "") })
    }

    @Test func accountStatementsHoldTheirSecretOnlyInTheLoggedText() throws {
        let database = try TestDatabase.create(prefix: "stmt_acct")
        let marker = String(database.name.suffix(8))
        let user = "u_\(marker)"
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        let accounts = PasswordStatements(flavor: database.sandbox.flavor, user: user, password: "pw-\(marker)", database: database.name)
        for statement in accounts.statements { try connection.execute(statement) }
        let secret = try accounts.loggedSecret(over: connection)
        try connection.execute("DROP USER \(user)@'%'")

        let queries = try loggedQueries(on: database.sandbox, from: start, containing: marker)
        #expect(queries.count == 5)
        guard queries.count == 5 else { return }
        let logged = database.sandbox.flavor == .mariadb ? ["pw-\(marker)-1", "pw-\(marker)-2", secret, "pw-\(marker)-4"]
                                                        : ["$A$", "$A$", secret]
        for (index, query) in queries.enumerated() {
            guard case .account(let account) = StatementParser.parse(query.statement, sessionDatabase: query.database) else {
                Issue.record("not an account statement: \(query.statement)")
                continue
            }
            #expect(account.kind == (accounts.loggedKinds + [.dropUser])[index])
            #expect(account.redacted.contains(user), "the account stays named")
            if index < logged.count {
                #expect(query.statement.contains(logged[index]), "the server logged the secret: \(query.statement)")
                #expect(!account.redacted.contains(logged[index]), "\(account.redacted)")
            }
        }
    }

    @Test func xaAndSavepointsAsLogged() throws {
        let database = try TestDatabase.create(prefix: "stmt_xa")
        let marker = String(database.name.suffix(8))
        let connection = try database.connect()
        try connection.execute("CREATE TABLE x (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB")
        let start = try connection.currentBinlogPosition()

        try connection.execute("XA START 'gc-\(marker)', 'bq', 7")
        try connection.execute("INSERT INTO x VALUES (1, '\(marker)')")
        try connection.execute("XA END 'gc-\(marker)', 'bq', 7")
        try connection.execute("XA PREPARE 'gc-\(marker)', 'bq', 7")
        let recovered = try connection.query("XA RECOVER").first { $0[3]?.hasPrefix("gc-\(marker)") == true }
        try connection.execute("XA COMMIT 'gc-\(marker)', 'bq', 7")
        try connection.execute("XA START 'gr-\(marker)'")
        try connection.execute("INSERT INTO x VALUES (2, '\(marker)')")
        try connection.execute("XA END 'gr-\(marker)'")
        try connection.execute("XA PREPARE 'gr-\(marker)'")
        try connection.execute("XA ROLLBACK 'gr-\(marker)'")
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO x VALUES (3, '\(marker)')")
        try connection.execute("SAVEPOINT sp_\(marker)")
        try connection.execute("INSERT INTO x VALUES (4, '\(marker)')")
        try connection.execute("ROLLBACK TO SAVEPOINT sp_\(marker)")
        try connection.execute("COMMIT")

        // The server's own view of the prepared xid: formatID, gtrid_length, bqual_length, data.
        let row = try #require(recovered)
        let data = Array((row[3] ?? "").utf8)
        let gtridLength = Int(row[1] ?? "") ?? 0
        let expected = XID(gtrid: Array(data.prefix(gtridLength)), bqual: Array(data.dropFirst(gtridLength)), formatID: Int64(row[0] ?? "") ?? 0)

        // The xids are logged as hex, so the marker is found through the hex of the gtrid.
        let hexMarker = XID(gtrid: Array(marker.utf8)).description.dropFirst(2).prefix(marker.utf8.count * 2)
        let queries = try loggedQueries(on: database.sandbox, from: start, containing: String(hexMarker))
            + loggedQueries(on: database.sandbox, from: start, containing: "sp_\(marker)")
        let statements = queries.map { StatementParser.parse($0.statement, sessionDatabase: $0.database) }
        // MariaDB 10.5+ logs no XA START (its GTID event's flag starts the XA work); MySQL does.
        let rolledBack = XID(gtrid: Array("gr-\(marker)".utf8))
        let logsStart = database.sandbox.flavor == .mysql
        let starts: (XID) -> [Statement] = { logsStart ? [.xa(XAStatement(action: .start(join: false, resume: false), xid: $0))] : [] }
        #expect(statements == starts(expected) + [
            .xa(XAStatement(action: .end(suspend: false, forMigrate: false), xid: expected)),
            .xa(XAStatement(action: .commit(onePhase: false), xid: expected)),
        ] + starts(rolledBack) + [
            .xa(XAStatement(action: .end(suspend: false, forMigrate: false), xid: rolledBack)),
            .xa(XAStatement(action: .rollback, xid: rolledBack)),
            .transaction(.savepoint("sp_\(marker)")),
        ], "\(queries.map(\.statement))")
        #expect(try connection.queryValue("SELECT GROUP_CONCAT(id ORDER BY id) FROM x") == "1,3")
    }
}
