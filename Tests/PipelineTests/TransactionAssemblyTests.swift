import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Transactions as consumers see them: each one that publishes anything ends with exactly one message
/// marked `commit:true`, whatever the filter drops; XA transactions publish only once committed; a
/// graceful stop sends nothing of a transaction it does not checkpoint.
@Suite(.serialized) struct TransactionAssemblyTests {
    /// Groups messages by transaction (their GTID) in topic order and checks that each group's last
    /// message, and only it, is marked commit. Returns the number of groups.
    private func expectOneCommitMarkPerTransaction(_ values: [[String: Any]]) -> Int {
        var groups: [(gtid: String, commits: [Bool])] = []
        for value in values {
            let head = value.head
            let gtid = (head["position"] as? [String: Any])?["gtid_set"] as? String ?? ""
            let commit = head["commit"] as? Bool ?? false
            if groups.last?.gtid == gtid { groups[groups.count - 1].commits.append(commit) } else { groups.append((gtid, [commit])) }
        }
        for group in groups {
            #expect(group.commits.last == true, "transaction \(group.gtid) ends without commit:true: \(group.commits)")
            #expect(group.commits.dropLast().allSatisfy { !$0 }, "transaction \(group.gtid) marks commit before its end: \(group.commits)")
        }
        return groups.count
    }

    @Test func aTransactionWhoseLastRowsAreFilteredOutStillEndsWithACommitMark() throws {
        let harness = try PipelineHarness(prefix: "commitmark", filters: { .init(include: ["\($0).*"], exclude: ["\($0).audit"]) },
                                          partitions: 1)
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20))")
        try connection.execute("CREATE TABLE audit (id INT PRIMARY KEY)")
        try harness.start()
        defer { harness.runner.stop() }
        for statements in [
            ["INSERT INTO orders VALUES (1, 'a')", "INSERT INTO audit VALUES (1)"],
            ["INSERT INTO audit VALUES (2)"],
            ["INSERT INTO orders VALUES (2, 'b'), (3, 'c')", "INSERT INTO audit VALUES (3)", "INSERT INTO audit VALUES (4)"],
            ["INSERT INTO audit VALUES (5)", "UPDATE orders SET note = 'z' WHERE id = 1", "DELETE FROM audit WHERE id < 3"],
        ] {
            try connection.execute("BEGIN")
            for statement in statements { try connection.execute(statement) }
            try connection.execute("COMMIT")
        }
        #expect(try harness.waitForCheckpointAtEnd())
        let values = try PipelineHarness.values(harness.messages())
        #expect(values.allSatisfy { $0.head["table"] as? String == "orders" }, "the audit table is filtered out")
        #expect(values.count == 4, "three inserts and one update of orders")
        #expect(expectOneCommitMarkPerTransaction(values) == 3, "the transaction with audit rows only publishes nothing")
        let ids = try connection.query("SELECT id FROM orders ORDER BY id").map { $0[0].flatMap { Int($0) } }
        #expect(values.prefix(3).map { $0.newImage?["id"] as? Int } == ids)
    }

    @Test func xaTransactionsPublishOnlyWhatCommitsAndHoldTheCheckpointWhilePrepared() throws {
        let harness = try PipelineHarness(prefix: "xa", partitions: 1)
        let xa = try harness.database.connect(), other = try harness.database.connect()
        try xa.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(20))")
        try harness.start()
        defer { harness.runner.stop() }

        try xa.execute("XA START 'x1'")
        try xa.execute("INSERT INTO orders VALUES (10, 'two-phase'), (12, 'two-phase')")
        try xa.execute("XA END 'x1'")
        try xa.execute("XA PREPARE 'x1'")
        let prepared = try xa.currentBinlogPosition()
        try other.execute("INSERT INTO orders VALUES (11, 'while prepared')")
        let arrived = waitUntil(seconds: 20) {
            ((try? PipelineHarness.values(harness.messages())) ?? []).contains { $0.newImage?["id"] as? Int == 11 }
        }
        #expect(arrived, "a transaction committed while the XA transaction is prepared is published")
        Thread.sleep(forTimeInterval: 1.5)
        let held = try #require(harness.runner.savedCheckpoint)
        #expect(held.file < prepared.file || (held.file == prepared.file && held.position < prepared.position),
                "the checkpoint stays before the prepared XA transaction: \(held) vs \(prepared)")
        #expect(!(try PipelineHarness.values(harness.messages())).contains { $0.newImage?["id"] as? Int == 10 },
                "nothing of a prepared XA transaction is published before its outcome")

        try xa.execute("XA COMMIT 'x1'")
        try xa.execute("XA START 'x2'")
        try xa.execute("INSERT INTO orders VALUES (20, 'rolled back')")
        try xa.execute("XA END 'x2'")
        try xa.execute("XA PREPARE 'x2'")
        try xa.execute("XA ROLLBACK 'x2'")
        try xa.execute("XA START 'x3'")
        try xa.execute("INSERT INTO orders VALUES (30, 'one phase')")
        try xa.execute("XA END 'x3'")
        try xa.execute("XA COMMIT 'x3' ONE PHASE")
        try xa.execute("XA START 'x4'")
        try xa.execute("INSERT INTO orders VALUES (40, 'never prepared')")
        try xa.execute("XA END 'x4'")
        try xa.execute("XA ROLLBACK 'x4'")
        #expect(try harness.waitForCheckpointAtEnd())

        let values = try PipelineHarness.values(harness.messages())
        let published = values.compactMap { $0.newImage?["id"] as? Int }
        let committed = try xa.query("SELECT id FROM orders ORDER BY id").compactMap { $0[0].flatMap { Int($0) } }
        #expect(published.sorted() == committed, "exactly the committed rows: \(published) vs \(committed)")
        #expect(published.count == Set(published).count, "none twice")
        #expect(expectOneCommitMarkPerTransaction(values) == 3)
    }

    @Test func anXATransactionLargerThanItsBufferStopsThePipelineNamingTheSetting() throws {
        let harness = try PipelineHarness(prefix: "xabuffer", partitions: 1) { $0.source.xaBufferLimitBytes = 1 << 20 }
        let xa = try harness.database.connect()
        try xa.execute("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(1000))")
        try harness.start()
        defer { harness.runner.stop() }
        try xa.execute("XA START 'big'")
        try xa.execute("INSERT INTO big SELECT seq, REPEAT('v', 1000) FROM \(numbers(1...3000))")
        try xa.execute("XA END 'big'")
        try xa.execute("XA PREPARE 'big'")
        try xa.execute("XA COMMIT 'big'")
        #expect(waitUntil(seconds: 20) { if case .failed = harness.runner.status { true } else { false } })
        guard case .failed(let reason) = harness.runner.status else { return }
        #expect(reason.contains("source.xa_buffer_mb") && reason.contains("\(harness.database.name).big"), "\(reason)")
        #expect(try harness.messages().isEmpty, "nothing of the transaction was published")
    }

    /// A transaction that touched a non-transactional or temporary table is logged whole even when it
    /// rolls back, and rows rolled back to a savepoint stay in it: neither may be published. (MariaDB;
    /// MySQL with `enforce_gtid_consistency` refuses MyISAM inside a transaction, so there `m` is InnoDB
    /// and the test covers the savepoints.)
    @Test func rowsUndoneByRollbackOrRollbackToSavepointAreNotPublished() throws {
        let harness = try PipelineHarness(prefix: "rollback", partitions: 1)
        let connection = try harness.database.connect()
        let engine = harness.database.sandbox.flavor == .mariadb ? "MyISAM" : "InnoDB"
        try connection.execute("CREATE TABLE i (id INT PRIMARY KEY) ENGINE=InnoDB")
        try connection.execute("CREATE TABLE m (id INT PRIMARY KEY) ENGINE=\(engine)")
        try harness.start()
        defer { harness.runner.stop() }
        for statement in [
            "BEGIN", "INSERT INTO m VALUES (1)", "SAVEPOINT s", "INSERT INTO i VALUES (1)", "ROLLBACK TO SAVEPOINT s",
            "INSERT INTO i VALUES (2)", "COMMIT",
            "BEGIN", "INSERT INTO i VALUES (30)", "CREATE TEMPORARY TABLE tt (x INT) ENGINE=\(engine)", "INSERT INTO tt VALUES (1)",
            "INSERT INTO m VALUES (6)", "ROLLBACK",
            "BEGIN", "INSERT INTO i VALUES (40)", "SAVEPOINT a", "INSERT INTO i VALUES (41)", "SAVEPOINT b",
            "INSERT INTO i VALUES (42)", "ROLLBACK TO SAVEPOINT a", "INSERT INTO m VALUES (7)", "INSERT INTO i VALUES (43)", "COMMIT",
        ] { try connection.execute(statement) }
        #expect(try harness.waitForCheckpointAtEnd())
        let values = try PipelineHarness.values(harness.messages())
        for table in ["i", "m"] {
            let published = values.filter { $0.head["table"] as? String == table }.compactMap { $0.newImage?["id"] as? Int }
            let rows = try connection.query("SELECT id FROM \(table) ORDER BY id").compactMap { $0[0].flatMap { Int($0) } }
            #expect(published.sorted() == rows, "table \(table): published \(published), the server holds \(rows)")
        }
        _ = expectOneCommitMarkPerTransaction(values)
    }

    /// CREATE TABLE … SELECT is one transaction: the DDL first, then its rows, numbered on from it.
    @Test func createTableSelectIsOneTransactionNumberedFromItsStatement() throws {
        let harness = try PipelineHarness(prefix: "ctas", partitions: 1)
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE source (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO source VALUES (1), (2), (3)")
        try harness.start()
        defer { harness.runner.stop() }
        try connection.execute("CREATE TABLE copy ENGINE=InnoDB SELECT id FROM source")
        #expect(try harness.waitForCheckpointAtEnd())
        let values = try PipelineHarness.values(harness.messages()).filter { $0.head["table"] as? String == "copy" }
        let count = try #require(try connection.query("SELECT COUNT(*) FROM copy").first?[0].flatMap { Int($0) })
        #expect(values.map { $0.head["type"] as? String } == ["ddl"] + Array(repeating: "insert", count: count))
        #expect(values.map { ($0.head["position"] as? [String: Any])?["consume_rows"] as? Int } == Array(1...(count + 1)).map { $0 })
        #expect(expectOneCommitMarkPerTransaction(values) == 1)
    }

    /// A prepared XA transaction that changed only tables the pipeline leaves out holds nothing back.
    @Test func aPreparedXAOfAnExcludedTableDoesNotHoldTheCheckpoint() throws {
        let harness = try PipelineHarness(prefix: "xaexcluded", filters: { .init(include: ["\($0).*"], exclude: ["\($0).hidden"]) },
                                          partitions: 1)
        let xa = try harness.database.connect(), other = try harness.database.connect()
        try xa.execute("CREATE TABLE hidden (id INT PRIMARY KEY)")
        try xa.execute("CREATE TABLE orders (id INT PRIMARY KEY)")
        try harness.start()
        defer { harness.runner.stop() }
        try xa.execute("XA START 'h1'")
        try xa.execute("INSERT INTO hidden VALUES (1)")
        try xa.execute("XA END 'h1'")
        try xa.execute("XA PREPARE 'h1'")
        try other.execute("INSERT INTO orders VALUES (1)")
        let after = try other.currentBinlogPosition()
        #expect(waitUntil(seconds: 20) {
            harness.runner.savedCheckpoint.map { $0.file > after.file || ($0.file == after.file && $0.position >= after.position) } ?? false
        }, "the checkpoint passes the prepared XA transaction of an excluded table: \(String(describing: harness.runner.savedCheckpoint)) vs \(after)")
        try xa.execute("XA ROLLBACK 'h1'")
    }
}
