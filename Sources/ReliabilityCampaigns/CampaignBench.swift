import Foundation
import MySQLSource
import TestBench

/// Everything one campaign runs against: a MariaDB sandbox and a Kafka of its own (faults must not hit
/// other tests) — the mock cluster, or under `exactly_once` a broker with real transactions — the
/// `campaign` database with its replication user and password, the daemon, and the writer.
final class CampaignBench {
    static let topic = "campaign"
    static let pipelineName = "campaign"
    static let positionsTopic = "campaign.positions"
    static let signalTable = "campaign.signals"

    private(set) var sandbox: MariaDBSandbox
    /// The mock cluster (`idempotent`), with its fault injection.
    let cluster: KafkaMockProcess?
    /// The transactional broker (`exactly_once`), a process the faults kill, stop and pause.
    let broker: TransactionalKafkaBroker?
    let password = "campaign-secret-\(UUID().uuidString.prefix(12))"
    let daemon: DaemonProcess
    let writer: CampaignWriter
    let options: CampaignOptions
    let kind: CampaignKind
    /// Whether a /status or /metrics page the daemon served during the campaign held the password.
    private(set) var passwordServed = false
    /// Problems the rounds saw; the campaign fails if any.
    private(set) var findings: [String] = []
    /// Changes to the pipeline for reloads: 0 is the original; odd variants change the filters
    /// (applied in place), even ones the Kafka settings (the pipeline restarts).
    private var variant = 0

    init(kind: CampaignKind, options: CampaignOptions) throws {
        self.options = options
        self.kind = kind
        let sandbox = try SandboxServer.start(options.server, options: Self.serverOptions(options))
        self.sandbox = sandbox
        let existingRows = kind.takesSnapshot ? options.snapshotRows : 0
        do {
            if options.profile == .exactlyOnce {
                (cluster, broker) = (nil, try TransactionalKafkaBroker.start())
            } else {
                // The mock keeps 5 MiB per partition and drops older messages: 64 partitions hold about 700k
                // changes, half an hour of the writer at 400 changes/s (the checker refuses a pruned topic);
                // a snapshot's rows need one more partition per 4,000.
                let partitions = 64 + existingRows / 4_000
                (cluster, broker) = (try KafkaMockProcess.start(brokers: 3, topics: ["\(Self.topic):\(partitions):3"]), nil)
            }
        } catch {
            try? sandbox.stop()
            throw error
        }
        writer = CampaignWriter(options: sandbox.connectionOptions(database: "campaign"),
                                changesPerSecond: options.changesPerSecond, seed: options.seed, existingRows: existingRows)
        do {
            let root = try sandbox.connect()
            try root.execute("CREATE DATABASE campaign")
            try root.execute("USE campaign")
            try root.execute(WorkloadPlanner.createTable)
            try Self.fill(existingRows, on: root)
            if kind.takesSnapshot {
                // Requests, and on MySQL without GTIDs the rows that bracket each chunk.
                try root.execute(SignalTable.createStatement(Self.signalTable))
            }
            try root.execute("CREATE USER 'binlogo_campaign'@'%' IDENTIFIED BY '\(password)'")
            try root.execute("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO 'binlogo_campaign'@'%'")
            if kind.takesSnapshot { try root.execute("GRANT INSERT, DELETE ON \(Self.signalTable) TO 'binlogo_campaign'@'%'") }
            daemon = try DaemonProcess(pipelines: [], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
            try daemon.rewrite(pipelines: [pipeline()])
        } catch {
            cluster?.stop()
            try? broker?.stop()
            try? sandbox.stop()
            throw error
        }
    }

    /// Inserts rows 1…`count` as `WorkloadPlanner(existingRows:)` expects them, in statements of 100,000
    /// rows, outside the binlog (the daemon starts at the current position and snapshots them).
    private static func fill(_ count: Int, on connection: MySQLConnection) throws {
        guard count > 0 else { return }
        try connection.execute("SET SESSION sql_log_bin = 0")
        for first in stride(from: 1, through: count, by: 100_000) {
            let range = first...min(count, first + 99_999)
            try connection.execute("INSERT INTO items (id, seq, note) SELECT \(WorkloadPlanner.existingRow(id: "seq")) FROM \(numbers(range))")
        }
        try connection.execute("SET SESSION sql_log_bin = 1")
    }

    var bootstrapServers: String { cluster?.bootstrapServers ?? broker!.bootstrapServers }

    /// The campaign's pipeline as a YAML list item, in its current variant. Under `exactly_once`, transactions
    /// larger than 1 MiB stream and Kafka transactions end after 2,000 messages, so the writer's large
    /// transactions are committed in parts.
    func pipeline() -> String {
        let exclude = variant % 2 == 1 ? "\"campaign.never_\(variant)\"" : ""
        let exactlyOnce = options.profile == .exactlyOnce
        let delivery = exactlyOnce
            ? "profile: exactly_once\n        transactions: {commit_interval_ms: 100, max_messages: 2000, positions_topic: \(Self.positionsTopic)}"
            : "profile: idempotent"
        return """
              - name: \(Self.pipelineName)
                mysql: {host: 127.0.0.1, port: \(sandbox.port), user: binlogo_campaign, password: "\(password)", server_id: 8101, start: current, heartbeat_seconds: 1\(exactlyOnce ? ", transaction_lookahead_mb: 1" : "")\(sandbox.serverPublicKeyYAML)}
                filters: {include: ["campaign.*"], exclude: [\(exclude)]}\(kind.takesSnapshot ? "\n    snapshot: {mode: initial, rows_per_second: \(snapshotPace), signal_table: \(Self.signalTable)}" : "")
                output:
                  kafka:
                    brokers: ["\(bootstrapServers)"]
                    topic: \(Self.topic)
                    \(delivery)
                    properties: {linger.ms: \(5 + variant / 2 % 2)}
                queue: {max_messages: 2000, max_bytes: 4MiB}
            """
    }

    /// The snapshot's rate limit: the table in about two seconds per round, so that checkpoints (written
    /// every second) fall between the kills and the daemon resumes from its cursor, not only from the start.
    private var snapshotPace: Int { max(2_000, options.snapshotRows / (2 * max(1, options.rounds))) }

    /// Rewrites the configuration with the next variant of the pipeline (for a SIGHUP).
    func changePipeline() throws {
        variant += 1
        try daemon.rewrite(pipelines: [pipeline()])
    }

    /// Whether the next `changePipeline` restarts the pipeline (Kafka settings) rather than swapping filters.
    var nextChangeRestartsPipeline: Bool { (variant + 1) % 2 == 0 }

    func note(_ finding: String) {
        findings.append(finding)
        options.progress("  finding: \(finding)")
    }

    /// Fetches /status (and /metrics when `withMetrics`), each searched for the password; nil when
    /// the daemon does not answer.
    @discardableResult
    func status(withMetrics: Bool = true) -> String? {
        guard let status = try? daemon.get("/status") else { return nil }
        let metrics = withMetrics ? (try? daemon.get("/metrics")) ?? "" : ""
        if status.contains(password) || metrics.contains(password) { passwordServed = true }
        return status
    }

    /// How often the current run's log says the pipeline started streaming.
    var streamingCount: Int { daemon.log.components(separatedBy: "streaming").count - 1 }

    /// Waits until the log says the pipeline streams more than `count` times (after a start or a reload).
    func waitForStreaming(moreThan count: Int = 0, seconds: Double = 60) -> Bool {
        waitUntil(seconds: seconds) { streamingCount > count }
    }

    func restartServer() throws {
        sandbox = try sandbox.restart(options: Self.serverOptions(options))
    }

    /// The server's options beyond the sandbox script's: GTIDs off on MySQL with `--without-gtids`.
    private static func serverOptions(_ options: CampaignOptions) -> [String] {
        options.withoutGTIDs ? ["--gtid-mode=OFF", "--enforce-gtid-consistency=OFF"] : []
    }

    /// The pid of the sandbox's mariadbd.
    func serverPID() throws -> pid_t {
        let text = try String(contentsOfFile: sandbox.directory + "/mysqld.pid", encoding: .utf8)
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CampaignError("no pid in \(sandbox.directory)/mysqld.pid")
        }
        return pid
    }

    /// Ends everything, also after a failed round: the writer gives up, the daemon is killed, the servers stop.
    func stop() {
        writer.abandon()
        if daemon.isRunning { daemon.stop(signal: SIGKILL) }
        cluster?.stop()
        try? broker?.stop()
        try? sandbox.stop()
    }
}
