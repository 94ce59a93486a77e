import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Stopping keeps its deadline whatever Kafka does, and a graceful stop sends nothing of a
/// transaction it does not checkpoint, so a restart repeats nothing.
@Suite(.serialized) struct StopDeadlineTests {
    @Test func aStopWithKafkaDownEndsWithinItsDeadlineAndLosesNothing() throws {
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        // Enough partitions that the mock cluster's 5 MiB per partition keeps every message.
        let harness = try PipelineHarness(prefix: "deadline", cluster: cluster, partitions: 16)
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        try harness.start()
        try connection.execute("INSERT INTO t VALUES (0, 'before the outage')")
        #expect(try harness.waitForCheckpointAtEnd())

        try cluster.control("broker-down 1")
        try connection.execute("INSERT INTO t SELECT seq, 'x' FROM \(numbers(1...60000))")
        Thread.sleep(forTimeInterval: 2)
        let started = Date()
        harness.runner.stop(timeoutMilliseconds: 3_000)
        let took = Date().timeIntervalSince(started)
        #expect(took < 3 + 2, "the stop kept its 3 s deadline (took \(took) s)")
        #expect(harness.runner.status == .stopped)

        // Back up: the restarted pipeline sends what the stop cut off; every row arrives.
        try cluster.control("broker-up 1")
        try harness.restart()
        defer { harness.runner.stop() }
        #expect(try harness.waitForCheckpointAtEnd(seconds: 90))
        let ids = Set(try PipelineHarness.values(harness.messages()).compactMap { $0.newImage?["id"] as? Int })
        let expected = try connection.query("SELECT COUNT(*) FROM t").first?[0].flatMap { Int($0) }
        #expect(ids.count == expected, "every row reached Kafka: \(ids.count) of \(expected ?? -1)")
    }

    @Test func gracefulStopsInsideAStreamOfTransactionsRepeatNothing() throws {
        // A server of its own: another suite's prepared XA transaction on the shared server would hold
        // every pipeline's checkpoint back (by design) and make restarts repeat.
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let harness = try PipelineHarness(prefix: "graceful", sandbox: sandbox, partitions: 16)
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, batch INT)")
        try harness.start()
        let database = harness.database
        let done = ManagedFlag()
        let thread = Thread {
            defer { done.finish() }
            guard let writer = try? database.connect() else { return }
            var id = 0
            // Bounded, so that what a stop must hand to Kafka, and the catch-up at the end, stay short on a
            // loaded machine: a stop cut by its deadline may repeat by design; this checks graceful ones.
            while !done.isSet && id < 24_000 {
                // Three rows in three statements per transaction, back to back: a stop has room to land inside
                // one, and the next transaction's events are often already read when the last one commits.
                try? writer.execute("BEGIN")
                for _ in 0..<3 {
                    id += 1
                    try? writer.execute("INSERT INTO t VALUES (\(id), \(id / 3))")
                }
                try? writer.execute("COMMIT")
            }
        }
        thread.start()
        for _ in 0..<12 {
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...0.6))
            // A deadline long enough for a loaded CI machine: what is checked is a stop that ends in time.
            harness.runner.stop(timeoutMilliseconds: 60_000)
            // Per partition the last message must end its transaction: rows of one transaction share a
            // partition only by chance, so look at the transaction of the newest message overall.
            let values = try PipelineHarness.values(harness.messages())
            let newest = values.max { ($0.head["position"] as? [String: Any])?["binlog_position"] as? Int ?? 0
                < ($1.head["position"] as? [String: Any])?["binlog_position"] as? Int ?? 0 }
            let gtid = (newest?.head["position"] as? [String: Any])?["gtid_set"] as? String
            let rows = values.filter { ($0.head["position"] as? [String: Any])?["gtid_set"] as? String == gtid }
            #expect(rows.count == 3 || gtid == nil, "a graceful stop sent \(rows.count) of a transaction's 3 rows")
            try harness.restart()
        }
        done.set()
        done.waitUntilFinished()
        let caughtUp = Date()
        #expect(try harness.waitForCheckpointAtEnd(seconds: 180), "caught up \(Date().timeIntervalSince(caughtUp)) s after the writer stopped")
        harness.runner.stop(timeoutMilliseconds: 60_000)
        let ids = try PipelineHarness.values(harness.messages()).compactMap { $0.newImage?["id"] as? Int }
        let expected = try connection.query("SELECT id FROM t ORDER BY id").compactMap { $0[0].flatMap { Int($0) } }
        #expect(ids.count == Set(ids).count, "nothing repeated: \(ids.count - Set(ids).count) duplicates")
        #expect(ids.count == expected.count && Set(ids) == Set(expected), "\(ids.count) rows published, \(expected.count) in the table")
    }
}

/// A flag another thread sets, and a second one for the worker's end.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private let finished = DispatchSemaphore(value: 0)

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
    func finish() { finished.signal() }
    func waitUntilFinished() { finished.wait() }
}
