import Foundation
import TestBench
import Testing

/// A checkpoint file torn or damaged while the daemon was down: at start the pipeline refuses it
/// with its path and the fix, and never falls back to its configured start.
@Suite struct DamagedCheckpointTests {
    @Test func aTruncatedCheckpointAtStartIsAClearErrorNotARestartFromCurrent() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "damaged_checkpoint")
        let topic = try cluster.newTopic("damaged-checkpoint")
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "p", serverID: 7801, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        let checkpoint = daemon.stateDirectory + "/p.position.json"
        try "{\"file\":\"binlog.000001\",\"posi".write(toFile: checkpoint, atomically: true, encoding: .utf8)
        try daemon.start()
        var status = ""
        #expect(waitUntil(seconds: 20) {
            status = (try? daemon.get("/status")) ?? ""
            return status.contains("is corrupt")
        }, "\(status)\n\(daemon.log)")
        #expect(status.contains(checkpoint) && status.contains("binlogo position set"), "names the file and the fix: \(status)")
        #expect(!daemon.log.contains("streaming"), "the pipeline did not start from its configured start")
        #expect(try String(contentsOfFile: checkpoint, encoding: .utf8) == "{\"file\":\"binlog.000001\",\"posi", "the file is left for the operator")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    /// The fix the error names, `binlogo position set`, works while the daemon keeps retrying the
    /// pipeline: a failed start leaves the pipeline's lock free, and the next retry streams from the new position.
    @Test func positionSetFixesItWhileTheDaemonRuns() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "damaged_fix")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("damaged-fix")
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "p", serverID: 7802, sandbox: sandbox, database: database.name, topic: topic, cluster: cluster),
        ], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        try "{\"file\":".write(toFile: daemon.stateDirectory + "/p.position.json", atomically: true, encoding: .utf8)
        try daemon.start()
        #expect(waitUntil(seconds: 20) { ((try? daemon.get("/status")) ?? "").contains("is corrupt") }, "\(daemon.log)")
        let start = try connection.currentBinlogPosition()
        let set = try runProduct("binlogo", ["position", "set", "--config", daemon.configPath, "--pipeline", "p", "\(start.file):\(start.position)"])
        #expect(set.status == 0, "\(set.standardError)")
        try connection.execute("INSERT INTO t SELECT seq FROM \(numbers(1...5))")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 30) { try consumer.messageCount(topic: topic) == 5 }, "the retry streams from the position set: \(daemon.log)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
