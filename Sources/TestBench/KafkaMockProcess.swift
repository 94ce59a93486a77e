import Foundation
import Synchronization

/// The mock Kafka cluster (`binlogo-kafka-mock`) as tests see it: a bootstrap address to
/// produce and consume over TCP, and a control port to inject faults.
///
/// The shared cluster of a test run comes from `BINLOGO_KAFKA_BOOTSTRAP` and
/// `BINLOGO_KAFKA_CONTROL` set by `scripts/test.sh`; tests that break brokers start one
/// of their own with `start(brokers:)`.
public final class KafkaMockProcess: Sendable {
    public let bootstrapServers: String
    /// `127.0.0.1:PORT` of the line-based control port.
    public let controlAddress: String
    private let process: ChildProcess?
    private let directory: String?

    init(bootstrapServers: String, controlAddress: String, process: ChildProcess?, directory: String?) {
        self.bootstrapServers = bootstrapServers
        self.controlAddress = controlAddress
        self.process = process
        self.directory = directory
    }

    /// Starts `binlogo-kafka-mock` from the build folder and waits for its addresses.
    public static func start(brokers: Int = 3, topics: [String] = []) throws -> KafkaMockProcess {
        let executable = PackagePaths.buildProducts.appendingPathComponent("binlogo-kafka-mock").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestBenchError("\(executable) is missing: run `swift build` first")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("binlogo-kafka-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let infoFile = directory + "/env"
        let process = try ChildProcess.spawn(
            executable, ["--brokers", String(brokers), "--info-file", infoFile] + topics.flatMap { ["--topic", $0] },
            standardError: directory + "/stderr")
        for _ in 0..<300 {
            if let values = try? readAssignments(infoFile),
               let bootstrap = values["BINLOGO_KAFKA_BOOTSTRAP"], let control = values["BINLOGO_KAFKA_CONTROL"] {
                return KafkaMockProcess(bootstrapServers: bootstrap, controlAddress: control,
                                        process: process, directory: directory)
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        process.signal(SIGKILL)
        process.wait()
        throw TestBenchError("binlogo-kafka-mock did not start (no \(infoFile))")
    }

    /// Stops a cluster this process started; the shared one is left to the test script.
    public func stop() {
        guard let process else { return }
        process.signal(SIGTERM)
        process.wait()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Ends the process with SIGTERM without waiting for it: safe to call from `atexit`.
    func kill() {
        process?.signal(SIGTERM)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Sends one control command (see `binlogo-kafka-mock`'s ControlCommand) and returns once it applied.
    public func control(_ command: String) throws {
        let reply = try ControlConnection.send(command, to: controlAddress)
        guard reply == "ok" else { throw TestBenchError("mock cluster refused `\(command)`: \(reply)") }
    }

    /// The cluster every test of this run shares: from the environment, else started once for this process.
    public static func shared() throws -> KafkaMockProcess {
        try SharedKafkaMock.instance.get()
    }
}

private enum SharedKafkaMock {
    static let instance: Result<KafkaMockProcess, any Error> = Result {
        let environment = ProcessInfo.processInfo.environment
        if let bootstrap = environment["BINLOGO_KAFKA_BOOTSTRAP"], let control = environment["BINLOGO_KAFKA_CONTROL"] {
            return KafkaMockProcess(bootstrapServers: bootstrap, controlAddress: control, process: nil, directory: nil)
        }
        // Started for this process alone, so it is stopped when the test binary exits.
        let cluster = try KafkaMockProcess.start()
        SharedKafkaMockCleanup.cluster.withLock { $0 = cluster }
        atexit { SharedKafkaMockCleanup.cluster.withLock { $0?.kill() } }
        return cluster
    }
}

private enum SharedKafkaMockCleanup {
    static let cluster = Mutex<KafkaMockProcess?>(nil)
}
