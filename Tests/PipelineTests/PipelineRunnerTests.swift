import Foundation
import KafkaOutput
import Logging
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Pipelines run in-process against the sandbox MariaDB and the mock Kafka cluster: what they
/// publish rebuilds the source tables exactly, and a restart resumes from the checkpoint.
@Suite(.serialized) struct PipelineRunnerTests {
    private func logger() -> Logger {
        var logger = Logger(label: "binlogo.test.pipeline")
        logger.logLevel = .warning
        return logger
    }

    private func configuration(_ name: String, sandbox: MariaDBSandbox, database: String, topic: String,
                               cluster: KafkaMockProcess, queue: PipelineConfiguration.QueueLimits = .init()) throws -> PipelineConfiguration {
        PipelineConfiguration(
            name: name,
            source: sandbox.sourceConfiguration(start: .current),
            output: .kafka(KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .idempotent,
                                                    properties: ["linger.ms": "5"], topic: try TopicTemplate(topic))),
            filters: .init(include: ["\(database).*"], exclude: ["\(database).audit_*"], excludeColumns: ["\(database).orders": ["secret"]]),
            queue: queue)
    }


    @Test func mixedWorkloadRebuildsTheSourceAndRestartsFromTheCheckpoint() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "pipeline")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE orders (id INT PRIMARY KEY, name VARCHAR(30), amount DECIMAL(10,2), secret VARCHAR(20))")
        try connection.execute("CREATE TABLE audit_log (id INT PRIMARY KEY, note VARCHAR(20))")
        let topic = try cluster.newTopic("pipeline", partitions: 3)
        let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-state-\(UUID().uuidString.prefix(8))").path
        try CheckpointStore.prepare(directory: stateDirectory)
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let config = try configuration("orders", sandbox: sandbox, database: database.name, topic: topic, cluster: cluster,
                                       queue: .init(maximumMessages: 500, maximumBytes: 1 << 20))

        var runner = try PipelineRunner(configuration: config, stateDirectory: stateDirectory, logger: logger())
        try runner.start()
        #expect(waitUntil(seconds: 10) { runner.status == .running })
        Thread.sleep(forTimeInterval: 0.5)

        // Singles, a multi-statement transaction, a rolled-back one, a 20k-row one, updates, deletes, a DDL.
        for id in 1...50 { try connection.execute("INSERT INTO orders VALUES (\(id), 'order \(id)', \(id).25, 'pw\(id)')") }
        try connection.execute("BEGIN")
        try connection.execute("UPDATE orders SET amount = amount * 2 WHERE id <= 10")
        try connection.execute("DELETE FROM orders WHERE id BETWEEN 41 AND 45")
        try connection.execute("INSERT INTO audit_log VALUES (1, 'hidden')")
        try connection.execute("COMMIT")
        try connection.execute("BEGIN")
        try connection.execute("INSERT INTO orders VALUES (999, 'rolled back', 1, 'x')")
        try connection.execute("ROLLBACK")
        try connection.execute("INSERT INTO orders SELECT seq, CONCAT('bulk ', seq), seq / 100, 'bulk' FROM \(numbers(1000...20999))")
        try connection.execute("ALTER TABLE orders ADD COLUMN note VARCHAR(10)")
        try connection.execute("UPDATE orders SET note = 'n', name = 'renamed' WHERE id % 1000 = 7")
        let end = try connection.currentBinlogPosition()
        #expect(waitUntil { runner.savedCheckpoint.map { $0.file == end.file && $0.position >= end.position } ?? false },
                "checkpoint reaches the end: \(String(describing: runner.savedCheckpoint)) vs \(end)")
        runner.stop()
        #expect(runner.status == .stopped)

        // Written while the pipeline is down; the restarted pipeline resumes from its checkpoint.
        try connection.execute("DELETE FROM orders WHERE id > 20000")
        try connection.execute("INSERT INTO orders VALUES (51, 'after restart', 5.5, 's', NULL)")
        runner = try PipelineRunner(configuration: config, stateDirectory: stateDirectory, logger: logger())
        try runner.start()
        let final = try connection.currentBinlogPosition()
        #expect(waitUntil { runner.savedCheckpoint.map { $0.file == final.file && $0.position >= final.position } ?? false })
        runner.stop()

        var rebuilt = TableRebuilder()
        let consumed = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic, timeoutSeconds: 60)
        try rebuilt.apply(consumed)
        let rows = try connection.query("SELECT id, name, amount, note FROM orders")
        let expected = TableRebuilder.select(rows, columns: ["id", "name", "amount", "note"])
        let actual = rebuilt.tables["\(database.name).orders"] ?? [:]
        #expect(actual.count == expected.count)
        let differences = TableRebuilder.firstDifferences(actual, expected)
        #expect(differences == nil, "rebuilt table differs from SELECT *: \(differences ?? "")")
        #expect(rebuilt.tables["\(database.name).audit_log"] == nil, "excluded table")
        #expect(!consumed.contains { $0.valueText.contains("\"secret\"") }, "excluded column")
        #expect(!consumed.contains { $0.valueText.contains("rolled back") })
        #expect(rebuilt.ddl.contains { $0.contains("ADD COLUMN note") })
        // Nothing repeated across the restart: as many messages as changes.
        let changes = 50 + 10 + 5 + 20_000 + 21 + (20_999 - 20_000) + 1
        #expect(rebuilt.messages == changes + 1, "changes plus the ALTER")
        let mode = try FileManager.default.attributesOfItem(atPath: stateDirectory + "/orders.position.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

/// A message Kafka refuses for good stops the pipeline with the topic and the reason, and its
/// checkpoint stays before that message.
@Suite(.serialized) struct PipelineFailureTests {
    @Test func permanentKafkaErrorStopsThePipelineBeforeTheFailedMessage() throws {
        // A server of its own: no other test's writes move the binlog while positions are compared exactly.
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let database = try TestDatabase.create(prefix: "failure", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("failure", partitions: 1)
        let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-state-\(UUID().uuidString.prefix(8))").path
        try CheckpointStore.prepare(directory: stateDirectory)
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        var logger = Logger(label: "binlogo.test.failure")
        logger.logLevel = .critical
        let runner = try PipelineRunner(
            configuration: PipelineConfiguration(
                name: "failure", source: sandbox.sourceConfiguration(start: .current),
                output: .kafka(KafkaOutputConfiguration(brokers: [cluster.bootstrapServers], profile: .idempotent,
                                                        topic: try TopicTemplate(topic))),
                filters: .init(include: ["\(database.name).*"])),
            stateDirectory: stateDirectory, logger: logger)
        try runner.start()
        defer { runner.stop() }
        let deadline = Date().addingTimeInterval(10)
        while runner.savedCheckpoint == nil && Date() < deadline { usleep(50_000) }

        try connection.execute("INSERT INTO t VALUES (1)")
        let afterFirst = try connection.currentBinlogPosition()
        let acknowledged = Date().addingTimeInterval(20)
        while runner.savedCheckpoint?.position != afterFirst.position && Date() < acknowledged { usleep(50_000) }
        #expect(runner.savedCheckpoint?.position == afterFirst.position)

        try cluster.control("request-errors 0 MSG_SIZE_TOO_LARGE")
        try connection.execute("INSERT INTO t VALUES (2)")
        let failed = Date().addingTimeInterval(20)
        while Date() < failed {
            if case .failed = runner.status { break }
            usleep(50_000)
        }
        guard case .failed(let reason) = runner.status else {
            Issue.record("the pipeline did not fail: \(runner.status)")
            return
        }
        #expect(reason.contains(topic) && reason.lowercased().contains("too large"), "\(reason)")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(runner.savedCheckpoint?.position == afterFirst.position, "the checkpoint stays before the failed message")
    }
}

/// The checkpoint file: written whole and private, and a damaged one is an error, never a silent
/// restart from the configured start.
@Suite struct CheckpointStoreTests {
    private func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-checkpoint-\(UUID().uuidString.prefix(8))").path
        try CheckpointStore.prepare(directory: path)
        return path
    }

    @Test func savesAtomicallyPrivatelyAndRefusesDamage() throws {
        let path = try directory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o077 } == 0, "the state directory is not readable by others")
        let store = CheckpointStore(directory: path, pipeline: "p")
        #expect(try store.load() == nil)
        try store.save(SourcePosition(file: "binlog.000007", position: 1234, gtid: "0-1-99"))
        #expect(try store.load() == SourcePosition(file: "binlog.000007", position: 1234, gtid: "0-1-99"))
        #expect(try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int == 0o600)
        #expect(!FileManager.default.fileExists(atPath: store.path + ".tmp"), "no temporary file left behind")

        for damage in ["{\"file\":\"binlog.000007\",\"posi", "", "not json at all", "{\"file\":1}"] {
            try damage.write(toFile: store.path, atomically: false, encoding: .utf8)
            let error = try #require(throws: CheckpointStore.Failure.self) { try store.load() }
            #expect(error.description.contains(store.path) && error.description.contains("corrupt"), "\(error)")
        }
    }
}
