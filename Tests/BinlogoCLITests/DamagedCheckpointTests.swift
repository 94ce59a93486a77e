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
}
