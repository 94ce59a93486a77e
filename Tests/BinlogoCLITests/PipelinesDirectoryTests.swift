import Foundation
import TestBench
import Testing

/// A pipelines.d the daemon's user cannot read is refused, never read as "no pipelines": at start
/// one line and a failing exit, on SIGHUP the running pipelines stay and the refusal is counted.
/// The daemon runs as `nobody`, so that permissions apply as they do to the systemd unit's user.
@Suite(.serialized) struct PipelinesDirectoryTests {
    static let nobody = 65534

    /// A daemon folder whose main file takes its pipelines from `pipelines.d`, readable by nobody.
    private func daemonWithPipelineFiles(_ files: [String: String], httpListen: String? = nil) throws -> DaemonProcess {
        let daemon = try DaemonProcess(pipelines: [], httpListen: httpListen)
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8).replacingOccurrences(of: "pipelines:\n", with: "")
        try yaml.write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        let directory = daemon.directory + "/pipelines.d"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
            chmod("\(directory)/\(name)", 0o644)
        }
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        chown(daemon.stateDirectory, uid_t(Self.nobody), gid_t(Self.nobody))
        chmod(daemon.directory, 0o755)
        return daemon
    }

    private func pipelineFile(_ name: String, serverID: Int, database: String, topic: String) throws -> String {
        let item = DaemonProcess.pipeline(name: name, serverID: serverID, sandbox: try MariaDBSandbox.shared(), database: database, topic: topic,
                                          cluster: try KafkaMockProcess.shared())
        // A list item indented under `pipelines:` becomes a top-level mapping.
        return item.split(separator: "\n").map { String($0.dropFirst(4)) }.joined(separator: "\n") + "\n"
    }

    /// Runs binlogo as nobody; a process still running after 20 s (a daemon that took the folder for
    /// "no pipelines") is killed and reported with status -1.
    private func runAsNobody(_ arguments: [String]) throws -> (status: Int32, standardError: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-nobody-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess.spawn("/usr/bin/setpriv", ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups",
                                                                 PackageLocation.product("binlogo")] + arguments, standardError: log)
        let ended = waitUntil(seconds: 20) { !process.isRunning }
        if !ended {
            process.signal(SIGKILL)
            process.wait()
        }
        return (ended ? process.exitStatus ?? -1 : -1, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    @Test func anUnreadableFolderOrFileIsRefusedAtStart() throws {
        let daemon = try daemonWithPipelineFiles(["a.yaml": try pipelineFile("a", serverID: 7941, database: "x", topic: "x")])
        let directory = daemon.directory + "/pipelines.d"
        chmod(directory, 0o300)
        for command in ["check", "run"] {
            let result = try runAsNobody([command, "--config", daemon.configPath])
            let lines = result.standardError.split(separator: "\n")
            #expect(result.status == 1 && lines.count == 1 && lines[0].contains(directory), "\(command): \(result)")
        }
        chmod(directory, 0o755)
        chmod(directory + "/a.yaml", 0o600)
        for command in ["check", "run"] {
            let result = try runAsNobody([command, "--config", daemon.configPath])
            let lines = result.standardError.split(separator: "\n")
            #expect(result.status == 1 && lines.count == 1 && lines[0].contains(directory + "/a.yaml"), "\(command): \(result)")
        }
    }

    @Test func anUnreadableFolderAtReloadKeepsThePipelinesRunning() throws {
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "unreadable")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        let topic = try cluster.newTopic("unreadable")
        let address = "127.0.0.1:\(try freeLoopbackPort())"
        let daemon = try daemonWithPipelineFiles(["a.yaml": try pipelineFile("a", serverID: 7942, database: database.name, topic: topic)],
                                                 httpListen: address)
        try daemon.start(asUser: Self.nobody)
        #expect(waitUntil(seconds: 20) { daemon.log.contains("streaming") }, "\(daemon.log)")
        let directory = daemon.directory + "/pipelines.d"
        chmod(directory, 0o300)
        daemon.signal(SIGHUP)
        #expect(waitUntil(seconds: 20) { daemon.log.contains("reload refused") }, "\(daemon.log)")
        let refusal = daemon.log.split(separator: "\n").filter { $0.contains("reload refused") }
        #expect(refusal.count == 1 && refusal[0].contains(directory), "\(daemon.log)")
        #expect(!daemon.log.contains("pipeline stopped"), "\(daemon.log)")
        try connection.execute("INSERT INTO t VALUES (1)")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        #expect(try waitUntil(seconds: 20) { try consumer.messageCount(topic: topic) == 1 }, "the pipeline kept running")
        let metrics = try httpRequest(address, "/metrics").body
        #expect(metrics.contains("binlogo_reloads_refused_total 1"), "\(metrics)")
        #expect(metrics.contains("binlogo_reloads_total 0"), "a refused reload is not a reload: \(metrics)")
        chmod(directory, 0o755)
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
