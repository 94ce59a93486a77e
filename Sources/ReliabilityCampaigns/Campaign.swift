import Foundation
import TestBench

/// Runs one campaign: servers of its own, the daemon, the writer; `rounds` faults; then the writer
/// stops, the daemon catches up, and the checker compares Kafka with what was committed.
public enum Campaign {
    public static func run(_ kind: CampaignKind, options: CampaignOptions) throws -> CampaignResult {
        let began = Date()
        let bench = try CampaignBench(kind: kind, options: options)
        defer { bench.stop() }
        if kind == .disk {
            try bench.daemon.startWithPrivateStateDirectory(bytes: DiskFaults.stateDirectoryBytes)
        } else {
            try bench.daemon.start()
        }
        guard bench.waitForStreaming() else { throw CampaignError("the daemon did not start streaming:\n\(bench.daemon.log)") }
        bench.writer.start()
        var faults = kind.makeFaults(options: options)
        var random = SeededGenerator(seed: options.seed &* 31 &+ UInt64(CampaignKind.allCases.firstIndex(of: kind) ?? 0))
        for index in 0..<options.rounds {
            guard bench.daemon.isRunning else {
                let lastLines = bench.daemon.log.split(separator: "\n").suffix(8).joined(separator: "\n")
                bench.note("round \(index): the daemon is not running (exit \(bench.daemon.process?.exitStatus.map(String.init) ?? "?")); its log ends:\n\(lastLines)")
                break
            }
            try faults.round(index, on: bench, random: &random)
            bench.status()
            options.progress("\(kind.rawValue) round \(index + 1)/\(options.rounds): \(bench.writer.ledger.count) changes committed")
        }
        if kind == .snapshotFaults, let failure = bench.daemon.allLogs.split(separator: "\n").first(where: { $0.contains("pipeline failed") }) {
            bench.note("the pipeline failed instead of connecting again: \(failure)")
        }
        if kind.takesSnapshot, !bench.waitForSnapshotEnd() {
            bench.note("the snapshot did not end; the daemon's log ends:\n\(bench.daemon.log.split(separator: "\n").suffix(8).joined(separator: "\n"))")
        }
        try bench.writer.stop()
        let (delivery, consumed) = try awaitDelivery(bench)
        var snapshot: SnapshotReport?
        if kind.takesSnapshot {
            snapshot = try SnapshotChecker.check(consumed: consumed, source: try bench.sandbox.connect().query("SELECT id, seq, note FROM campaign.items"))
            snapshot?.resumedStarts = bench.daemon.allLogs.components(separatedBy: "snapshot of a table goes on").count - 1
        }
        bench.status()
        if delivery.lost > 0 {
            let lastLines = bench.daemon.log.split(separator: "\n").suffix(20).joined(separator: "\n")
            bench.note("changes lost; \(endOffsets(bench)); the daemon's log ends:\n\(lastLines)")
        }
        if let exit = bench.daemon.stop(signal: SIGTERM, seconds: 60), exit != 0 {
            bench.note("the daemon exited \(exit) after the final SIGTERM")
        }
        let leaks = secretLeaks(bench)
        if !bench.findings.isEmpty || delivery.lost > 0 || snapshot?.differences != nil {
            bench.daemon.keepsDirectory = true
            bench.note("the daemon's configuration, state and logs are kept in \(bench.daemon.directory)")
        }
        return CampaignResult(kind: kind, profile: options.profile, rounds: options.rounds, seconds: Date().timeIntervalSince(began), delivery: delivery,
                              writerResolutions: bench.writer.resolvedAfterFailure, findings: bench.findings, secretLeaks: leaks,
                              snapshot: snapshot)
    }

    /// Reads the topic until every committed change is there (or three minutes pass) and checks it, as a
    /// read_committed consumer (what `exactly_once` promises to). A topic the mock cluster pruned (5 MiB
    /// per partition) cannot be checked: that is an error.
    private static func awaitDelivery(_ bench: CampaignBench) throws -> (DeliveryReport, [ConsumedMessage]) {
        let expected = bench.writer.ledger.changes
        let consumer = try KafkaTestConsumer(bootstrapServers: bench.bootstrapServers, isolationLevel: .readCommitted)
        let deadline = Date().addingTimeInterval(180)
        while true {
            if try consumer.messageCount(topic: CampaignBench.topic) >= expected.count || Date() > deadline {
                if try consumer.droppedMessages(topic: CampaignBench.topic) {
                    throw CampaignError("the mock cluster dropped the oldest messages of \(CampaignBench.topic) (it keeps 5 MiB per partition): run fewer rounds or a lower --rate")
                }
                let consumed = try consumer.readAll(topic: CampaignBench.topic, timeoutSeconds: 120)
                let report = try DeliveryChecker.check(expected: expected, consumed: consumed)
                if report.lost == 0 || Date() > deadline { return (report, consumed) }
            }
            bench.options.progress("waiting for the daemon to catch up")
            Thread.sleep(forTimeInterval: 2)
        }
    }

    /// The topic's ends as read_committed and read_uncommitted consumers see them, to tell a transaction left
    /// open (the first lower) from messages never produced (both alike).
    private static func endOffsets(_ bench: CampaignBench) -> String {
        func ends(_ level: KafkaTestConsumer.IsolationLevel) -> String {
            do {
                let offsets = try KafkaTestConsumer(bootstrapServers: bench.bootstrapServers, isolationLevel: level)
                    .endOffsets(topic: CampaignBench.topic)
                return "\(offsets.values.reduce(0, +)) in \(offsets.count) partitions"
            } catch {
                return "unknown (\(error))"
            }
        }
        return "ends of \(CampaignBench.topic): read_committed \(ends(.readCommitted)), read_uncommitted \(ends(.readUncommitted))"
    }

    /// Where the configured password appears: the logs of every daemon run, the /status and /metrics pages served.
    private static func secretLeaks(_ bench: CampaignBench) -> [String] {
        (bench.daemon.allLogs.contains(bench.password) ? ["daemon logs"] : [])
            + (bench.passwordServed ? ["/status or /metrics"] : [])
    }
}
