import Foundation
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Snapshots asked for on a running pipeline through its signal table (`snapshot.signal_table`): a row
/// inserted there reaches the pipeline through the binlog, and the pipeline reads the tables it names,
/// the rows meeting its condition, while it streams; a cancel row ends the snapshot where it stands.
@Suite(.serialized) struct SnapshotSignalTests {
    /// A pipeline named `name` whose signal table is `signals` in its database (created here), and a connection to that database.
    private static func harness(_ name: String, chunkRows: Int, rowsPerSecond: Int? = nil) throws -> (PipelineHarness, MySQLConnection) {
        let harness = try PipelineHarness(prefix: name, adjust: {
            // The harness's filter is `DATABASE.*`.
            let database = String($0.filters.include[0].dropLast(2))
            $0.snapshot = SnapshotConfiguration(mode: .never, chunkRows: chunkRows, rowsPerSecond: rowsPerSecond, signalTable: "\(database).signals")
        })
        let connection = try harness.database.connect()
        try connection.execute(SnapshotSignal.createTable("signals"))
        return (harness, connection)
    }

    @Test func aSignalRowSnapshotsTheChosenTableWhereTheConditionHolds() throws {
        let (harness, connection) = try Self.harness("snapsignal", chunkRows: 150)
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v VARCHAR(20))")
        try connection.execute("CREATE TABLE other (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO items SELECT seq, CONCAT('v', seq) FROM \(numbers(1...3_000))")
        try connection.execute("INSERT INTO other SELECT seq FROM \(numbers(1...100))")
        try harness.start()
        #expect(harness.runner.snapshot.snapshot == nil, "no snapshot before the signal")
        try connection.execute("""
            INSERT INTO signals (pipeline, action, tables, `condition`)
            VALUES ('snapsignal', 'snapshot', '\(harness.database.name).items', 'id % 3 = 0 AND v <> ''v9''')
            """)
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true },
                "the requested snapshot ends: \(String(describing: harness.runner.savedCheckpoint))")
        try connection.execute("INSERT INTO other VALUES (1000)")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()

        let values = try PipelineHarness.values(try harness.messages())
        let reads = values.filter { $0.head["type"] as? String == "read" }
        #expect(reads.allSatisfy { $0.head["table"] as? String == "items" }, "only the table asked for is read")
        let readRows = TableRebuilder.select(reads.compactMap { $0.newImage }.map { [($0["id"] as? Int).map(String.init), $0["v"] as? String] },
                                             columns: ["id", "v"])
        let expected = TableRebuilder.select(try connection.query("SELECT id, v FROM items WHERE id % 3 = 0 AND v <> 'v9'"), columns: ["id", "v"])
        #expect(reads.count == expected.count, "\(reads.count) reads, \(expected.count) rows meet the condition")
        #expect(TableRebuilder.firstDifferences(readRows, expected) == nil, "\(TableRebuilder.firstDifferences(readRows, expected) ?? "")")
        let markers = values.filter { ($0.head["type"] as? String)?.hasPrefix("snapshot_") == true }
        #expect(markers.map { $0.head["type"] as? String } == ["snapshot_start", "snapshot_end"], "\(markers)")
        #expect((markers.first?["data"] as? [String: Any])?["first"] as? Bool == true)
        #expect((markers.last?["data"] as? [String: Any])?["last"] as? Bool == true)
        #expect(!values.contains { $0.head["table"] as? String == "signals" }, "signal rows are never published")
        #expect(values.contains { $0.head["type"] as? String == "insert" && $0.head["table"] as? String == "other" },
                "the stream goes on")
    }

    /// A cancel row ends the snapshot where it stands: no read after it, the position records the snapshot
    /// as over, and the next request is read from the start.
    @Test func aCancelSignalEndsTheSnapshotAndANewOneCanBegin() throws {
        let (harness, connection) = try Self.harness("snapcancel", chunkRows: 100, rowsPerSecond: 2_000)
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO items SELECT seq FROM \(numbers(1...20_000))")
        try harness.start()
        let items = "\(harness.database.name).items"
        try connection.execute("INSERT INTO signals (pipeline, action, tables) VALUES ('snapcancel', 'snapshot', '\(items)')")
        #expect(waitUntil(seconds: 30) { harness.runner.savedCheckpoint?.snapshot?.after != nil }, "the snapshot has begun")
        try connection.execute("INSERT INTO signals (pipeline, action) VALUES ('*', 'cancel')")
        #expect(waitUntil(seconds: 30) { harness.runner.savedCheckpoint?.snapshot?.isDone == true }, "the position records the snapshot as over")
        #expect(harness.runner.snapshot.snapshot?.state == "cancelled")
        #expect(try harness.waitForCheckpointAtEnd())
        let readsAtCancel = try Self.reads(harness)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try Self.reads(harness) == readsAtCancel, "no read after the cancel")
        #expect(readsAtCancel.count < 20_000 && !readsAtCancel.isEmpty, "\(readsAtCancel.count) reads before the cancel")

        try connection.execute("INSERT INTO signals (pipeline, action, tables, `condition`) VALUES ('snapcancel', 'snapshot', '\(items)', 'id > 19990')")
        #expect(waitUntil(seconds: 30) { (try? Self.reads(harness).count) == readsAtCancel.count + 10 }, "the new snapshot reads its 10 rows")
        harness.runner.stop()
        #expect(try Self.reads(harness).suffix(10) == Array(19_991...20_000))
    }

    /// A requested snapshot is part of the position like `initial`: stopped in the middle, the pipeline goes
    /// on with the same tables and condition after the last acknowledged chunk, reading each row once.
    @Test func aRequestedSnapshotGoesOnAfterARestart() throws {
        let (harness, connection) = try Self.harness("snapsigrestart", chunkRows: 100, rowsPerSecond: 3_000)
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY)")
        try connection.execute("CREATE TABLE skipped (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO items SELECT seq FROM \(numbers(1...12_000))")
        try connection.execute("INSERT INTO skipped VALUES (1)")
        try harness.start()
        try connection.execute("""
            INSERT INTO signals (pipeline, action, tables, `condition`)
            VALUES ('snapsigrestart', 'snapshot', '\(harness.database.name).items', 'id % 2 = 1')
            """)
        #expect(waitUntil(seconds: 30) { harness.runner.savedCheckpoint?.snapshot?.after != nil }, "the snapshot has begun")
        harness.runner.stop()
        let stoppedAt = try #require(harness.runner.savedCheckpoint?.snapshot)
        #expect(!stoppedAt.isDone && stoppedAt.condition == "id % 2 = 1", "\(stoppedAt)")
        try harness.restart()
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true })
        harness.runner.stop()
        let reads = try Self.reads(harness)
        let expected = try connection.query("SELECT id FROM items WHERE id % 2 = 1 ORDER BY id").compactMap { $0[0].flatMap { Int($0) } }
        #expect(reads == expected, "\(reads.count) reads of \(Set(reads).count) ids; \(expected.count) rows meet the condition")
    }

    /// A pause holds the snapshot before its next chunk, also across a restart, and a resume goes on: every
    /// row is read once.
    @Test func aPausedSnapshotStaysPausedAcrossARestartAndGoesOnWhenResumed() throws {
        let (harness, connection) = try Self.harness("snappause", chunkRows: 100, rowsPerSecond: 3_000)
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO items SELECT seq FROM \(numbers(1...9_000))")
        try harness.start()
        try connection.execute("INSERT INTO signals (pipeline, action, tables) VALUES ('snappause', 'snapshot', '\(harness.database.name).items')")
        #expect(waitUntil(seconds: 30) { harness.runner.savedCheckpoint?.snapshot?.after != nil }, "the snapshot has begun")
        try connection.execute("INSERT INTO signals (pipeline, action) VALUES ('snappause', 'pause')")
        #expect(waitUntil(seconds: 30) { harness.runner.snapshot.snapshot?.state == "paused" }, "\(String(describing: harness.runner.snapshot.snapshot))")
        #expect(waitUntil(seconds: 30) { harness.runner.savedCheckpoint?.snapshot?.paused == true }, "the position records the pause")
        harness.runner.stop()
        try harness.restart()
        #expect(waitUntil(seconds: 30) { harness.runner.snapshot.snapshot?.state == "paused" }, "still paused after a restart")
        let whilePaused = try Self.reads(harness)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try Self.reads(harness) == whilePaused, "no chunk read while paused")
        #expect(whilePaused.count < 9_000)
        try connection.execute("INSERT INTO signals (pipeline, action) VALUES ('snappause', 'resume')")
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true }, "the snapshot goes on and ends")
        harness.runner.stop()
        #expect(try Self.reads(harness) == Array(1...9_000), "every row read once")
    }

    /// A request whose condition the server refuses (an unknown column) ends that snapshot, not the pipeline;
    /// one shaped to leave its parentheses (`1) UNION SELECT … (1`) is refused before anything is read.
    @Test func aRequestTheServerRefusesEndsTheSnapshotNotThePipeline() throws {
        let (harness, connection) = try Self.harness("snaprefused", chunkRows: 100)
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO items SELECT seq FROM \(numbers(1...500))")
        try harness.start()
        let items = "\(harness.database.name).items"
        try connection.execute("""
            INSERT INTO signals (pipeline, action, tables, `condition`) VALUES
              ('snaprefused', 'snapshot', '\(items)', '1) UNION SELECT 1 FROM mysql.user WHERE (1'),
              ('snaprefused', 'snapshot', '\(items)', 'no_such_column > 1')
            """)
        #expect(waitUntil(seconds: 30) { harness.runner.snapshot.snapshot?.state == "cancelled" }, "\(String(describing: harness.runner.snapshot.snapshot))")
        try connection.execute("INSERT INTO items VALUES (1000)")
        #expect(try harness.waitForCheckpointAtEnd())
        #expect(harness.runner.status == .running, "\(harness.runner.status)")
        try connection.execute("INSERT INTO signals (pipeline, action, tables, `condition`) VALUES ('snaprefused', 'snapshot', '\(items)', 'id <= 3')")
        #expect(waitUntil(seconds: 30) { (try? Self.reads(harness)) == [1, 2, 3] }, "a later request reads: \((try? Self.reads(harness)) ?? [])")
        harness.runner.stop()
        let values = try PipelineHarness.values(try harness.messages())
        #expect(values.contains { $0.head["type"] as? String == "insert" && $0.newImage?["id"] as? Int == 1000 }, "the stream went on")
    }

    @Test func conditionsThatWouldLeaveTheirParenthesesAreRefused() {
        for good in ["id > 5", "note = 'a)b' AND (v < 3 OR v > 9)", "name = 'it''s'", "`odd)name` = 1", "x = \"a;b\""] {
            #expect(SnapshotCondition.problem(good) == nil, "\(good)")
        }
        for bad in ["1) UNION SELECT password FROM mysql.user WHERE (1", "id > 1; DROP TABLE t", "id > 1 -- rest", "id > 1 # rest",
                    "id /* x */ > 1", "(id > 1", "note = 'open"] {
            #expect(SnapshotCondition.problem(bad) != nil, "\(bad)")
        }
    }

    /// The ids of the `read` messages on the harness's topic, in the order of one partition's offsets per key.
    private static func reads(_ harness: PipelineHarness) throws -> [Int] {
        try PipelineHarness.values(try harness.messages()).filter { $0.head["type"] as? String == "read" }
            .compactMap { $0.newImage?["id"] as? Int }.sorted()
    }
}
