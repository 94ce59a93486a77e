import Foundation
import MySQLSource
import Pipeline
import Synchronization
import TestBench
import Testing

/// `snapshot: initial` on the server under test: a table's existing rows are read in chunks while a
/// writer inserts, updates and deletes in it the whole time; the table rebuilt from the topic (snapshot
/// reads and streamed changes, applied by key in offset order) equals SELECT * at the end.
@Suite(.serialized) struct SnapshotPipelineTests {
    @Test func snapshotWhileAWriterChangesTheTable() throws {
        let harness = try PipelineHarness(prefix: "snapshot", adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 300)
            $0.queue = .init(maximumMessages: 2_000, maximumBytes: 8 << 20)
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(30))")
        try connection.execute("CREATE TABLE empty_one (id INT PRIMARY KEY)")
        let initialRows = 20_000
        try connection.execute("INSERT INTO items SELECT seq, seq, CONCAT('row ', seq) FROM \(numbers(1...initialRows))")

        let writing = Atomic<Bool>(true)
        let writes = Atomic<Int>(0)
        let writerDone = DispatchSemaphore(value: 0)
        let database = harness.database
        let writer = Thread {
            guard let writerConnection = try? database.connect() else {
                Issue.record("writer: no connection")
                writerDone.signal()
                return
            }
            var generator = SeededGenerator(seed: 17)
            var nextID = initialRows + 1
            while writing.load(ordering: .relaxed) {
                let id = Int.random(in: 1...nextID, using: &generator)
                let statement: String
                switch Int.random(in: 0..<10, using: &generator) {
                case 0..<4: statement = "UPDATE items SET v = v + 1, note = 'updated' WHERE id = \(id)"
                case 4..<6: statement = "DELETE FROM items WHERE id = \(id)"
                case 6..<8:
                    statement = "INSERT INTO items VALUES (\(nextID), 0, 'new') ON DUPLICATE KEY UPDATE v = v + 1"
                    nextID += 1
                default:
                    // A transaction moving a row: its old key deleted and a new one written.
                    statement = "UPDATE items SET id = \(nextID), note = 'moved' WHERE id = \(id)"
                    nextID += 1
                }
                do {
                    try writerConnection.execute(statement)
                    writes.add(1, ordering: .relaxed)
                } catch {
                    Issue.record("writer: \(error)")
                    break
                }
            }
            writerDone.signal()
        }
        writer.start()
        try harness.start()
        let finished = waitUntil(seconds: 120) { harness.runner.savedCheckpoint?.snapshot?.isDone == true }
        Thread.sleep(forTimeInterval: 0.3)
        writing.store(false, ordering: .relaxed)
        writerDone.wait()
        #expect(finished, "snapshot done: \(String(describing: harness.runner.savedCheckpoint))")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()

        let messages = try harness.messages()
        var rebuilt = TableRebuilder()
        try rebuilt.apply(messages)
        let expected = TableRebuilder.select(try connection.query("SELECT id, v, note FROM items"), columns: ["id", "v", "note"])
        let actual = rebuilt.tables["\(harness.database.name).items"] ?? [:]
        #expect(actual.count == expected.count, "\(actual.count) rows rebuilt, \(expected.count) in the table")
        let differences = TableRebuilder.firstDifferences(actual, expected)
        #expect(differences == nil, "rebuilt table differs from SELECT *: \(differences ?? "")")
        let values = try PipelineHarness.values(messages)
        let reads = values.filter { $0.head["type"] as? String == "read" }
        let ids = reads.compactMap { ($0["data"] as? [String: Any])?["new"] as? [String: Any] }.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == ids.count, "every row read once: \(ids.count) reads of \(Set(ids).count) ids")
        #expect(reads.count > initialRows / 2, "\(reads.count) snapshot reads of \(initialRows) rows")
        #expect(writes.load(ordering: .relaxed) > 100, "\(writes.load(ordering: .relaxed)) writes during the snapshot")
    }

    /// A pipeline stopped in the middle of its snapshot goes on from the chunk after the last one Kafka
    /// acknowledged: every row is read exactly once across the restart. (Small rows and few: the mock
    /// cluster keeps 5 MB per partition.)
    @Test func aStoppedSnapshotGoesOnFromItsCursor() throws {
        let harness = try PipelineHarness(prefix: "snapresume", adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 100, rowsPerSecond: 5_000)
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE a_first (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("CREATE TABLE b_second (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("CREATE TABLE c_empty (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO a_first SELECT seq, CONCAT('a', seq) FROM \(numbers(1...10_000))")
        try connection.execute("INSERT INTO b_second SELECT seq, CONCAT('b', seq) FROM \(numbers(1...10_000))")
        try harness.start()
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.after != nil },
                "the checkpoint carries a cursor inside a table: \(String(describing: harness.runner.savedCheckpoint))")
        harness.runner.stop()
        let stoppedAt = try #require(harness.runner.savedCheckpoint?.snapshot)
        #expect(!stoppedAt.isDone, "stopped before the snapshot ended: \(stoppedAt)")
        try harness.restart()
        #expect(waitUntil(seconds: 120) { harness.runner.savedCheckpoint?.snapshot?.isDone == true })
        harness.runner.stop()

        let values = try PipelineHarness.values(try harness.messages())
        for table in ["a_first", "b_second"] {
            let ids = values.filter { $0.head["type"] as? String == "read" && $0.head["table"] as? String == table }
                .compactMap { (($0["data"] as? [String: Any])?["new"] as? [String: Any])?["id"] as? Int }
            #expect(ids.count == 10_000 && Set(ids).count == 10_000, "\(table): \(ids.count) reads of \(Set(ids).count) ids across the restart at \(stoppedAt)")
            let markers = values.filter { ($0.head["type"] as? String)?.hasPrefix("snapshot_") == true && $0.head["table"] as? String == table }
            let data = markers.map { $0["data"] as? [String: Any] ?? [:] }
            #expect(markers.map { $0.head["type"] as? String } == ["snapshot_start", "snapshot_end"], "\(table): markers \(markers)")
            #expect(data.last?["rows"] as? Int == 10_000, "\(table): the end marker counts the rows across the restart: \(data)")
            #expect(data.first?["first"] as? Bool == (table == "a_first") && data.last?["last"] as? Bool == false,
                    "\(table): the snapshot's first and last markers: \(data)")
        }
        let empty = values.filter { $0.head["table"] as? String == "c_empty" }.map { $0.head["type"] as? String }
        #expect(empty == ["snapshot_start", "snapshot_end"], "an empty table's markers: \(empty)")
        let last = values.last { $0.head["table"] as? String == "c_empty" }?["data"] as? [String: Any]
        #expect(last?["last"] as? Bool == true && last?["rows"] as? Int == 0, "the last table's end marker ends the snapshot: \(String(describing: last))")
    }

    /// An ALTER TABLE on the table being snapshotted: the chunks read after it carry the new column (a
    /// chunk read across it is read again), the ones before do not, and every row is read once. One
    /// partition, so that the topic's order is the order the messages went out.
    @Test func aDDLDuringTheSnapshotRereadsWithTheNewColumns() throws {
        let harness = try PipelineHarness(prefix: "snapddl", partitions: 1, adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 100, rowsPerSecond: 5_000)
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("INSERT INTO items SELECT seq, CONCAT('v', seq) FROM \(numbers(1...10_000))")
        try harness.start()
        #expect(waitUntil(seconds: 30) { (harness.runner.savedCheckpoint?.snapshot?.rows ?? 0) > 0 })
        try connection.execute("ALTER TABLE items ADD COLUMN extra VARCHAR(10) NOT NULL DEFAULT 'x'")
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true })
        harness.runner.stop()

        let values = try PipelineHarness.values(try harness.messages())
        let ddl = try #require(values.firstIndex { $0.head["type"] as? String == "ddl" }, "the ALTER is published")
        let reads = values.enumerated().filter { $0.element.head["type"] as? String == "read" }
        let rows = reads.map { ($0.offset, ($0.element["data"] as? [String: Any])?["new"] as? [String: Any] ?? [:]) }
        let before = rows.filter { $0.0 < ddl }, after = rows.filter { $0.0 > ddl }
        #expect(!before.isEmpty && !after.isEmpty, "reads on both sides of the ALTER: \(before.count) and \(after.count)")
        #expect(before.allSatisfy { $0.1["extra"] == nil }, "no read before the ALTER has its column")
        let missing = after.filter { $0.1["extra"] as? String != "x" }
        #expect(missing.isEmpty, "\(missing.count) reads after the ALTER lack its column, e.g. \(missing.prefix(2).map(\.1))")
        let ids = rows.compactMap { $0.1["id"] as? Int }
        #expect(ids.count == 10_000 && Set(ids).count == 10_000, "\(ids.count) reads of \(Set(ids).count) ids")
    }

    /// The server's default row metadata (MariaDB NO_LOG, MySQL MINIMAL: the stream's table maps get their
    /// names and key from information_schema, in table order) on a table whose primary key lists its
    /// columns in another order than the table: the stream's changes still drop the chunk rows they
    /// make stale, and the rebuilt table equals SELECT *.
    @Test func theServersDefaultRowMetadataAndAKeyOutOfTableOrder() throws {
        let flavor = try ServerFlavor.underTest
        let sandbox = try SandboxServer.start(flavor, options: ["--binlog-row-metadata=\(flavor == .mysql ? "MINIMAL" : "NO_LOG")"])
        defer { try? sandbox.stop() }
        let harness = try PipelineHarness(prefix: "snapmeta", sandbox: sandbox, adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 200)
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE pairs (b INT NOT NULL, v INT NOT NULL, a INT NOT NULL, PRIMARY KEY (a, b))")
        try connection.execute("INSERT INTO pairs SELECT seq % 97, seq, seq % 89 FROM \(numbers(1...8_000))")

        let writing = Atomic<Bool>(true)
        let writerDone = DispatchSemaphore(value: 0)
        let database = harness.database
        let writer = Thread {
            defer { writerDone.signal() }
            guard let writes = try? database.connect() else { return }
            var generator = SeededGenerator(seed: 23)
            while writing.load(ordering: .relaxed) {
                let (a, b) = (Int.random(in: 0..<89, using: &generator), Int.random(in: 0..<97, using: &generator))
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: try? writes.execute("UPDATE pairs SET v = v + 1 WHERE a = \(a) AND b = \(b)")
                case 1: try? writes.execute("DELETE FROM pairs WHERE a = \(a) AND b = \(b)")
                default: try? writes.execute("INSERT INTO pairs VALUES (\(b), 0, \(a)) ON DUPLICATE KEY UPDATE v = v + 10")
                }
            }
        }
        writer.start()
        try harness.start()
        let finished = waitUntil(seconds: 120) { harness.runner.savedCheckpoint?.snapshot?.isDone == true }
        writing.store(false, ordering: .relaxed)
        writerDone.wait()
        #expect(finished, "snapshot done: \(String(describing: harness.runner.savedCheckpoint))")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()

        // Rebuilt by the key the messages carry, applied in offset order (one key, one partition).
        var rebuilt: [String: String] = [:]
        for value in try PipelineHarness.values(try harness.messages()) {
            guard let key = value.head["primary_key"] as? [String: Any], let a = key["a"] as? Int, let b = key["b"] as? Int,
                  let data = value["data"] as? [String: Any] else { continue }
            if let old = data["old"] as? [String: Any], let oldA = old["a"] as? Int, let oldB = old["b"] as? Int { rebuilt["\(oldA)/\(oldB)"] = nil }
            if let new = data["new"] as? [String: Any], let v = new["v"] as? Int { rebuilt["\(a)/\(b)"] = "\(v)" }
        }
        var expected: [String: String] = [:]
        for row in try connection.query("SELECT a, b, v FROM pairs") { expected["\(row[0]!)/\(row[1]!)"] = row[2]! }
        let differing = Set(rebuilt.keys).union(expected.keys).filter { rebuilt[$0] != expected[$0] }
        #expect(differing.isEmpty, "\(differing.count) of \(expected.count) rows differ, e.g. \(differing.prefix(3).map { "\($0): published \(rebuilt[$0] ?? "none"), source \(expected[$0] ?? "none")" })")
    }

    /// MySQL with `gtid_mode` OFF (its default): the snapshot stops the pipeline with one line naming the
    /// setting and the statements that turn it on; nothing is published as if it were the table.
    @Test func mySQLWithoutGTIDsSaysHowToTurnThemOn() throws {
        guard try ServerFlavor.underTest == .mysql else { return }
        let sandbox = try SandboxServer.start(.mysql, options: ["--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"])
        defer { try? sandbox.stop() }
        #expect(try sandbox.connect().queryValue("SELECT @@global.gtid_mode") == "OFF")
        let harness = try PipelineHarness(prefix: "snapnogtid", sandbox: sandbox, adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial)
        })
        try harness.database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY)")
        try harness.start()
        #expect(waitUntil(seconds: 30) { if case .failed = harness.runner.status { return true } else { return false } })
        guard case .failed(let reason) = harness.runner.status else { return }
        #expect(reason.contains("signal_table: binlogo.signals") && reason.contains("SET PERSIST gtid_mode = ON") && !reason.contains("\n"), "\(reason)")
        harness.runner.stop()
    }

    /// A table without a primary key is read by its unique index on NOT NULL columns, and the stream's changes
    /// during a chunk are matched by that index: with a writer throughout, the rebuilt table equals SELECT *.
    /// A table with neither stops the snapshot with one line naming it and the fix.
    @Test func aUniqueIndexOnNotNullColumnsStandsInForThePrimaryKey() throws {
        let harness = try PipelineHarness(prefix: "snapunique", adjust: {
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 200)
            $0.filters.exclude = ["*.keyless"]
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE nokey (v INT NOT NULL, id INT NOT NULL, note VARCHAR(10) NULL, UNIQUE KEY a_nullable (note), UNIQUE KEY by_id (id))")
        let initialRows = 8_000
        try connection.execute("INSERT INTO nokey (id, v) SELECT seq, seq FROM \(numbers(1...initialRows))")
        let messages = try snapshotWhileWriting(harness, table: "nokey", initialRows: initialRows, seed: 29)
        let values = try PipelineHarness.values(messages)
        var keysOfRow: [Int: Set<String>] = [:]
        for (message, value) in zip(messages, values) {
            if let id = (value.newImage ?? value.oldImage)?["id"] as? Int { keysOfRow[id, default: []].insert(message.keyText ?? "") }
        }
        #expect(keysOfRow.values.allSatisfy { $0.count == 1 }, "a row's read and stream messages share one Kafka key")

        let keyless = try PipelineHarness(prefix: "snapkeyless", adjust: { $0.snapshot = SnapshotConfiguration(mode: .initial) })
        try keyless.database.connect().execute("CREATE TABLE keyless (a INT NULL, UNIQUE KEY (a))")
        try keyless.start()
        #expect(waitUntil(seconds: 30) { if case .failed = keyless.runner.status { return true } else { return false } })
        if case .failed(let reason) = keyless.runner.status {
            #expect(reason.contains("\(keyless.database.name).keyless") && reason.contains("unique index on NOT NULL columns")
                        && reason.contains("ADD PRIMARY KEY") && !reason.contains("\n"), "\(reason)")
        }
        keyless.runner.stop()
    }

    /// MySQL's default, GTIDs off, with a signal table: each chunk is bracketed by two rows written there, which
    /// the stream finds in the binlog; with a writer changing the table throughout, the table rebuilt from the
    /// topic equals SELECT *, no row is read twice, and the watermark rows are neither published nor left behind.
    @Test func mySQLWithoutGTIDsBracketsChunksWithSignalRows() throws {
        guard try ServerFlavor.underTest == .mysql else { return }
        let sandbox = try SandboxServer.start(.mysql, options: ["--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"])
        defer { try? sandbox.stop() }
        let harness = try PipelineHarness(prefix: "snapwatermark", sandbox: sandbox, adjust: {
            let database = String($0.filters.include[0].dropLast(2))
            $0.snapshot = SnapshotConfiguration(mode: .initial, chunkRows: 250, signalTable: "\(database).signals")
        })
        let connection = try harness.database.connect()
        try connection.execute(SnapshotSignal.createTable("signals"))
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)")
        let initialRows = 8_000
        try connection.execute("INSERT INTO items SELECT seq, seq FROM \(numbers(1...initialRows))")
        let values = try PipelineHarness.values(try snapshotWhileWriting(harness, table: "items", initialRows: initialRows, seed: 23))
        #expect(!values.contains { $0.head["table"] as? String == "signals" }, "watermark rows are not published")
        #expect(try connection.queryValue("SELECT COUNT(*) FROM signals") == "0", "watermark rows are deleted again")
    }

    /// Takes the harness's initial snapshot of `table` (ids 1…`initialRows`, column `v`) while a
    /// `RandomRowWriter` changes it the whole time; expects the table rebuilt from the topic to equal
    /// `SELECT id, v`, no row read twice, most rows read and the writer busy; returns the messages.
    private func snapshotWhileWriting(_ harness: PipelineHarness, table: String, initialRows: Int, seed: UInt64) throws -> [ConsumedMessage] {
        let writer = RandomRowWriter(database: harness.database, table: table, firstNewID: initialRows + 1, seed: seed)
        writer.start()
        try harness.start()
        let finished = waitUntil(seconds: 120) { harness.runner.savedCheckpoint?.snapshot?.isDone == true }
        let writes = writer.stop()
        #expect(finished, "snapshot done: \(String(describing: harness.runner.savedCheckpoint)); \(harness.runner.status)")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()
        let messages = try harness.messages()
        var rebuilt = TableRebuilder()
        try rebuilt.apply(messages.filter { !$0.valueText.contains("\"table\":\"signals\"") })
        let expected = TableRebuilder.select(try harness.database.connect().query("SELECT id, v FROM \(table)"), columns: ["id", "v"])
        let differences = TableRebuilder.firstDifferences(rebuilt.tables["\(harness.database.name).\(table)"] ?? [:], expected)
        #expect(differences == nil, "rebuilt table differs from SELECT *: \(differences ?? "")")
        let ids = try PipelineHarness.values(messages).filter { $0.head["type"] as? String == "read" }.compactMap { $0.newImage?["id"] as? Int }
        #expect(Set(ids).count == ids.count && ids.count > initialRows / 2, "\(ids.count) reads of \(Set(ids).count) ids")
        #expect(writes > 100, "\(writes) writes during the snapshot")
        return messages
    }
}
