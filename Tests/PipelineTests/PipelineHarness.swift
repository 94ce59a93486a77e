import Foundation
import KafkaOutput
import Logging
import MySQLSource
import Pipeline
import TestBench

/// One in-process pipeline on a test database and a topic of its own, with a state directory that
/// goes away with it; messages are read back from Kafka and parsed.
final class PipelineHarness {
    let database: TestDatabase
    let cluster: KafkaMockProcess
    let topic: String
    let stateDirectory: String
    let configuration: PipelineConfiguration
    private(set) var runner: PipelineRunner

    init(prefix: String, sandbox: MariaDBSandbox? = nil, cluster: KafkaMockProcess? = nil, topicTemplate: String? = nil,
         filters: (String) -> PipelineConfiguration.Filters = { .init(include: ["\($0).*"]) },
         key: MessageKeyMode = .primaryKey, partitions: Int = 3,
         adjust: (inout PipelineConfiguration) -> Void = { _ in }) throws {
        let sandbox = try sandbox ?? MariaDBSandbox.shared()
        self.cluster = try cluster ?? KafkaMockProcess.shared()
        database = try TestDatabase.create(prefix: prefix, on: sandbox)
        topic = try self.cluster.newTopic(prefix, partitions: partitions)
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-state-\(UUID().uuidString.prefix(8))").path
        try CheckpointStore.prepare(directory: stateDirectory)
        var configuration = PipelineConfiguration(
            name: prefix, source: sandbox.sourceConfiguration(start: .current),
            output: .kafka(KafkaOutputConfiguration(brokers: [self.cluster.bootstrapServers], profile: .idempotent,
                                                    properties: ["linger.ms": "5"], topic: try TopicTemplate(topicTemplate ?? topic),
                                                    key: key)),
            filters: filters(database.name))
        adjust(&configuration)
        self.configuration = configuration
        var logger = Logger(label: "binlogo.test.\(prefix)")
        logger.logLevel = ProcessInfo.processInfo.environment["BINLOGO_TEST_LOG"] == nil ? .critical : .info
        runner = try PipelineRunner(configuration: configuration, stateDirectory: stateDirectory, logger: logger)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// Starts the pipeline and waits until it has stored where it starts.
    func start() throws {
        try runner.start()
        _ = waitUntil(seconds: 10) { runner.savedCheckpoint != nil }
    }

    /// A new runner on the same configuration and state (after a stop).
    func restart() throws {
        var logger = Logger(label: "binlogo.test.\(configuration.name)")
        logger.logLevel = ProcessInfo.processInfo.environment["BINLOGO_TEST_LOG"] == nil ? .critical : .info
        runner = try PipelineRunner(configuration: configuration, stateDirectory: stateDirectory, logger: logger)
        try start()
    }

    /// Waits until the checkpoint reaches the server's current binlog position.
    @discardableResult
    func waitForCheckpointAtEnd(seconds: Double = 30) throws -> Bool {
        let end = try database.connect().currentBinlogPosition()
        return waitUntil(seconds: seconds) {
            runner.savedCheckpoint.map { $0.file > end.file || ($0.file == end.file && $0.position >= end.position) } ?? false
        }
    }

    /// Every message of the topic (or of `topic`), in partition and offset order.
    func messages(topic: String? = nil) throws -> [ConsumedMessage] {
        try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic ?? self.topic)
    }

    /// The messages' values as JSON objects, in the order of `messages`.
    static func values(_ messages: [ConsumedMessage]) throws -> [[String: Any]] {
        try messages.map { try JSONSerialization.jsonObject(with: Data($0.value)) as! [String: Any] }
    }
}

extension Dictionary where Key == String, Value == Any {
    var head: [String: Any] { self["head"] as? [String: Any] ?? [:] }
    var newImage: [String: Any]? { (self["data"] as? [String: Any])?["new"] as? [String: Any] }
    var oldImage: [String: Any]? { (self["data"] as? [String: Any])?["old"] as? [String: Any] }
}
