import Foundation
import MySQLSource
import TestBench
import Testing

/// The daemon as operators run it: `binlogo run --config F` in a process of its own, against the
/// sandbox MariaDB and the mock Kafka cluster.
@Suite(.serialized) struct DaemonTests {

    @Test func twoPipelinesRebuildTheirTablesAndStopCleanly() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let shop = try TestDatabase.create(prefix: "daemon_shop"), crm = try TestDatabase.create(prefix: "daemon_crm")
        // The mock cluster keeps at most 5 MiB per partition: 16 partitions hold the ~50 MB each topic gets here.
        let shopTopic = try cluster.newTopic("shop", partitions: 16), crmTopic = try cluster.newTopic("crm", partitions: 16)
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "shop", serverID: 7001, sandbox: sandbox, database: shop.name, topic: shopTopic, cluster: cluster),
            DaemonProcess.pipeline(name: "crm", serverID: 7002, sandbox: sandbox, database: crm.name, topic: crmTopic, cluster: cluster),
        ])
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") && daemon.log.components(separatedBy: "streaming").count >= 3 }, "\(daemon.log)")

        for database in [shop, crm] {
            let connection = try database.connect()
            try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2))")
            try connection.execute("INSERT INTO t SELECT seq, CONCAT('row ', seq), seq / 4 FROM \(numbers(1...100000))")
            try connection.execute("BEGIN")
            try connection.execute("UPDATE t SET amount = amount + 1, name = 'changed' WHERE id % 7 = 0")
            try connection.execute("DELETE FROM t WHERE id % 11 = 0")
            try connection.execute("COMMIT")
            try connection.execute("BEGIN")
            try connection.execute("DELETE FROM t")
            try connection.execute("ROLLBACK")
            try connection.execute("ALTER TABLE t ADD COLUMN note VARCHAR(10)")
            for id in 100_001...100_100 { try connection.execute("INSERT INTO t VALUES (\(id), 'single', 1.5, 'n')") }
        }
        // CREATE, the 100k-row transaction, updates, deletes, ALTER, singles.
        let expectedMessages = 1 + 100_000 + 14_285 + 9_090 + 1 + 100
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        let arrived = try waitUntil(seconds: 120) {
            try consumer.messageCount(topic: shopTopic) >= expectedMessages && consumer.messageCount(topic: crmTopic) >= expectedMessages
        }
        #expect(arrived)
        #expect(daemon.stop(signal: SIGTERM) == 0, "SIGTERM: a clean exit\n\(daemon.log)")

        for (database, topic) in [(shop, shopTopic), (crm, crmTopic)] {
            let consumed = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic, timeoutSeconds: 60)
            try Self.expectHeadersMatchTheirMessages(consumed)
            var rebuilt = TableRebuilder()
            try rebuilt.apply(consumed)
            #expect(rebuilt.messages == expectedMessages, "no duplicates with the idempotent profile and a clean run")
            let expected = TableRebuilder.select(try database.connect().query("SELECT id, name, amount, note FROM t"),
                                                 columns: ["id", "name", "amount", "note"])
            let differences = TableRebuilder.firstDifferences(rebuilt.tables["\(database.name).t"] ?? [:], expected)
            #expect(differences == nil, "\(database.name): \(differences ?? "")")
        }
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: daemon.stateDirectory).filter { $0.hasSuffix(".json") }.sorted()
        #expect(checkpoints == ["crm.position.json", "shop.position.json"])
    }

    @Test func killNineMidLoadLosesNothing() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "daemon_kill")
        let topic = try cluster.newTopic("kill", partitions: 8)
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "kill", serverID: 7003, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, version INT)")
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        // Where it starts is stored (on a loaded host the first write, with its fsyncs, can trail the dump's start).
        let checkpoint = daemon.stateDirectory + "/kill.position.json"
        #expect(waitUntil(seconds: 20) { FileManager.default.fileExists(atPath: checkpoint) })

        // Transactions of 50 rows; the daemon is killed with -9 twice while they are written.
        var nextID = 1
        var checkpointsAtKill: [(file: String, position: Int)] = []
        for round in 0..<3 {
            for _ in 0..<40 {
                try connection.execute("INSERT INTO t SELECT seq, 1 FROM \(numbers(nextID...(nextID + 49)))")
                nextID += 50
            }
            try connection.execute("UPDATE t SET version = version + 1 WHERE id % 3 = 0")
            if round < 2 {
                #expect(daemon.stop(signal: SIGKILL, seconds: 10) == 128 + SIGKILL)
                let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: daemon.stateDirectory + "/kill.position.json"))) as! [String: Any]
                checkpointsAtKill.append((stored["file"] as! String, stored["position"] as! Int))
                try daemon.start()
            }
        }
        let total = nextID - 1
        var consumed: [ConsumedMessage] = []
        let arrived = try waitUntil(seconds: 90) {
            consumed = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers).readAll(topic: topic, timeoutSeconds: 60)
            return Set(consumed.compactMap { Self.change($0) }).count >= total + Self.updates(total)
        }
        #expect(arrived, "every committed change arrives")
        #expect(daemon.stop(signal: SIGTERM) == 0)

        // Every committed change is present: each insert, and each version an update produced.
        let changes = Set(consumed.compactMap { Self.change($0) })
        let missing = (1...total).filter { !changes.contains("insert \($0) 1") }
        #expect(missing.isEmpty, "\(missing.count) inserts missing, first \(missing.prefix(5))")
        let rows = try connection.query("SELECT id, version FROM t")
        var rebuilt = TableRebuilder()
        try rebuilt.apply(consumed)
        let expected = TableRebuilder.select(rows, columns: ["id", "version"])
        #expect(TableRebuilder.firstDifferences(rebuilt.tables["\(database.name).t"] ?? [:], expected) == nil)
        // Duplicates only from transactions after a checkpoint the killed daemon had stored.
        let earliest = try #require(checkpointsAtKill.min { ($0.file, $0.position) < ($1.file, $1.position) })
        var seen: Set<String> = []
        for message in consumed {
            guard let change = Self.change(message) else { continue }
            if !seen.insert(change).inserted {
                let position = try Self.position(message)
                #expect((position.file, position.position) >= (earliest.file, earliest.position),
                        "\(change) repeated from \(position), before the checkpoint \(earliest)")
            }
        }
    }

    @Test func aFailingPipelineIsRetriedWhileTheOtherRunsAndSecretsStayOutOfLogs() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let good = try TestDatabase.create(prefix: "daemon_good")
        let topic = try cluster.newTopic("good")
        let secret = "s3cret-\(UUID().uuidString.prefix(6))"
        let bad = DaemonProcess.pipeline(name: "bad", serverID: 7006, sandbox: sandbox, database: "nothing", topic: "bad", cluster: cluster)
            .replacingOccurrences(of: "user: root,", with: "user: root, password: \(secret),")
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "good", serverID: 7005, sandbox: sandbox, database: good.name, topic: topic, cluster: cluster), bad,
        ])
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        let connection = try good.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(1...100))")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 30) { try consumer.messageCount(topic: topic) == 101 }, "the good pipeline carries on")
        #expect(waitUntil(seconds: 20) { daemon.log.contains("pipeline=bad") && daemon.log.contains("restarting after a pause") }, "\(daemon.log)")
        #expect(daemon.log.contains("check the user and password"))
        #expect(daemon.stop(signal: SIGTERM) == 0)
        #expect(!daemon.log.contains(secret), "the password never appears in the log")
    }

    /// Every record's headers say what its message's head says: the rows of one event share one header
    /// list, so a row must never carry another event's position, type, table or GTID.
    private static func expectHeadersMatchTheirMessages(_ consumed: [ConsumedMessage]) throws {
        var mismatches: [String] = []
        for message in consumed {
            let object = try JSONSerialization.jsonObject(with: Data(message.value)) as! [String: Any]
            let head = object["head"] as! [String: Any]
            let position = head["position"] as! [String: Any]
            let expected = ["type": head["type"] as! String, "table": head["table"] as! String, "database": head["database"] as! String,
                            "position": "\(position["binlog_file"]!):\(position["binlog_position"]!)", "gtid": position["gtid_set"] as! String]
            for (name, value) in expected where message.header(name) != value {
                mismatches.append("offset \(message.offset): \(name) header \(message.header(name) ?? "none"), head \(value)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) headers disagree with their messages, e.g. \(mismatches.prefix(3))")
    }

    /// `insert ID VERSION` / `update ID VERSION` for a message.
    private static func change(_ message: ConsumedMessage) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
              let head = object["head"] as? [String: Any], let type = head["type"] as? String, type != "ddl",
              let data = object["data"] as? [String: Any], let row = data["new"] as? [String: Any],
              let id = row["id"] as? Int, let version = row["version"] as? Int else { return nil }
        return "\(type) \(id) \(version)"
    }

    /// The binlog position in a message's head.
    private static func position(_ message: ConsumedMessage) throws -> (file: String, position: Int) {
        let object = try JSONSerialization.jsonObject(with: Data(message.value)) as! [String: Any]
        let position = (object["head"] as! [String: Any])["position"] as! [String: Any]
        return (position["binlog_file"] as! String, position["binlog_position"] as! Int)
    }

    /// Updates made by the test's three `UPDATE … WHERE id % 3 = 0` over the growing table.
    private static func updates(_ total: Int) -> Int {
        (1...3).reduce(0) { sum, round in sum + (round * 2000) / 3 }
    }
}
