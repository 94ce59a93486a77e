import Foundation
import TestBench
import Testing

/// A damaged event in the server's binlog: the pipeline reading it stops with the file, the
/// position and the reason, the daemon stays up and the other pipeline carries on.
@Suite(.serialized) struct CorruptBinlogTests {
    @Test func aChecksumMismatchInTheStreamStopsOnlyThatPipeline() throws {
        // A server of its own: the test damages one of its binlog files.
        let sandbox = try MariaDBSandbox.start()
        defer { try? sandbox.stop() }
        let cluster = try KafkaMockProcess.shared()
        let root = try sandbox.connect()
        try root.execute("CREATE DATABASE damaged")
        try root.execute("CREATE DATABASE healthy")
        try root.execute("CREATE TABLE damaged.t (id INT PRIMARY KEY, v VARCHAR(40))")
        try root.execute("CREATE TABLE healthy.t (id INT PRIMARY KEY)")
        try root.execute("FLUSH BINARY LOGS")
        let status = try root.currentBinlogPosition()
        let (file, position) = (status.file, "\(status.position)")
        try root.execute("INSERT INTO damaged.t VALUES (1, 'before'), (2, 'MARKER-TO-DAMAGE'), (3, 'after')")
        try root.execute("FLUSH BINARY LOGS")

        // Flip one byte inside the row image: the event's CRC32 no longer matches.
        let path = sandbox.directory + "/data/" + file
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let marker = Array("MARKER-TO-DAMAGE".utf8)
        let offset = try #require((0...(bytes.count - marker.count)).first { Array(bytes[$0..<($0 + marker.count)]) == marker })
        bytes[offset] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let (damagedTopic, healthyTopic) = (try cluster.newTopic("damaged"), try cluster.newTopic("healthy"))
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "damaged", serverID: 7701, sandbox: sandbox, database: "damaged", topic: damagedTopic, cluster: cluster)
                .replacingOccurrences(of: "start: current", with: "start: \"\(file):\(position)\""),
            DaemonProcess.pipeline(name: "healthy", serverID: 7702, sandbox: sandbox, database: "healthy", topic: healthyTopic, cluster: cluster),
        ], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
        try daemon.start()
        var damagedStatus = ""
        let reported = waitUntil(seconds: 30) {
            damagedStatus = (try? daemon.get("/status")) ?? ""
            return damagedStatus.contains("checksum mismatch")
        }
        #expect(reported, "/status names the damage: \(damagedStatus)\n\(daemon.log)")
        #expect(damagedStatus.contains("\(file):"), "the error names the binlog file and position: \(damagedStatus)")
        #expect(daemon.log.contains("pipeline=damaged") && daemon.log.contains("checksum mismatch"), "\(daemon.log)")

        try root.execute("INSERT INTO healthy.t SELECT seq FROM \(numbers(1...50))")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: healthyTopic) == 50 }, "the healthy pipeline carries on")
        #expect(daemon.isRunning, "the daemon stays up")
        let published = try consumer.readAll(topic: damagedTopic)
        #expect(published.isEmpty, "nothing of the damaged event (nor after it) was published: \(published.map(\.valueText))")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
