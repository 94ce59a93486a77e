import BinlogDecoder
import TestBench
import Testing

/// The statement classifier on text: every form it knows, with the expected targets written here,
/// and hostile text (keywords in comments and strings, odd quoting, truncation, random bytes).
struct StatementParserTests {
    private func parse(_ text: String, session: String = "s") -> Statement {
        StatementParser.parse(text, sessionDatabase: session)
    }

    private func table(_ database: String, _ name: String) -> TableName { TableName(database: database, table: name) }

    private func ddl(_ text: String, session: String = "s") -> DDLStatement? {
        if case .ddl(let statement) = parse(text, session: session) { return statement }
        return nil
    }

    private func xa(_ text: String) -> XAStatement? {
        if case .xa(let statement) = parse(text) { return statement }
        return nil
    }

    private func account(_ text: String) -> AccountStatement? {
        if case .account(let statement) = parse(text) { return statement }
        return nil
    }

    // MARK: Transaction control

    @Test func transactionControl() {
        #expect(parse("BEGIN") == .transaction(.begin([])))
        #expect(parse("begin work") == .transaction(.begin([])))
        #expect(parse("START TRANSACTION") == .transaction(.begin([])))
        #expect(parse("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY") == .transaction(.begin([.withConsistentSnapshot, .readOnly])))
        #expect(parse("start transaction read write") == .transaction(.begin([.readWrite])))
        #expect(parse("COMMIT") == .transaction(.commit(TransactionCompletion())))
        #expect(parse("COMMIT WORK AND NO CHAIN NO RELEASE") == .transaction(.commit(TransactionCompletion(chain: false, release: false))))
        #expect(parse("commit and chain") == .transaction(.commit(TransactionCompletion(chain: true))))
        #expect(parse("COMMIT RELEASE") == .transaction(.commit(TransactionCompletion(release: true))))
        #expect(parse("ROLLBACK") == .transaction(.rollback(TransactionCompletion())))
        #expect(parse("ROLLBACK WORK AND CHAIN") == .transaction(.rollback(TransactionCompletion(chain: true))))
        #expect(parse("SAVEPOINT `sp 1`") == .transaction(.savepoint("sp 1")))
        #expect(parse("RELEASE SAVEPOINT sp1") == .transaction(.releaseSavepoint("sp1")))
        #expect(parse("ROLLBACK TO SAVEPOINT sp1") == .transaction(.rollbackToSavepoint("sp1")))
        #expect(parse("ROLLBACK WORK TO sp1") == .transaction(.rollbackToSavepoint("sp1")))
        #expect(parse("rollback to `x`") == .transaction(.rollbackToSavepoint("x")))
        #expect(parse("BEGIN NOT ATOMIC SELECT 1; END") == .other(OtherStatement(verb: "BEGIN")))
        #expect(parse("  /* c */ BEGIN  ") == .transaction(.begin([])))
    }

    // MARK: XA

    @Test func xaStatementsAndTheirXids() {
        let g1 = XID(gtrid: Array("g1".utf8), bqual: Array("b1".utf8), formatID: 7)
        #expect(xa("XA START X'6731',X'6231',7") == XAStatement(action: .start(join: false, resume: false), xid: g1))
        #expect(xa("XA START 'g1','b1',7") == XAStatement(action: .start(join: false, resume: false), xid: g1))
        #expect(xa("xa begin \"g1\", 'b1', 0x7 JOIN") == XAStatement(action: .start(join: true, resume: false), xid: g1))
        #expect(xa("XA START 'g1','b1',7 RESUME") == XAStatement(action: .start(join: false, resume: true), xid: g1))
        #expect(xa("XA END X'6731',X'6231',7") == XAStatement(action: .end(suspend: false, forMigrate: false), xid: g1))
        #expect(xa("XA END 'g1','b1',7 SUSPEND FOR MIGRATE") == XAStatement(action: .end(suspend: true, forMigrate: true), xid: g1))
        #expect(xa("XA PREPARE 0x6731, B'0110001001110001', 7")
                == XAStatement(action: .prepare, xid: XID(gtrid: Array("g1".utf8), bqual: Array("bq".utf8), formatID: 7)))
        #expect(xa("XA COMMIT X'6731',X'6231',7") == XAStatement(action: .commit(onePhase: false), xid: g1))
        #expect(xa("XA COMMIT 'g1','b1',7 ONE PHASE") == XAStatement(action: .commit(onePhase: true), xid: g1))
        #expect(xa("XA ROLLBACK X'6732',X'',1") == XAStatement(action: .rollback, xid: XID(gtrid: Array("g2".utf8))))
        #expect(xa("XA ROLLBACK 'g2'")?.xid == XID(gtrid: Array("g2".utf8), bqual: [], formatID: 1))
        #expect(xa("XA RECOVER") == XAStatement(action: .recover, xid: nil))
        #expect(xa("XA RECOVER CONVERT XID") == XAStatement(action: .recover, xid: nil))
        // Upper- and lower-case hex, escapes and doubled quotes name the same bytes.
        #expect(xa("XA COMMIT X'0A0b'")?.xid == XID(gtrid: [0x0a, 0x0b]))
        #expect(xa("XA COMMIT 'a''b\\n'")?.xid == XID(gtrid: [UInt8(ascii: "a"), UInt8(ascii: "'"), UInt8(ascii: "b"), 10]))
        #expect(xa("XA COMMIT 0xabc")?.xid == XID(gtrid: [0x0a, 0xbc]))
        // The binlog form round-trips.
        #expect(g1.description == "X'6731',X'6231',7")
        #expect(xa("XA COMMIT \(g1)")?.xid == g1)
        // Not an xid: the action is known, the xid is not.
        #expect(xa("XA COMMIT X'abc'") == XAStatement(action: .commit(onePhase: false), xid: nil))
        #expect(xa("XA PREPARE") == XAStatement(action: .prepare, xid: nil))
        #expect(xa("XA COMMIT 'a', 'b', notanumber") == XAStatement(action: .commit(onePhase: false), xid: nil))
        #expect(parse("XA FOO 'a'") == .other(OtherStatement(verb: "XA")))
    }

    // MARK: Account management

    @Test func accountStatementsAreRecognisedAndRedacted() {
        let cases: [(String, AccountStatement.Kind, String)] = [
            ("CREATE USER u1@'%' IDENTIFIED BY 'secretpw1'", .createUser, "CREATE USER u1@'%' IDENTIFIED BY '<redacted>'"),
            ("CREATE OR REPLACE USER IF NOT EXISTS 'u'@'h' IDENTIFIED BY \"pw\"", .createUser,
             "CREATE OR REPLACE USER IF NOT EXISTS 'u'@'h' IDENTIFIED BY '<redacted>'"),
            ("ALTER USER u1@'%' IDENTIFIED BY 'secretpw2'", .alterUser, "ALTER USER u1@'%' IDENTIFIED BY '<redacted>'"),
            ("CREATE USER 'u'@'%' IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$x\\'y'", .createUser,
             "CREATE USER 'u'@'%' IDENTIFIED WITH '<redacted>' AS '<redacted>'"),
            ("CREATE USER u3 IDENTIFIED VIA mysql_native_password USING PASSWORD('secretpw5')", .createUser,
             "CREATE USER u3 IDENTIFIED VIA mysql_native_password USING PASSWORD('<redacted>')"),
            ("ALTER USER u IDENTIFIED WITH 'x' AS 0x2441243030352324", .alterUser, "ALTER USER u IDENTIFIED WITH '<redacted>' AS '<redacted>'"),
            ("SET PASSWORD FOR 'u1'@'%'='*793F2C161B3536C044B35D1501CE669DE6E397BE'", .setPassword, "SET PASSWORD FOR 'u1'@'%'='<redacted>'"),
            ("SET PASSWORD = PASSWORD('x') ", .setPassword, "SET PASSWORD = PASSWORD('<redacted>') "),
            ("GRANT SELECT ON a.* TO u2@'%' IDENTIFIED BY 'secretpw4'", .grant, "GRANT SELECT ON a.* TO u2@'%' IDENTIFIED BY '<redacted>'"),
            ("REVOKE r1 FROM u1", .revoke, "REVOKE r1 FROM u1"),
            ("DROP USER u1, u2", .dropUser, "DROP USER u1, u2"),
            ("RENAME USER u3 TO u4", .renameUser, "RENAME USER u3 TO u4"),
            ("CREATE ROLE r1", .createRole, "CREATE ROLE r1"),
            ("DROP ROLE IF EXISTS r1", .dropRole, "DROP ROLE IF EXISTS r1"),
            ("SET DEFAULT ROLE 'r1' FOR 'u1'@'%'", .setDefaultRole, "SET DEFAULT ROLE '<redacted>' FOR 'u1'@'%'"),
            ("CREATE SERVER s1 FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'h', USER 'u', PASSWORD 'secretpw6')", .createServer,
             "CREATE SERVER s1 FOREIGN DATA WRAPPER mysql OPTIONS (HOST '<redacted>', USER '<redacted>', PASSWORD '<redacted>')"),
            ("ALTER SERVER s1 OPTIONS (PASSWORD 'secretpw7')", .alterServer, "ALTER SERVER s1 OPTIONS (PASSWORD '<redacted>')"),
            ("DROP SERVER IF EXISTS s1", .dropServer, "DROP SERVER IF EXISTS s1"),
            ("/*!80000 CREATE USER */ u IDENTIFIED BY 'p' -- 'not a literal'", .createUser, "/*!80000 CREATE USER */ u IDENTIFIED BY '<redacted>' -- 'not a literal'"),
            ("SET STATEMENT max_statement_time=60 FOR ALTER USER u IDENTIFIED BY 'pw'", .alterUser,
             "SET STATEMENT max_statement_time=60 FOR ALTER USER u IDENTIFIED BY '<redacted>'"),
        ]
        for (text, kind, redacted) in cases {
            let statement = account(text)
            #expect(statement?.kind == kind, "\(text)")
            #expect(statement?.redacted == redacted, "\(text)")
        }
    }

    @Test func redactionIsSafeOnTextItDoesNotUnderstand() {
        // An unterminated string hides everything after it; a backslash-escaped quote does not end a string.
        #expect(StatementParser.redactingLiterals(in: "X IDENTIFIED BY 'pw") == "X IDENTIFIED BY '<redacted>'")
        #expect(StatementParser.redactingLiterals(in: "A 'p\\'w' B 'q' N'r' X'00' b'1' 0x41 0b1 12") ==
                "A '<redacted>' B '<redacted>' '<redacted>' '<redacted>' '<redacted>' '<redacted>' '<redacted>' 12")
        // Under NO_BACKSLASH_ESCAPES the backslash ends nothing special.
        #expect(StatementParser.redactingLiterals(in: "A 'p\\' 'q'", backslashEscapes: false) == "A '<redacted>' '<redacted>'")
        #expect(StatementParser.redactingLiterals(in: "A 'p\\' 'q'") == "A '<redacted>'q'<redacted>'")
        #expect(StatementParser.redactingLiterals(in: "") == "")
        #expect(StatementParser.redactingLiterals(in: "日本 '秘密' `x`") == "日本 '<redacted>' `x`")
    }

    // MARK: DDL

    @Test func createTable() {
        #expect(ddl("CREATE TABLE t (id INT)") == DDLStatement(action: .create, object: .table, database: "s", tables: [table("s", "t")]))
        #expect(ddl("CREATE TABLE other.secret (id INT)", session: "shop")?.tables == [table("other", "secret")])
        #expect(ddl("CREATE TABLE other.secret (id INT)", session: "shop")?.database == "other")
        #expect(ddl("create or replace temporary table if not exists `d`.`t` like x.y")
                == DDLStatement(action: .create, object: .table, isTemporary: true, database: "d", tables: [table("d", "t")]))
        #expect(ddl("CREATE TABLE `c1` (\n  `id` int(1) NOT NULL\n) SELECT 1 AS id")?.tables == [table("s", "c1")])
        #expect(ddl("CREATE TABLE t (id INT)", session: "")?.tables == [table("", "t")])
        #expect(ddl("CREATE TABLE `a.b` (id INT)")?.tables == [table("s", "a.b")])
        #expect(ddl("CREATE TABLE `we``ird` (id INT)")?.tables == [table("s", "we`ird")])
        #expect(ddl("CREATE TABLE \"ansi\".\"quoted\" (id INT)")?.tables == [table("ansi", "quoted")])
        #expect(ddl("CREATE TABLE `db` . t (id INT)")?.tables == [table("db", "t")])
        #expect(ddl("CREATE TABLE `select` (`from` INT)")?.tables == [table("s", "select")])
        #expect(ddl("CREATE TABLE données.tâble (id INT)")?.tables == [table("données", "tâble")])
        #expect(ddl("/*!40000 CREATE TABLE x.y */")?.tables == [table("x", "y")])
        #expect(ddl("/*M!100100 CREATE OR REPLACE */ TABLE x.y (a INT)")?.tables == [table("x", "y")])
        #expect(ddl("CREATE /* TABLE no.no */ TABLE\n-- DATABASE no\n# VIEW no\n  yes.t (a INT)")?.tables == [table("yes", "t")])
        #expect(ddl("CREATE SEQUENCE sq")?.object == .sequence)
    }

    @Test func alterTable() {
        #expect(ddl("ALTER TABLE shop.products ADD COLUMN c INT", session: "")
                == DDLStatement(action: .alter, object: .table, database: "shop", tables: [table("shop", "products")]))
        #expect(ddl("ALTER ONLINE IGNORE TABLE t ADD x INT")?.tables == [table("s", "t")])
        #expect(ddl("ALTER TABLE t RENAME TO u")?.tables == [table("s", "t"), table("s", "u")])
        #expect(ddl("ALTER TABLE a.t ADD z INT, RENAME AS b.u")?.tables == [table("a", "t"), table("b", "u")])
        #expect(ddl("ALTER TABLE t RENAME u")?.tables == [table("s", "t"), table("s", "u")])
        #expect(ddl("ALTER TABLE t RENAME COLUMN a TO b")?.tables == [table("s", "t")])
        #expect(ddl("ALTER TABLE t RENAME INDEX a TO b, RENAME KEY c TO d")?.tables == [table("s", "t")])
        #expect(ddl("ALTER TABLE t COMMENT 'RENAME TO x'")?.tables == [table("s", "t")])
        #expect(ddl("ALTER TABLE IF EXISTS t ADD c INT")?.tables == [table("s", "t")])
    }

    @Test func dropRenameTruncate() {
        #expect(ddl("DROP TABLE `m`,`n` /* generated by server */", session: "a")
                == DDLStatement(action: .drop, object: .table, database: "a", tables: [table("a", "m"), table("a", "n")]))
        #expect(ddl("DROP TEMPORARY TABLE IF EXISTS a, b.c, `d`.`e` RESTRICT")
                == DDLStatement(action: .drop, object: .table, isTemporary: true, database: "s",
                                tables: [table("s", "a"), table("b", "c"), table("d", "e")]))
        #expect(ddl("RENAME TABLE b.t TO b.t2, a.x TO a.y")
                == DDLStatement(action: .rename, object: .table, database: "b",
                                tables: [table("b", "t"), table("b", "t2"), table("a", "x"), table("a", "y")]))
        #expect(ddl("TRUNCATE a.y") == DDLStatement(action: .truncate, object: .table, database: "a", tables: [table("a", "y")]))
        #expect(ddl("TRUNCATE TABLE y")?.tables == [table("s", "y")])
    }

    @Test func databasesViewsIndexesTriggersRoutines() {
        #expect(ddl("CREATE DATABASE IF NOT EXISTS `shop`") == DDLStatement(action: .create, object: .database, database: "shop", tables: []))
        #expect(ddl("CREATE SCHEMA x") == DDLStatement(action: .create, object: .database, database: "x", tables: []))
        #expect(ddl("ALTER DATABASE d CHARACTER SET utf8mb4") == DDLStatement(action: .alter, object: .database, database: "d", tables: []))
        #expect(ddl("ALTER DATABASE CHARACTER SET utf8mb4") == DDLStatement(action: .alter, object: .database, database: "s", tables: []))
        #expect(ddl("DROP DATABASE IF EXISTS d") == DDLStatement(action: .drop, object: .database, database: "d", tables: []))
        #expect(ddl("CREATE OR REPLACE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS SELECT 1", session: "a")
                == DDLStatement(action: .create, object: .view, database: "a", tables: [table("a", "v")]))
        #expect(ddl("CREATE DEFINER=root@'%' VIEW x.v AS SELECT 1")?.tables == [table("x", "v")])
        #expect(ddl("CREATE DEFINER=CURRENT_USER() VIEW v AS SELECT 1")?.tables == [table("s", "v")])
        #expect(ddl("ALTER VIEW x.v AS SELECT 2") == DDLStatement(action: .alter, object: .view, database: "x", tables: [table("x", "v")]))
        #expect(ddl("DROP VIEW IF EXISTS a, b.c")?.tables == [table("s", "a"), table("b", "c")])
        #expect(ddl("CREATE UNIQUE INDEX i1 USING BTREE ON a.y (id)")
                == DDLStatement(action: .create, object: .index, database: "a", tables: [table("a", "y")], objectName: "i1"))
        #expect(ddl("DROP INDEX `i1` ON y")
                == DDLStatement(action: .drop, object: .index, database: "s", tables: [table("s", "y")], objectName: "i1"))
        #expect(ddl("CREATE DEFINER=`root`@`localhost` TRIGGER a.trg BEFORE INSERT ON y FOR EACH ROW SET NEW.id = NEW.id")
                == DDLStatement(action: .create, object: .trigger, database: "a", tables: [table("a", "y")], objectName: "trg"))
        #expect(ddl("CREATE TRIGGER trg AFTER UPDATE ON b.y FOR EACH ROW BEGIN UPDATE z SET n = 1; END")?.tables == [table("b", "y")])
        #expect(ddl("DROP TRIGGER IF EXISTS a.trg")
                == DDLStatement(action: .drop, object: .trigger, database: "a", tables: [], objectName: "trg"))
        #expect(ddl("DROP TRIGGER trg") == DDLStatement(action: .drop, object: .trigger, database: "s", tables: [], objectName: "trg"))
        #expect(ddl("CREATE DEFINER=`root`@`localhost` PROCEDURE `a`.`p`()\nSELECT 1")
                == DDLStatement(action: .create, object: .procedure, database: "a", tables: [], objectName: "p"))
        #expect(ddl("CREATE FUNCTION f() RETURNS INT RETURN 1")
                == DDLStatement(action: .create, object: .function, database: "s", tables: [], objectName: "f"))
        #expect(ddl("DROP PROCEDURE IF EXISTS x.p")
                == DDLStatement(action: .drop, object: .procedure, database: "x", tables: [], objectName: "p"))
        #expect(ddl("CREATE EVENT IF NOT EXISTS e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t")
                == DDLStatement(action: .create, object: .event, database: "s", tables: [], objectName: "e"))
        #expect(ddl("ALTER EVENT d.e DISABLE") == DDLStatement(action: .alter, object: .event, database: "d", tables: [], objectName: "e"))
        #expect(ddl("DROP EVENT e")?.object == .event)
    }

    @Test func otherStatements() {
        #expect(parse("OPTIMIZE TABLE a.y, b.t2") == .other(OtherStatement(verb: "OPTIMIZE", tables: [table("a", "y"), table("b", "t2")])))
        #expect(parse("ANALYZE NO_WRITE_TO_BINLOG TABLE y") == .other(OtherStatement(verb: "ANALYZE", tables: [table("s", "y")])))
        #expect(parse("repair local table y") == .other(OtherStatement(verb: "REPAIR", tables: [table("s", "y")])))
        #expect(parse("FLUSH PRIVILEGES") == .other(OtherStatement(verb: "FLUSH")))
        #expect(parse("INSTALL SONAME 'ha_blackhole'") == .other(OtherStatement(verb: "INSTALL")))
        #expect(parse("SET @@session.sql_mode = 0") == .other(OtherStatement(verb: "SET")))
        #expect(parse("INSERT INTO x.t VALUES (1)") == .other(OtherStatement(verb: "INSERT", tables: [table("x", "t")])))
        #expect(parse("UPDATE t SET a = 1") == .other(OtherStatement(verb: "UPDATE", tables: [table("s", "t")])))
        #expect(parse("UPDATE t, u SET t.a = 1") == .other(OtherStatement(verb: "UPDATE")))
        #expect(parse("DELETE FROM t WHERE a = 1") == .other(OtherStatement(verb: "DELETE", tables: [table("s", "t")])))
        #expect(parse("CREATE TABLESPACE ts ADD DATAFILE 'x'") == .other(OtherStatement(verb: "CREATE")))
        #expect(parse("") == .other(OtherStatement(verb: "")))
        #expect(parse("   ") == .other(OtherStatement(verb: "")))
        #expect(parse("(SELECT 1)") == .other(OtherStatement(verb: "(")))
    }

    // MARK: Hostile text

    @Test func keywordsInCommentsAndStringsDoNotCount() {
        #expect(parse("/* CREATE USER u IDENTIFIED BY 'x' */ COMMIT") == .transaction(.commit(TransactionCompletion())))
        #expect(parse("-- GRANT\nBEGIN") == .transaction(.begin([])))
        #expect(parse("#GRANT\nBEGIN") == .transaction(.begin([])))
        #expect(parse("--GRANT\nBEGIN") == .other(OtherStatement(verb: "-")), "'--' without a space is not a comment")
        #expect(ddl("DROP TABLE `GRANT`, \"USER\"")?.tables == [table("s", "GRANT"), table("s", "USER")])
        #expect(ddl("CREATE TABLE t (c VARCHAR(10) DEFAULT 'ALTER TABLE x RENAME TO y')")?.tables == [table("s", "t")])
        #expect(ddl("ALTER TABLE t ADD c INT /* RENAME TO z */")?.tables == [table("s", "t")])
    }

    @Test func truncatedStatementsNeverTrap() {
        let texts = ["CREATE", "CREATE TABLE", "CREATE TABLE `db", "CREATE TABLE db.", "ALTER TABLE t RENAME", "DROP TABLE a,",
                     "RENAME TABLE a", "RENAME TABLE a TO", "XA", "XA START", "XA START 'a',", "XA START 'a','b',",
                     "XA START X'6", "CREATE TRIGGER t BEFORE INSERT ON", "DROP INDEX i ON", "/*!", "/*!5", "/*M!", "/* x",
                     "'", "\"", "`", "X'", "--", "#", "SET STATEMENT x=1 FOR", "CREATE DEFINER=", "CREATE DEFINER=`a`@",
                     "CREATE INDEX i", "START", "ROLLBACK TO", "SAVEPOINT", "\\", "0x", "0b", "x", "CREATE USER 'u"]
        for text in texts {
            _ = parse(text)
            _ = StatementParser.redactingLiterals(in: text)
        }
        #expect(ddl("CREATE TABLE `db") == DDLStatement(action: .create, object: .table, database: "s", tables: [table("s", "db")]))
        #expect(ddl("CREATE TABLE db.")?.tables == [table("s", "db")])
        #expect(ddl("DROP TABLE a,")?.tables == [table("s", "a")])
        #expect(ddl("RENAME TABLE a TO")?.tables == [table("s", "a")])
        #expect(xa("XA START 'a',") == XAStatement(action: .start(join: false, resume: false), xid: nil))
        #expect(account("CREATE USER 'u")?.redacted == "CREATE USER '<redacted>'")
    }

    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(seed: 0x5_7a7e)
        let pieces = ["CREATE", "TABLE", "ALTER", "DROP", "XA", "START", "USER", "GRANT", "IF", "EXISTS", "RENAME", "TO", "x", "`a`",
                      "'s'", "\"q\"", "/*!", "*/", "/*", "-- ", "#", "\\", ".", ",", "(", ")", "=", "@", "0x1", "\n", " ", "`", "'"]
        var classified = 0
        for round in 0..<20_000 {
            let length = Int.random(in: 0...60, using: &generator)
            let bytes: [UInt8] = round % 2 == 0
                ? (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                : (0..<length / 4).flatMap { _ in Array((pieces.randomElement(using: &generator)! + " ").utf8) }
            let text = String(decoding: bytes, as: UTF8.self)
            let statement = StatementParser.parse(text, sessionDatabase: "s")
            if case .other = statement {} else { classified += 1 }
            let redacted = StatementParser.redactingLiterals(in: text)
            #expect(!redacted.isEmpty || text.isEmpty)
        }
        #expect(classified > 100, "the mixed-alphabet half should hit real statements")
    }
}
