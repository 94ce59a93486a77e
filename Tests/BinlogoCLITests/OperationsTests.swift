import Foundation
import MySQLSource
import TestBench
import Testing

/// The daemon's HTTP endpoint, `binlogo status` and `binlogo position`, as an operator uses them.
@Suite(.serialized) struct OperationsTests {
    @Test func metricsStatusHealthAndPositions() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "ops")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("ops")
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "ops", serverID: 7301, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], httpListen: "127.0.0.1:0")
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") && daemon.log.contains("http listening") })
        let address = try #require(daemon.log.split(separator: " ").first { $0.hasPrefix("address=") }.map { String($0.dropFirst("address=".count)) })
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(1...100))")
        // MySQL: every transaction committed by now comes before the insert's end in the binlog.
        let committedByInsert = sandbox.flavor == .mysql ? try connection.queryValue("SELECT @@global.gtid_executed") : nil
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topic) == 100 })
        Thread.sleep(forTimeInterval: 1.5)  // a checkpoint and a metrics refresh

        let metrics = try httpRequest(address, "/metrics")
        #expect(metrics.status == "200")
        for line in metrics.body.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.range(of: #"^[a-z_]+(\{[^}]*\})? -?[0-9.e+]+$"#, options: .regularExpression) != nil, "not Prometheus text: \(line)")
        }
        #expect(metrics.body.contains("binlogo_rows_sent_total{pipeline=\"ops\",table=\"\(database.name).t\"} 100"), "\(metrics.body)")
        #expect(metrics.body.contains("binlogo_messages_acknowledged_total{pipeline=\"ops\"} 100"))
        #expect(metrics.body.contains("binlogo_ack_latency_seconds_count{pipeline=\"ops\"} 1"), "one sample in 64 messages")
        #expect(metrics.body.contains("binlogo_reconnects_total{pipeline=\"ops\"} 0"))
        // The shared server carries other tests' writes too: what was read and not filtered out is this test's 100 rows.
        func value(_ name: String) -> Double? {
            metrics.body.split(separator: "\n").first { $0.hasPrefix("\(name){pipeline=\"ops\"} ") }
                .flatMap { Double($0.split(separator: " ").last!) }
        }
        #expect((value("binlogo_rows_read_total") ?? 0) - (value("binlogo_rows_filtered_total") ?? 0) == 100)

        let status = try httpRequest(address, "/status")
        let object = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
        let pipeline = try #require((object?["pipelines"] as? [[String: Any]])?.first)
        #expect(pipeline["name"] as? String == "ops" && pipeline["state"] as? String == "running")
        #expect((pipeline["checkpoint"] as? [String: Any])?["file"] is String)
        if let committedByInsert {
            // The checkpoint's GTID set: at least up to the insert, at most what the server has.
            let text = try #require((pipeline["checkpoint"] as? [String: Any])?["gtid_set"] as? String, "\(status.body)")
            let checkpointSet = try MySQLGTIDSet(parsing: text)
            #expect(checkpointSet.contains(try MySQLGTIDSet(parsing: committedByInsert)), "\(text) vs \(committedByInsert)")
            #expect(try MySQLGTIDSet(parsing: try #require(try connection.queryValue("SELECT @@global.gtid_executed"))).contains(checkpointSet))
        } else {
            #expect((pipeline["checkpoint"] as? [String: Any])?["gtid_set"] is NSNull, "MariaDB positions carry no GTID set")
        }
        #expect(try httpRequest(address, "/healthz") == ("200", "ok\n"))
        #expect(try httpRequest(address, "/status", method: "POST").status == "405", "nothing that changes state is served")
        #expect(try httpRequest(address, "/position").status == "404")

        let table = try runProduct("binlogo", ["status", "--address", address])
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("PIPELINE") && table.standardOutput.contains("ops") && table.standardOutput.contains("running"),
                "\(table.standardOutput)")

        let refused = try runProduct("binlogo", ["position", "set", "--config", daemon.configPath, "--pipeline", "ops", "binlog.000001:4"])
        #expect(refused.status == 1 && refused.standardError.contains("is running in another binlogo process"), "\(refused.standardError)")
        #expect(daemon.stop(signal: SIGTERM) == 0)

        let shown = try runProduct("binlogo", ["position", "show", "--config", daemon.configPath, "--pipeline", "ops"])
        #expect(shown.status == 0 && shown.standardOutput.hasPrefix("ops: binlog."))
        let set = try runProduct("binlogo", ["position", "set", "--config", daemon.configPath, "--pipeline", "ops", "binlog.000001:4"])
        #expect(set.status == 0, "\(set.standardError)")
        #expect(try runProduct("binlogo", ["position", "show", "--config", daemon.configPath, "--pipeline", "ops"]).standardOutput == "ops: binlog.000001:4\n")
        // Resume by GTID (MariaDB's GTID, MySQL's GTID set): only what was written after it arrives.
        let gtid = try #require(try connection.queryValue(sandbox.flavor == .mariadb ? "SELECT @@gtid_binlog_pos" : "SELECT @@global.gtid_executed"))
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(101...110))")
        let byGTID = try runProduct("binlogo", ["position", "set", "--config", daemon.configPath, "--pipeline", "ops", gtid])
        #expect(byGTID.status == 0, "\(byGTID.standardError)")
        #expect(try runProduct("binlogo", ["position", "show", "--config", daemon.configPath, "--pipeline", "ops"]).standardOutput == "ops: \(sandbox.flavor == .mariadb ? "gtid" : "gtid set") \(gtid)\n")
        try daemon.start()
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topic) == 110 })
        Thread.sleep(forTimeInterval: 1)
        #expect(try consumer.messageCount(topic: topic) == 110)
        #expect(daemon.stop(signal: SIGTERM) == 0)

        let unknown = try runProduct("binlogo", ["position", "show", "--config", daemon.configPath, "--pipeline", "nope"])
        #expect(unknown.status == 1 && unknown.standardError.contains("no pipeline nope"))
        let unreachable = try runProduct("binlogo", ["status", "--address", "127.0.0.1:1"])
        #expect(unreachable.status == 1 && unreachable.standardError.contains("cannot reach the daemon"))
        let version = try runProduct("binlogo", ["version"]).standardOutput
        #expect(version.hasPrefix("binlogo "))
        // The daemon's malloc is jemalloc's (Sources/CJemalloc), not glibc's: a link that lost it would run slower, silently.
        #expect(version.contains("allocator: jemalloc 5."), "\(version)")
    }
}
