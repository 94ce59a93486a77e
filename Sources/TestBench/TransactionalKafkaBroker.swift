import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A Kafka broker with real transactions, as tests see it: commit and abort markers, read_committed
/// consumers that see neither aborted nor still open records, the last stable offset as their high
/// watermark, and fencing by `transactional.id`.
///
/// librdkafka's mock cluster (`KafkaMockProcess`) shows aborted and open transactions to
/// read_committed consumers, so tests of transactions use this broker instead: noida-db's Kafka
/// service (`scripts/noida-sandbox.sh`), or a real Kafka cluster when the environment names one.
///
/// - `shared()`: the broker every test of the run shares. A real cluster when `BINLOGO_KAFKA_BOOTSTRAP`
///   is set without `BINLOGO_KAFKA_CONTROL` (which only the mock cluster has); else the noida-db of
///   `scripts/test.sh` (`BINLOGO_NOIDA_BOOTSTRAP`); else a noida-db started for this test process and
///   stopped when it exits. Tests isolate themselves by topic and `transactional.id`.
/// - `start()`: a noida-db of the test's own (own data folder, own port) for tests that break the
///   broker with `restart`, `pause` and `resume`. On a real cluster it returns that cluster, whose
///   `supportsFaults` is false: such tests check `faultsAvailable` and skip.
///
/// noida-db keeps its whole state in one file that it rewrites at most once a second, and several
/// seconds apart once it holds hundreds of megabytes: `restart(signal: SIGKILL)` loses what was
/// acknowledged since the last save (committed transactions included), `SIGTERM` loses nothing. A
/// restart aborts the transactions that were open, and their producers' `commit_transaction` then
/// still succeeds while the records stay aborted: restart it between transactions only. It never
/// expires an open transaction (`transaction.timeout.ms`): a newer producer of the same
/// `transactional.id` or a restart ends it.
public final class TransactionalKafkaBroker: Sendable {
    public let bootstrapServers: String
    /// Whether `restart`, `pause` and `resume` work: true for a noida-db from `start()`, false for the
    /// shared broker (other tests use it) and for a real cluster (not this bench's to break).
    public let supportsFaults: Bool
    /// The sandbox folder of a noida-db that this object stops; nil when the test script or someone else runs the broker.
    fileprivate let directory: String?
    /// The noida-db process of a broker from `start()`; a restart replaces it.
    private let processID: Mutex<pid_t?>

    init(bootstrapServers: String, supportsFaults: Bool, directory: String?, processID: pid_t?) {
        self.bootstrapServers = bootstrapServers
        self.supportsFaults = supportsFaults
        self.directory = directory
        self.processID = Mutex(processID)
    }

    /// Whether this run's brokers can be broken: false when the environment names a real Kafka cluster.
    public static var faultsAvailable: Bool { realClusterBootstrap == nil }

    /// The bootstrap servers of a real Kafka cluster named by the environment: `BINLOGO_KAFKA_BOOTSTRAP`
    /// without the mock cluster's `BINLOGO_KAFKA_CONTROL`.
    static var realClusterBootstrap: String? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["BINLOGO_KAFKA_CONTROL"] == nil else { return nil }
        return environment["BINLOGO_KAFKA_BOOTSTRAP"]
    }

    /// The broker every test of this run shares (see the type's comment).
    public static func shared() throws -> TransactionalKafkaBroker {
        try SharedTransactionalBroker.instance.get()
    }

    /// A noida-db of the caller's own in a new temporary folder, on a free loopback port, answering
    /// requests; on a real cluster, that cluster (without faults). Stop it with `stop()`.
    public static func start() throws -> TransactionalKafkaBroker {
        if let bootstrap = realClusterBootstrap {
            return TransactionalKafkaBroker(bootstrapServers: bootstrap, supportsFaults: false, directory: nil, processID: nil)
        }
        return try launch(supportsFaults: true)
    }

    /// Starts a noida-db with `scripts/noida-sandbox.sh` in a new temporary folder.
    static func launch(supportsFaults: Bool) throws -> TransactionalKafkaBroker {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("binlogo-noida-\(UUID().uuidString.prefix(8))").path
        let (bootstrap, processID) = try startSandbox(in: directory)
        return TransactionalKafkaBroker(bootstrapServers: bootstrap, supportsFaults: supportsFaults,
                                        directory: directory, processID: processID)
    }

    /// Runs the sandbox script's `start` in `directory` (the same port and data when it was used
    /// before) and returns the broker's address and process.
    private static func startSandbox(in directory: String) throws -> (bootstrap: String, processID: pid_t) {
        try runCommand("/bin/bash", [script, "start", directory])
        let values = try readAssignments(directory + "/env")
        guard let bootstrap = values["BINLOGO_NOIDA_BOOTSTRAP"],
              let processID = values["BINLOGO_NOIDA_PID"].flatMap({ pid_t($0) }) else {
            throw TestBenchError("the noida-db sandbox in \(directory) wrote no usable env file")
        }
        return (bootstrap, processID)
    }

    static var script: String { PackagePaths.scripts.appendingPathComponent("noida-sandbox.sh").path }

    /// Ends the broker with `signal` (SIGTERM: it saves its state first; SIGKILL: it loses what it had
    /// not saved yet) and starts it again on the same port with the same data folder; returns once it
    /// answers requests (it loads its whole state first: about 6 s for a million records of 300 bytes).
    /// - Parameter whileDown: called once the old process has ended, before the new one starts.
    public func restart(signal: Int32 = SIGTERM, whileDown: () -> Void = {}) throws {
        let (directory, processID) = try faultTarget("restart")
        _ = kill(processID, signal)
        _ = kill(processID, SIGCONT)  // a paused broker handles its SIGTERM only once it runs again
        // Saving hundreds of megabytes takes seconds; a broker that outlives this ignored the signal.
        guard waitUntil(seconds: 120, { !Self.isAlive(processID) }) else {
            _ = kill(processID, SIGKILL)
            throw TestBenchError("noida-db \(processID) in \(directory) did not end within 120 s of signal \(signal);"
                                 + " killed it (is the signal blocked in the process that started it?)")
        }
        whileDown()
        let (_, restarted) = try Self.startSandbox(in: directory)
        self.processID.withLock { $0 = restarted }
    }

    /// Freezes the broker (SIGSTOP): connections stay open and requests go unanswered until `resume()`.
    /// Returns once the kernel shows every thread of it stopped.
    public func pause() throws {
        let (directory, processID) = try faultTarget("pause")
        _ = kill(processID, SIGSTOP)
        guard waitUntil(seconds: 10, { Self.isStopped(processID) }) else {
            throw TestBenchError("noida-db \(processID) in \(directory) did not stop within 10 s of SIGSTOP")
        }
    }

    /// Lets a paused broker run again (SIGCONT).
    public func resume() throws {
        _ = kill(try faultTarget("resume").processID, SIGCONT)
    }

    /// Stops a broker from `start()` and removes its folder; the shared broker and a real cluster are left alone.
    public func stop() throws {
        guard supportsFaults, let directory else { return }
        try runCommand("/bin/bash", [Self.script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The folder and process a fault acts on, or an error naming why this broker takes no faults.
    private func faultTarget(_ fault: String) throws -> (directory: String, processID: pid_t) {
        guard supportsFaults, let directory, let processID = processID.withLock({ $0 }) else {
            throw TestBenchError("\(fault) needs a noida-db broker of the test's own (TransactionalKafkaBroker.start()"
                                 + " without BINLOGO_KAFKA_BOOTSTRAP naming a real cluster); this one is \(bootstrapServers)")
        }
        return (directory, processID)
    }

    /// Whether every thread of a process is stopped (state T in /proc/PID/task/TID/stat).
    private static func isStopped(_ processID: pid_t) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(processID)/task")) ?? []
        return !tasks.isEmpty && tasks.allSatisfy { task in
            guard let stat = try? String(contentsOfFile: "/proc/\(processID)/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(close, offsetBy: 2)...].hasPrefix("T")
        }
    }

    /// Whether a process exists (noida-db is the sandbox script's child, reaped by init once it ends).
    private static func isAlive(_ processID: pid_t) -> Bool {
        kill(processID, 0) == 0 || errno == EPERM
    }
}

private enum SharedTransactionalBroker {
    static let instance: Result<TransactionalKafkaBroker, any Error> = Result {
        if let bootstrap = TransactionalKafkaBroker.realClusterBootstrap {
            return TransactionalKafkaBroker(bootstrapServers: bootstrap, supportsFaults: false, directory: nil, processID: nil)
        }
        if let bootstrap = ProcessInfo.processInfo.environment["BINLOGO_NOIDA_BOOTSTRAP"] {
            return TransactionalKafkaBroker(bootstrapServers: bootstrap, supportsFaults: false, directory: nil, processID: nil)
        }
        // Started for this process alone, so it is stopped when the test binary exits.
        let broker = try TransactionalKafkaBroker.launch(supportsFaults: false)
        if let directory = broker.directory { SharedTransactionalBrokerCleanup.register(directory) }
        return broker
    }
}

/// Stops the noida-db that this process started for itself when the process exits.
///
/// Runs from `atexit`, where Foundation's Process can no longer be used, so it calls `system`.
private enum SharedTransactionalBrokerCleanup {
    static let directory = Mutex<String?>(nil)

    static func register(_ folder: String) {
        directory.withLock { $0 = folder }
        atexit {
            guard let folder = SharedTransactionalBrokerCleanup.directory.withLock({ $0 }) else { return }
            _ = system("bash '\(TransactionalKafkaBroker.script)' stop '\(folder)' >/dev/null 2>&1; rm -rf '\(folder)'")
        }
    }
}
