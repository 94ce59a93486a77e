import Foundation
import MySQLSource
import TestBench
import Testing

/// A message librdkafka refuses when it is produced (larger than `message.max.bytes`): the
/// performance profile counts it, logs it and goes on; the others stop with one line naming the
/// table, the binlog position and the setting to change.
@Suite(.serialized) struct ProduceRefusalTests {
    /// A pipeline whose producer refuses messages above 20,000 bytes.
    private func pipeline(_ name: String, serverID: Int, database: TestDatabase, topic: String, profile: String) throws -> String {
        DaemonProcess.pipeline(name: name, serverID: serverID, sandbox: try MariaDBSandbox.shared(), database: database.name, topic: topic,
                               cluster: try KafkaMockProcess.shared())
            .replacingOccurrences(of: "properties: {linger.ms: 5}",
                                  with: "profile: \(profile)\n        properties: {linger.ms: 5, message.max.bytes: 20000, batch.size: 20000}")
    }

    /// The binlog file and position of the first rows event on `table` after `start`, as the server lists
    /// its events (other tests write to the same binlog: the rows event is the one after `table`'s table map).
    private func rowsEventPosition(after start: (file: String, position: UInt32), table: String,
                                   connection: MySQLConnection) throws -> String {
        let events = try connection.serverBinlogEvents(in: start.file, from: start.position)
        let tableMap = try #require(events.firstIndex { ($0[2] ?? "") == "Table_map" && ($0[5] ?? "").hasSuffix("(\(table))") })
        let rows = try #require(events[tableMap...].first { ($0[2] ?? "").hasPrefix("Write_rows") })
        return "\(start.file):\(rows[1] ?? "")"
    }

    @Test func performanceCountsTheRefusedMessageAndGoesOn() throws {
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "refused_perf")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, note LONGTEXT)")
        let topic = try cluster.newTopic("refused-perf")
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let daemon = try DaemonProcess(pipelines: [try pipeline("fast", serverID: 7911, database: database, topic: topic, profile: "performance")],
                                       httpListen: address)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        try connection.execute("INSERT INTO t VALUES (1, 'small')")
        try connection.execute("INSERT INTO t VALUES (2, REPEAT('x', 50000))")
        try connection.execute("INSERT INTO t SELECT seq, 'small' FROM \(numbers(3...10))")
        let expected = try #require(try connection.queryValue("SELECT COUNT(*) FROM t WHERE LENGTH(note) < 20000").flatMap { Int($0) })
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 30) { try consumer.messageCount(topic: topic) == expected }, "\(daemon.log)")
        var metrics = ""
        #expect(waitUntil(seconds: 10) {
            metrics = (try? httpRequest(address, "/metrics").body) ?? ""
            return metrics.contains("binlogo_messages_refused_total{pipeline=\"fast\"} 1")
        }, "\(metrics)")
        let status = try httpRequest(address, "/status").body
        #expect(status.contains("\"state\":\"running\""), "\(status)")
        let refusals = daemon.log.split(separator: "\n").filter { $0.contains("refused") }
        #expect(refusals.count == 1 && refusals[0].contains("\(database.name).t"), "\(daemon.log)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    @Test func otherProfilesStopNamingTableBinlogPositionAndSetting() throws {
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "refused_safe")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, note LONGTEXT)")
        let topic = try cluster.newTopic("refused-safe")
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let daemon = try DaemonProcess(pipelines: [try pipeline("safe", serverID: 7912, database: database, topic: topic, profile: "idempotent")],
                                       httpListen: address)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") })
        let start = try connection.currentBinlogPosition()
        try connection.execute("INSERT INTO t VALUES (2, REPEAT('x', 50000))")
        let place = try rowsEventPosition(after: (start.file, start.position), table: "\(database.name).t", connection: connection)
        var error = ""
        #expect(waitUntil(seconds: 30) {
            let body = (try? httpRequest(address, "/status").body) ?? ""
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            error = ((object?["pipelines"] as? [[String: Any]])?.first?["last_error"] as? String) ?? ""
            return !error.isEmpty
        }, "\(daemon.log)")
        #expect(!error.contains("\n"))
        #expect(error.contains("\(database.name).t") && error.contains(place) && error.contains("message.max.bytes"), "\(error) (expected \(place))")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
