import Foundation
import TestBench

/// `kill -9` of the daemon at moments spread over its initial snapshot of `items`, then a restart: round
/// `i` of `n` waits until the table's rows emitted (as `/status` counts them, across restarts) pass a
/// random point of the `i`-th of `n` equal shares of the table, then kills within 50 ms (even rounds) or
/// 0–0.4 s after a SIGHUP that changes the pipeline (odd rounds: the kill lands in the reload, which
/// restarts or re-filters the snapshotting pipeline). After each kill the checkpoint file must be whole.
struct SnapshotCrashFaults: CampaignFaults {
    let rows: Int
    let rounds: Int

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        bench.waitForSnapshotShare(index, of: rounds, rows: rows, random: &random)
        if index % 2 == 1 {
            try bench.changePipeline()
            bench.daemon.signal(SIGHUP)
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.4, using: &random))
        } else {
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.05, using: &random))
        }
        let exit = bench.daemon.stop(signal: SIGKILL, seconds: 10)
        if exit != 128 + SIGKILL { bench.note("round \(index): kill -9 ended the daemon with \(exit.map(String.init) ?? "no exit")") }
        bench.checkCheckpointIsWhole(FileManager.default.contents(atPath: bench.checkpointPath), round: index)
        try bench.daemon.start()
    }
}
