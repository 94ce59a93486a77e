import Foundation
import TestBench
import Testing

/// `/metrics` as a Prometheus server and an operator read it: every metric explained by a HELP line,
/// and the per-table label bounded however many tables a pipeline sees.
@Suite(.serialized) struct MetricsTests {
    @Test func everyMetricHasHelpAndTableLabelsAreBounded() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "labels")
        let connection = try database.connect()
        let tables = 105
        for index in 1...tables { try connection.execute("CREATE TABLE t\(index) (id INT PRIMARY KEY)") }
        let topic = try cluster.newTopic("labels")
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "labels", serverID: 7951, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], httpListen: address)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        for index in 1...tables { try connection.execute("INSERT INTO t\(index) VALUES (1)") }
        let written = try #require(try connection.queryValue("""
            SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\(database.name)'
            """).flatMap { Int($0) })
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 30) { try consumer.messageCount(topic: topic) == written })
        Thread.sleep(forTimeInterval: 1.5)  // a metrics refresh
        let metrics = try httpRequest(address, "/metrics").body
        let lines = metrics.split(separator: "\n")
        for (index, line) in lines.enumerated() where line.hasPrefix("# TYPE ") {
            let name = line.split(separator: " ")[2]
            #expect(index > 0 && lines[index - 1].hasPrefix("# HELP \(name) ") && lines[index - 1].count > "# HELP \(name) ".count,
                    "no HELP for \(name)")
        }
        let perTable = lines.filter { $0.hasPrefix("binlogo_rows_sent_total{pipeline=\"labels\",") }
        #expect(perTable.count <= 101, "\(perTable.count) table labels")
        let counted = perTable.compactMap { Int($0.split(separator: " ").last!) }.reduce(0, +)
        #expect(counted == written, "every row is counted, the tables past the cap under table=\"other\"")
        #expect(perTable.contains { $0.contains("table=\"other\"") })
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
