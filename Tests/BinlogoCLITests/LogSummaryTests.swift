import Foundation
import TestBench
import Testing

/// The daemon's log as an operator reads it: repeated errors summarised instead of one line per
/// message, librdkafka's own lines inside the JSON stream, typed JSON values, quoted text values.
@Suite(.serialized) struct LogSummaryTests {
    /// How many failures the log accounts for: each first line counts one, each summary its `repeated` count.
    private func accountedFailures(_ log: String, _ message: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(message) }.reduce(0) { total, line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return total }
            return total + ((object["repeated"] as? Int) ?? 1)
        }
    }

    @Test func aBadTopicIsSummarisedNotLoggedPerMessage() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let database = try TestDatabase.create(prefix: "flood")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = "flood-\(UUID().uuidString.prefix(8).lowercased())"
        try cluster.control("topic-error \(topic) UNKNOWN_TOPIC_OR_PART")
        let pipeline = DaemonProcess.pipeline(name: "flood", serverID: 7921, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster)
            .replacingOccurrences(of: "properties: {linger.ms: 5}", with: """
                profile: performance
                        properties: {linger.ms: 5, allow.auto.create.topics: false, topic.metadata.propagation.max.ms: 500, message.timeout.ms: 3000}
                """)
        let daemon = try DaemonProcess(pipelines: [pipeline], logFormat: "json")
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
            .replacingOccurrences(of: "format: json}", with: "format: json, summary_seconds: 1}")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") }, "\(daemon.log)")
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(1...2000))")
        let written = try #require(try connection.queryValue("SELECT COUNT(*) FROM t").flatMap { Int($0) })
        #expect(waitUntil(seconds: 60) { accountedFailures(daemon.log, "message lost") == written }, "\(daemon.log.suffix(3000))")
        let lines = daemon.log.split(separator: "\n").filter { $0.contains("message lost") }
        #expect(lines.count < 40, "\(lines.count) lines for \(written) lost messages")
        #expect(lines.contains { $0.contains("\"repeated\":") && $0.contains(topic) }, "a summary names the count and the last error")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    @Test func librdkafkaLinesJoinTheJSONLogWithTypedValues() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "rdlog")
        try database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let unreachable = DaemonProcess.pipeline(name: "nokafka", serverID: 7922, sandbox: sandbox, database: database.name, topic: "x", cluster: cluster)
            .replacingOccurrences(of: "brokers: [\"\(cluster.bootstrapServers)\"]", with: "brokers: [\"127.0.0.1:1\"]")
        let damaged = DaemonProcess.pipeline(name: "damaged", serverID: 7923, sandbox: sandbox, database: database.name, topic: "y", cluster: cluster)
        let daemon = try DaemonProcess(pipelines: [unreachable, damaged], logFormat: "json")
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        try "{\"file\":".write(toFile: daemon.stateDirectory + "/damaged.position.json", atomically: true, encoding: .utf8)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        try database.connect().execute("INSERT INTO t VALUES (1)")
        #expect(waitUntil(seconds: 30) { daemon.log.contains("127.0.0.1:1") && daemon.log.contains("retry_in_seconds") }, "\(daemon.log)")
        for line in daemon.log.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
        }
        let kafkaLine = try #require(daemon.log.split(separator: "\n").first { $0.contains("127.0.0.1:1") && $0.contains("\"label\":\"librdkafka\"") },
                                     "\(daemon.log)")
        #expect(kafkaLine.contains("\"level\":\"error\"") || kafkaLine.contains("\"level\":\"warning\""), "\(kafkaLine)")
        #expect(kafkaLine.contains("\"pipeline\":\"nokafka\""), "\(kafkaLine)")
        #expect(daemon.log.contains("\"retry_in_seconds\":5"), "a number stays a number: \(daemon.log)")
        // A clean stop would wait --stop-timeout for a Kafka that never answers; the logs are what this test is about.
        daemon.stop(signal: SIGKILL)
    }

    @Test func textLogQuotesValuesWithSpaces() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let damaged = DaemonProcess.pipeline(name: "damaged", serverID: 7924, sandbox: sandbox, database: "x", topic: "y", cluster: cluster)
        let daemon = try DaemonProcess(pipelines: [damaged], logFormat: "text")
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        let checkpoint = daemon.stateDirectory + "/damaged.position.json"
        try "{\"file\":".write(toFile: checkpoint, atomically: true, encoding: .utf8)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("retry_in_seconds") }, "\(daemon.log)")
        let line = try #require(daemon.log.split(separator: "\n").first { $0.contains("retry_in_seconds") })
        #expect(line.contains("error=\"checkpoint \(checkpoint) is corrupt (8 bytes): fix it with `binlogo position set`"), "\(line)")
        #expect(line.contains("retry_in_seconds=5"), "\(line)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
