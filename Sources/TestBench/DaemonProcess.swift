import Foundation

/// `binlogo run` as a separate process with a configuration written for the test or campaign.
///
/// Every start writes its stderr to a log file of its own (`daemon-N.log`), kept until the object
/// goes away, so campaigns can search all of a daemon's logs afterwards.
public final class DaemonProcess {
    public let directory: String
    public let configPath: String
    public private(set) var process: ChildProcess?
    public private(set) var runs = 0

    /// `http: {enabled: true, listen: …}` when set; off otherwise.
    public let httpListen: String?

    /// More top-level YAML lines for the main file (e.g. `health: {…}`).
    public let mainSettings: String

    /// Writes `binlogo.yaml` with `pipelines` (YAML list items, already indented) and a state directory.
    public init(pipelines: [String], logFormat: String = "text", httpListen: String? = nil, mainSettings: String = "") throws {
        self.httpListen = httpListen
        self.mainSettings = mainSettings
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-daemon-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/binlogo.yaml"
        try rewrite(pipelines: pipelines, logFormat: logFormat)
    }

    public var stateDirectory: String { directory + "/state" }
    public var logPath: String { logPath(run: runs) }
    public func logPath(run: Int) -> String { directory + "/daemon-\(run).log" }
    /// The log of the current (last) run.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    /// The logs of every run so far, in order.
    public var allLogs: String {
        (1...max(1, runs)).map { (try? String(contentsOfFile: logPath(run: $0), encoding: .utf8)) ?? "" }.joined()
    }

    /// Starts `binlogo run`; with `asUser` (a uid) as that unprivileged user through setpriv, so that
    /// file permissions apply as they do to the systemd unit's `User=binlogo`.
    public func start(environment: [String: String] = [:], asUser uid: Int? = nil) throws {
        runs += 1
        let binary = PackageLocation.product("binlogo"), arguments = ["run", "--config", configPath]
        if let uid {
            process = try ChildProcess.spawn("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", binary] + arguments,
                                             standardError: logPath, environment: environment)
        } else {
            process = try ChildProcess.spawn(binary, arguments, standardError: logPath, environment: environment)
        }
    }

    /// Starts the daemon in a mount namespace of its own with the state directory on a tmpfs of
    /// `bytes`, so that a campaign can make it read-only or full (see `inStateNamespace`) without
    /// touching the host. Needs root, as the test bench runs.
    public func startWithPrivateStateDirectory(bytes: Int) throws {
        runs += 1
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let script = "mount -t tmpfs -o size=\(bytes),mode=0700 binlogo-state \"$1\" && exec \"$2\" run --config \"$3\""
        process = try ChildProcess.spawn("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", script, "sh",
                                                             stateDirectory, PackageLocation.product("binlogo"), configPath],
                                         standardError: logPath)
    }

    /// Runs a shell command inside the daemon's mount namespace (started by `startWithPrivateStateDirectory`).
    @discardableResult
    public func inStateNamespace(_ command: String) throws -> CommandResult {
        guard let process else { throw TestBenchError("the daemon is not running") }
        return try runCapturing("/usr/bin/nsenter", ["-t", String(process.pid), "-m", "/bin/sh", "-c", command])
    }

    /// Replaces the configuration file (for a reload).
    public func rewrite(pipelines: [String], logFormat: String = "text") throws {
        let yaml = """
            node_name: test
            state_dir: \(directory)/state
            log: {level: info, format: \(logFormat)}
            http: \(httpListen.map { "{enabled: true, listen: \"\($0)\"}" } ?? "{enabled: false}")
            \(mainSettings)
            pipelines:
            \(pipelines.joined(separator: "\n"))
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Sends `signal` and waits for the exit status, at most `seconds`; then kills it and returns nil.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, seconds: Double = 30) -> Int32? {
        guard let process else { return nil }
        process.signal(signal)
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning { return process.exitStatus }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        process.wait()
        return nil
    }

    /// Sends a signal without waiting (SIGHUP for a reload).
    public func signal(_ signal: Int32) {
        process?.signal(signal)
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// The body of `GET path` on the daemon's HTTP endpoint.
    public func get(_ path: String) throws -> String {
        guard let httpListen else { throw TestBenchError("the daemon's HTTP endpoint is off") }
        return try httpRequest(httpListen, path).body
    }

    /// A YAML pipeline list item reading `database` on the sandbox and writing to `topic` on the cluster.
    public static func pipeline(name: String, serverID: Int, sandbox: MariaDBSandbox, database: String, topic: String,
                                cluster: KafkaMockProcess, queue: String = "{max_messages: 1000, max_bytes: 4MiB}",
                                exclude: [String] = []) -> String {
        """
          - name: \(name)
            mysql: {host: 127.0.0.1, port: \(sandbox.port), user: root, server_id: \(serverID), start: current, heartbeat_seconds: 1\(sandbox.serverPublicKeyYAML)}
            filters: {include: ["\(database).*"], exclude: [\(exclude.map { "\"\($0)\"" }.joined(separator: ", "))]}
            output:
              kafka:
                brokers: ["\(cluster.bootstrapServers)"]
                topic: \(topic)
                properties: {linger.ms: 5}
            queue: \(queue)
        """
    }

    /// Set to keep the directory (configuration, state, every run's log) after the object goes away, for a
    /// failure to be looked into.
    public var keepsDirectory = false

    deinit {
        if let process, process.isRunning {
            process.signal(SIGKILL)
            process.wait()
        }
        if !keepsDirectory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
