import Foundation
import TestBench
import Testing

/// A Kafka outage and a database that stays down, as an operator sees them: `/healthz` fails with
/// the pipeline named once messages wait unacknowledged (or the source reconnects) past the limits,
/// and `/status`, `binlogo status` and `/metrics` show how long since the last acknowledgement and
/// how old the checkpoint is.
@Suite(.serialized) struct KafkaOutageTests {
    private func number(_ metrics: String, _ name: String, pipeline: String) -> Double? {
        metrics.split(separator: "\n").first { $0.hasPrefix("\(name){pipeline=\"\(pipeline)\"} ") }
            .flatMap { Double($0.split(separator: " ").last!) }
    }

    @Test func aKafkaOutageFailsHealthzAndShowsInStatusAndMetrics() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.start(brokers: 1)
        defer { cluster.stop() }
        let database = try TestDatabase.create(prefix: "outage")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("outage", partitions: 1)
        let port = try freeLoopbackPort()
        let address = "127.0.0.1:\(port)"
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "orders", serverID: 7901, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], httpListen: address, mainSettings: "health: {max_unacknowledged_seconds: 2, max_reconnecting_seconds: 2}")
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(1...10))")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topic) == 10 })
        #expect(waitUntil(seconds: 10) { (try? httpRequest(address, "/healthz"))?.status == "200" })

        try cluster.control("broker-down 1")
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(11...20))")
        let written = try #require(try connection.queryValue("SELECT COUNT(*) FROM t").flatMap { Int($0) })
        var health = (status: "", body: "")
        #expect(waitUntil(seconds: 30) {
            health = (try? httpRequest(address, "/healthz")) ?? ("", "")
            return health.status == "503"
        }, "\(health)\n\(daemon.log)")
        #expect(health.body.split(separator: "\n").count == 1 && health.body.contains("orders") && health.body.contains("unacknowledged"),
                "\(health.body)")

        // The checkpoint may have moved just before the outage's first message (other tests' writes, filtered out).
        var pipeline: [String: Any] = [:]
        #expect(waitUntil(seconds: 20) {
            let body = (try? httpRequest(address, "/status").body) ?? ""
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            pipeline = (object?["pipelines"] as? [[String: Any]])?.first ?? [:]
            return (pipeline["checkpoint_age_seconds"] as? Double ?? 0) >= 2
        }, "\(pipeline)")
        #expect((pipeline["seconds_since_last_ack"] as? Double ?? 0) >= 2, "\(pipeline)")
        #expect((pipeline["unacknowledged_seconds"] as? Double ?? 0) >= 2, "\(pipeline)")

        let table = try runProduct("binlogo", ["status", "--address", address])
        #expect(table.standardOutput.contains("LAST ACK") && table.standardOutput.contains("CKPT AGE"), "\(table.standardOutput)")
        let metrics = try httpRequest(address, "/metrics").body
        #expect((number(metrics, "binlogo_seconds_since_last_acknowledgement", pipeline: "orders") ?? 0) >= 1, "\(metrics)")
        #expect((number(metrics, "binlogo_checkpoint_age_seconds", pipeline: "orders") ?? 0) >= 1, "\(metrics)")
        #expect(number(metrics, "binlogo_messages_sent_total", pipeline: "orders") == Double(written))
        #expect(number(metrics, "binlogo_messages_acknowledged_total", pipeline: "orders") == 10, "the outage's messages are not acknowledged")

        try cluster.control("broker-up 1")
        #expect(try waitUntil(seconds: 60) { try consumer.messageCount(topic: topic) == written })
        #expect(waitUntil(seconds: 20) { (try? httpRequest(address, "/healthz"))?.status == "200" }, "healthy again once Kafka acknowledges")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    @Test func aDatabaseThatStaysDownFailsHealthzAfterTheLimit() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let down = DaemonProcess.pipeline(name: "nodb", serverID: 7902, sandbox: sandbox, database: "x", topic: "x", cluster: cluster)
            .replacingOccurrences(of: "port: \(sandbox.port)", with: "port: 1")
        let daemon = try DaemonProcess(pipelines: [down], httpListen: address,
                                       mainSettings: "health: {max_unacknowledged_seconds: 2, max_reconnecting_seconds: 2}")
        try daemon.start()
        var health = (status: "", body: "")
        #expect(waitUntil(seconds: 30) {
            health = (try? httpRequest(address, "/healthz")) ?? ("", "")
            return health.status == "503"
        }, "\(health)\n\(daemon.log)")
        #expect(health.body.split(separator: "\n").count == 1 && health.body.contains("nodb") && health.body.contains("reconnecting"),
                "\(health.body)\n\(daemon.log)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
