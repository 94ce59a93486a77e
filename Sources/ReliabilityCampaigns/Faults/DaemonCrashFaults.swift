import Foundation
import TestBench

/// `kill -9` of the daemon, then a restart, in turn: at a random moment; timed to the checkpoint
/// cadence (one second after a write was seen — the file is watched every millisecond — give or
/// take 3 ms, so the kill lands in or next to the next write); and right after a SIGHUP that
/// changes the pipeline (during the reload). With `largeTransactions` (the exactly_once campaign), a
/// fourth: 0–1.5 s after the writer committed a transaction of 20,000–40,000 rows, while the pipeline
/// publishes it in parts.
/// After each kill the checkpoint file must be whole.
struct DaemonCrashFaults: CampaignFaults {
    let largeTransactions: Bool

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        switch index % (largeTransactions ? 4 : 3) {
        case 3:
            let before = bench.writer.requestLargeTransaction(rows: Int.random(in: 20_000...40_000, using: &random))
            if !waitUntil(seconds: 60, { bench.writer.largeTransactionsCommitted > before }) {
                bench.note("round \(index): the writer did not commit its large transaction within a minute")
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...1.5, using: &random))
        case 0:
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...2.5, using: &random))
        case 1:
            let inode = bench.checkpointInode
            let deadline = Date().addingTimeInterval(3)
            while bench.checkpointInode == inode, Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
            Thread.sleep(forTimeInterval: 1.0 + Double.random(in: -0.003...0.003, using: &random))
        default:
            try bench.changePipeline()
            bench.daemon.signal(SIGHUP)
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.4, using: &random))
        }
        let exit = bench.daemon.stop(signal: SIGKILL, seconds: 10)
        if exit != 128 + SIGKILL { bench.note("round \(index): kill -9 ended the daemon with \(exit.map(String.init) ?? "no exit")") }
        bench.checkCheckpointIsWhole(FileManager.default.contents(atPath: bench.checkpointPath), round: index)
        try bench.daemon.start()
        Thread.sleep(forTimeInterval: Double.random(in: 0.3...2.0, using: &random))
    }
}
