import Foundation
import TestBench
import Testing

/// A second `binlogo run` of the same configuration (or on the same HTTP port) exits at once with
/// one line naming what is held and by which process, instead of running half-started.
@Suite(.serialized) struct SingleInstanceTests {
    /// Runs `binlogo run --config path` and returns its exit status and stderr, or nil if it is still running after 20 s.
    private func runSecond(_ configPath: String) throws -> (status: Int32, error: String)? {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-second-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let second = try ChildProcess.spawn(PackageLocation.product("binlogo"), ["run", "--config", configPath], standardError: log)
        guard waitUntil(seconds: 20, { !second.isRunning }) else {
            second.signal(SIGKILL)
            second.wait()
            return nil
        }
        return (second.exitStatus ?? -1, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryOrPortExits() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let pipeline = DaemonProcess.pipeline(name: "once", serverID: 7931, sandbox: sandbox, database: "x", topic: "x", cluster: cluster)
        let first = try DaemonProcess(pipelines: [pipeline], httpListen: address)
        try first.start()
        #expect(waitUntil(seconds: 20) { first.log.contains("streaming") && first.log.contains("http listening") })
        let pid = try #require(first.process?.pid)

        let same = try #require(try runSecond(first.configPath), "the second daemon kept running")
        let lines = same.error.split(separator: "\n")
        #expect(same.status == 1 && lines.count == 1, "\(same)")
        #expect(lines.first?.contains(first.stateDirectory) == true && lines.first?.contains("pid \(pid)") == true, "\(same.error)")

        let otherState = try DaemonProcess(pipelines: [pipeline.replacingOccurrences(of: "name: once", with: "name: twice")
                                                           .replacingOccurrences(of: "server_id: 7931", with: "server_id: 7932")],
                                           httpListen: address)
        let port = try #require(try runSecond(otherState.configPath), "the daemon without its port kept running")
        #expect(port.status == 1 && port.error.split(separator: "\n").count == 1 && port.error.contains(address), "\(port)")
        #expect(first.isRunning && first.stop(signal: SIGTERM) == 0)
    }
}
