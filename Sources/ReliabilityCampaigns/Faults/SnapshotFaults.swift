import Foundation
import TestBench

/// Faults at moments spread over the daemon's initial snapshot of `items` (as `SnapshotCrashFaults`
/// spreads its kills), the daemon left running, in turn: the server restarted; the snapshot's
/// connection killed (`KILL` of every connection of the pipeline's user but the binlog dump, so the
/// schema lookups' one too); the replication connection killed; a Kafka broker down for 1–3 s (under
/// `exactly_once`, whose broker is not the mock cluster, the snapshot's connection killed again).
struct SnapshotFaults: CampaignFaults {
    let rows: Int
    let rounds: Int

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        bench.waitForSnapshotShare(index, of: rounds, rows: rows, random: &random)
        switch index % 4 {
        case 0:
            try bench.restartServer()
        case 1:
            killConnections(of: bench, dump: false)
        case 2:
            killConnections(of: bench, dump: true)
        default:
            guard let cluster = bench.cluster else {
                killConnections(of: bench, dump: false)
                break
            }
            let broker = Int.random(in: 1...3, using: &random)
            try cluster.control("broker-down \(broker)")
            Thread.sleep(forTimeInterval: Double.random(in: 1...3, using: &random))
            try cluster.control("broker-up \(broker)")
        }
        Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5, using: &random))
    }

    /// `KILL`s the pipeline user's binlog dump connection (`dump`), or every other connection of that user.
    private func killConnections(of bench: CampaignBench, dump: Bool) {
        guard let root = try? bench.sandbox.connect(),
              let rows = try? root.query("SELECT ID, COMMAND FROM information_schema.PROCESSLIST WHERE USER = 'binlogo_campaign'") else {
            bench.note("could not list the daemon's connections")
            return
        }
        var killed = 0
        for row in rows where (row[1]?.hasPrefix("Binlog Dump") ?? false) == dump {
            if let id = row[0], (try? root.execute("KILL \(id)")) != nil { killed += 1 }
        }
        bench.options.progress("  killed \(killed) \(dump ? "replication" : "snapshot and schema") connection(s)")
    }
}
