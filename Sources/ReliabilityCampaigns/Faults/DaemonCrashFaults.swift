import Foundation
import TestBench

/// `kill -9` of the daemon, then a restart, in turn: at a random moment; timed to the checkpoint
/// cadence (one second after a write was seen — the file is watched every millisecond — give or
/// take 3 ms, so the kill lands in or next to the next write); and right after a SIGHUP that
/// changes the pipeline (during the reload).
/// After each kill the checkpoint file must be whole.
struct DaemonCrashFaults: CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        switch index % 3 {
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
