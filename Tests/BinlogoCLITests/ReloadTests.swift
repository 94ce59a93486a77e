import Foundation
import TestBench
import Testing

/// SIGHUP, systemd notify and JSON logs, with the daemon as a separate process.
@Suite(.serialized) struct ReloadTests {
    @Test func sighupAddsRemovesAndChangesPipelinesWithoutTouchingTheOthers() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let (a, b, c) = (try TestDatabase.create(prefix: "reload_a"), try TestDatabase.create(prefix: "reload_b"), try TestDatabase.create(prefix: "reload_c"))
        for database in [a, b, c] {
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
            try connection.execute("CREATE TABLE secret_t (id INT PRIMARY KEY)")
        }
        let (topicA, topicB, topicC) = (try cluster.newTopic("reload-a"), try cluster.newTopic("reload-b"), try cluster.newTopic("reload-c"))
        func pipeline(_ name: String, _ id: Int, _ database: TestDatabase, _ topic: String, exclude: [String] = []) -> String {
            DaemonProcess.pipeline(name: name, serverID: id, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster, exclude: exclude)
        }
        let daemon = try DaemonProcess(pipelines: [pipeline("a", 7201, a, topicA), pipeline("b", 7202, b, topicB)], logFormat: "json")
        let notify = try NotifyListener()
        try daemon.start(environment: ["NOTIFY_SOCKET": notify.path])
        #expect(notify.receive() == "READY=1")
        #expect(waitUntil(seconds: 20) { daemon.log.components(separatedBy: "\"message\":\"streaming\"").count == 3 })

        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        try a.connect().execute("INSERT INTO t VALUES (1)")
        try a.connect().execute("INSERT INTO secret_t VALUES (1)")
        try b.connect().execute("INSERT INTO t VALUES (1)")
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topicA) == 2 && consumer.messageCount(topic: topicB) == 1 })

        // Remove b, add c, exclude a's secret table; a must keep its connection.
        try daemon.rewrite(pipelines: [pipeline("a", 7201, a, topicA, exclude: ["\(a.name).secret_*"]), pipeline("c", 7203, c, topicC)],
                           logFormat: "json")
        daemon.process!.signal(SIGHUP)
        #expect(notify.receive()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
        #expect(notify.receive() == "READY=1")
        #expect(waitUntil(seconds: 20) { daemon.log.contains("\"message\":\"reloaded\"") })
        #expect(daemon.log.contains("\"filters_changed\":\"a\"") && daemon.log.contains("\"started\":\"c\"") && daemon.log.contains("\"stopped\":\"b\""),
                "\(daemon.log)")
        #expect(waitUntil(seconds: 20) { daemon.log.components(separatedBy: "\"message\":\"streaming\"").count == 4 }, "c connects")

        try a.connect().execute("INSERT INTO t VALUES (2)")
        try a.connect().execute("INSERT INTO secret_t VALUES (2)")
        try b.connect().execute("INSERT INTO t VALUES (2)")
        try c.connect().execute("INSERT INTO t VALUES (1)")
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topicA) == 3 && consumer.messageCount(topic: topicC) == 1 })
        Thread.sleep(forTimeInterval: 1)
        let published = try consumer.readAll(topic: topicA).map(\.valueText)
        #expect(published.filter { $0.contains("secret_t") }.count == 1, "the new filter applies from the reload on")
        #expect(try consumer.messageCount(topic: topicB) == 1, "b stopped")
        let aStreams = daemon.log.split(separator: "\n").filter { $0.contains("\"message\":\"streaming\"") && $0.contains("\"pipeline\":\"a\"") }
        #expect(aStreams.count == 1, "a kept its MySQL connection")

        // An invalid file: refused, everything keeps running.
        try "pipelines: [{name: broken}]\n".write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.process!.signal(SIGHUP)
        #expect(notify.receive()?.hasPrefix("RELOADING=1") == true)
        #expect(notify.receive() == "READY=1")
        #expect(waitUntil(seconds: 10) { daemon.log.contains("reload refused") })
        try a.connect().execute("INSERT INTO t VALUES (3)")
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topicA) == 4 })

        #expect(daemon.stop(signal: SIGTERM) == 0)
        #expect(notify.receive() == "STOPPING=1")
        // Every log line is a JSON object with time, level and message.
        for line in daemon.log.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
    }

    @Test func sigtermMidLoadStopsCleanlyAndTheRestartRepeatsNothing() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "sigterm")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, note VARCHAR(40))")
        let topic = try cluster.newTopic("sigterm", partitions: 8)
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "sigterm", serverID: 7401, sandbox: sandbox, database: database.name, topic: topic,
                                   cluster: cluster, queue: "{max_messages: 200, max_bytes: 1MiB}"),
        ])
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        try connection.execute("INSERT INTO t SELECT seq, 'bulk' FROM \(numbers(1...30000))")
        for id in 30_001...30_200 { try connection.execute("INSERT INTO t VALUES (\(id), 'single')") }
        #expect(try waitUntil(seconds: 30) { try consumer.messageCount(topic: topic) > 0 })
        #expect(daemon.stop(signal: SIGTERM, seconds: 40) == 0, "a clean exit within the timeout")
        try daemon.start()
        #expect(try waitUntil(seconds: 60) { try consumer.messageCount(topic: topic) >= 30_200 })
        Thread.sleep(forTimeInterval: 1)
        #expect(daemon.stop(signal: SIGTERM) == 0)
        let ids = try consumer.readAll(topic: topic).compactMap { message -> Int? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
                  let row = (object["data"] as? [String: Any])?["new"] as? [String: Any] else { return nil }
            return row["id"] as? Int
        }
        #expect(ids.count == 30_200, "nothing repeated")
        #expect(Set(ids) == Set(1...30_200), "nothing lost")
    }

    @Test func sighupWithChangedKafkaSettingsRestartsOnlyThatPipeline() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let (a, b) = (try TestDatabase.create(prefix: "kafka_a"), try TestDatabase.create(prefix: "kafka_b"))
        for database in [a, b] { try database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY)") }
        let (topicA, topicB) = (try cluster.newTopic("kafka-a"), try cluster.newTopic("kafka-b"))
        func pipelines(producers: Int) -> [String] {
            [DaemonProcess.pipeline(name: "a", serverID: 7501, sandbox: sandbox, database: a.name, topic: topicA, cluster: cluster)
                .replacingOccurrences(of: "properties: {linger.ms: 5}", with: "properties: {linger.ms: 5}\n        producers: \(producers)"),
             DaemonProcess.pipeline(name: "b", serverID: 7502, sandbox: sandbox, database: b.name, topic: topicB, cluster: cluster)]
        }
        let daemon = try DaemonProcess(pipelines: pipelines(producers: 1), logFormat: "json")
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.components(separatedBy: "\"message\":\"streaming\"").count == 3 })
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        try a.connect().execute("INSERT INTO t SELECT seq FROM \(numbers(1...100))")
        try b.connect().execute("INSERT INTO t SELECT seq FROM \(numbers(1...100))")
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topicA) == 100 && consumer.messageCount(topic: topicB) == 100 })

        try daemon.rewrite(pipelines: pipelines(producers: 3), logFormat: "json")
        daemon.process!.signal(SIGHUP)
        #expect(waitUntil(seconds: 20) { daemon.log.contains("\"restarted\":\"a\"") && daemon.log.contains("\"unchanged\":\"b\"") }, "\(daemon.log)")
        #expect(waitUntil(seconds: 20) { daemon.log.components(separatedBy: "\"message\":\"streaming\"").count == 4 }, "a reconnects")
        try a.connect().execute("INSERT INTO t SELECT seq FROM \(numbers(101...200))")
        try b.connect().execute("INSERT INTO t SELECT seq FROM \(numbers(101...200))")
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topicA) == 200 && consumer.messageCount(topic: topicB) == 200 })
        Thread.sleep(forTimeInterval: 1)
        #expect(try consumer.messageCount(topic: topicA) == 200, "the restarted pipeline repeats nothing")
        let bStreams = daemon.log.split(separator: "\n").filter { $0.contains("\"message\":\"streaming\"") && $0.contains("\"pipeline\":\"b\"") }
        #expect(bStreams.count == 1, "b kept its connection")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    /// Every file of the broken-configuration corpus, given on SIGHUP: refused with its file, line and
    /// key, while the running pipeline keeps its connection and carries on.
    @Test func sighupWithEachBrokenConfigurationKeepsThePipelinesRunning() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "corpus")
        try database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("corpus")
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "a", serverID: 7601, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], logFormat: "json")
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("\"message\":\"streaming\"") })
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        for (index, mistake) in ConfigurationCorpus.cases.enumerated() {
            try mistake.yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            var refusal = ""
            let refused = waitUntil(seconds: 10) {
                let refusals = daemon.log.split(separator: "\n").filter { $0.contains("reload refused") }
                guard refusals.count == index + 1 else { return false }
                refusal = String(refusals[index])
                return true
            }
            #expect(refused, "\(mistake.name): no refusal in the log")
            let location = daemon.configPath + (mistake.line.map { ":\($0)" } ?? "") + ": "
                + (mistake.keyPath.isEmpty ? "" : mistake.keyPath + ": ")
            #expect(refusal.contains(location) && refusal.contains(mistake.message), "\(mistake.name): \(refusal)")
            try database.connect().execute("INSERT INTO t VALUES (\(index + 1))")
        }
        let count = ConfigurationCorpus.cases.count
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topic) == count }, "the pipeline carried on through every refusal")
        let streams = daemon.log.split(separator: "\n").filter { $0.contains("\"message\":\"streaming\"") }
        #expect(streams.count == 1, "the pipeline kept its connection")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
