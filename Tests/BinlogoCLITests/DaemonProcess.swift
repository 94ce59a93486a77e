import Foundation
import TestBench

/// `binlogo run` as a separate process with a configuration written for the test.
final class DaemonProcess {
    let directory: String
    let configPath: String
    private(set) var process: ChildProcess?
    private var runs = 0

    /// Writes `binlogo.yaml` with `pipelines` (YAML list items, already indented) and a state directory.
    /// `http: {enabled: true, listen: …}` when set; off otherwise.
    let httpListen: String?

    init(pipelines: [String], logFormat: String = "text", httpListen: String? = nil) throws {
        self.httpListen = httpListen
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-daemon-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/binlogo.yaml"
        try rewrite(pipelines: pipelines, logFormat: logFormat)
    }

    var stateDirectory: String { directory + "/state" }
    var logPath: String { directory + "/daemon-\(runs).log" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func start(environment: [String: String] = [:]) throws {
        runs += 1
        let executable = PackageLocation.product("binlogo")
        process = try ChildProcess.spawn(executable, ["run", "--config", configPath], standardError: logPath, environment: environment)
    }

    /// Replaces the configuration file (for a reload).
    func rewrite(pipelines: [String], logFormat: String = "text") throws {
        let yaml = """
            node_name: test
            state_dir: \(directory)/state
            log: {level: info, format: \(logFormat)}
            http: \(httpListen.map { "{enabled: true, listen: \"\($0)\"}" } ?? "{enabled: false}")
            pipelines:
            \(pipelines.joined(separator: "\n"))
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends `signal` and waits for the exit status, at most `seconds`.
    func stop(signal: Int32 = SIGTERM, seconds: Double = 30) -> Int32? {
        guard let process else { return nil }
        process.signal(signal)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning { return process.exitStatus }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        return nil
    }

    /// A YAML pipeline list item reading `database` on the sandbox and writing to `topic` on the cluster.
    static func pipeline(name: String, serverID: Int, sandbox: MariaDBSandbox, database: String, topic: String,
                         cluster: KafkaMockProcess, queue: String = "{max_messages: 1000, max_bytes: 4MiB}",
                         exclude: [String] = []) -> String {
        """
          - name: \(name)
            mysql: {host: 127.0.0.1, port: \(sandbox.port), user: root, server_id: \(serverID), start: current, heartbeat_seconds: 1}
            filters: {include: ["\(database).*"], exclude: [\(exclude.map { "\"\($0)\"" }.joined(separator: ", "))]}
            output:
              kafka:
                brokers: ["\(cluster.bootstrapServers)"]
                topic: \(topic)
                properties: {linger.ms: 5}
            queue: \(queue)
        """
    }

    deinit {
        if let process, process.isRunning {
            process.signal(SIGKILL)
            process.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
