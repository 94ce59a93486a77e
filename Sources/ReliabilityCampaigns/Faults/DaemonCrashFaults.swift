import Foundation
import TestBench

/// `kill -9` of the daemon, then a restart, in turn: at a random moment; timed to the checkpoint
/// cadence (one second after a write was seen, give or take 3 ms, so the kill lands in or next
/// to the next write); and right after a SIGHUP that changes the pipeline (during the reload).
/// After each kill the checkpoint file must be whole.
struct DaemonCrashFaults: CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        switch index % 3 {
        case 0:
            Double.random(in: 0.2...2.5, using: &random).sleep()
        case 1:
            let inode = bench.checkpointInode
            _ = waitUntil(seconds: 3) { bench.checkpointInode != inode }
            (1.0 + Double.random(in: -0.003...0.003, using: &random)).sleep()
        default:
            try bench.changePipeline()
            bench.daemon.signal(SIGHUP)
            Double.random(in: 0...0.4, using: &random).sleep()
        }
        let exit = bench.daemon.stop(signal: SIGKILL, seconds: 10)
        if exit != 128 + SIGKILL { bench.note("round \(index): kill -9 ended the daemon with \(exit.map(String.init) ?? "no exit")") }
        bench.checkCheckpointIsWhole(FileManager.default.contents(atPath: bench.checkpointPath), round: index)
        try bench.daemon.start()
        Double.random(in: 0.3...2.0, using: &random).sleep()
    }
}
