import Foundation
import MySQLSource
import TestBench

/// The state directory (a small tmpfs in the daemon's own mount namespace) made read-only, or
/// filled up, for 2.5 s while checkpoints are due (every second). Each time the pipeline must
/// report it in `/status` (`checkpoint_error`) and its log, keep the previous checkpoint file whole
/// and unchanged, and write checkpoints again once the disk is back.
struct DiskFaults: CampaignFaults {
    static let stateDirectoryBytes = 256 * 1024

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        let state = bench.daemon.stateDirectory
        let readCheckpoint = "cat '\(bench.checkpointPath)'"
        let readOnly = index % 2 == 0
        let fault = readOnly ? "read-only" : "full"
        if readOnly {
            // A read-only bind mount over the directory: remounting the tmpfs itself read-only fails
            // while the pipeline's lock file is open for writing.
            try bench.daemon.inStateNamespace("mount --bind '\(state)' '\(state)' && mount -o remount,bind,ro '\(state)'", expecting: "make it read-only")
        } else {
            try bench.daemon.inStateNamespace("dd if=/dev/zero of='\(state)/fill' bs=4096 2>/dev/null; true")
        }
        // Read once the fault is in place: no checkpoint can be written from here on.
        let before = try bench.daemon.inStateNamespace(readCheckpoint, expecting: "read the checkpoint")
        Thread.sleep(forTimeInterval: 2.5)
        let status = bench.status() ?? ""
        if !status.contains("\"checkpoint_error\":\"") { bench.note("round \(index) (\(fault)): /status shows no checkpoint_error: \(status)") }
        let during = try bench.daemon.inStateNamespace(readCheckpoint, expecting: "read the checkpoint")
        if during != before { bench.note("round \(index) (\(fault)): the checkpoint changed while the disk was \(fault)") }
        bench.checkCheckpointIsWhole(Data(during.utf8), round: index)
        if readOnly {
            try bench.daemon.inStateNamespace("umount '\(state)'", expecting: "make it writable again")
        } else {
            try bench.daemon.inStateNamespace("rm -f '\(state)/fill'", expecting: "empty it again")
        }
        let recovered = waitUntil(seconds: 10) {
            let now = (try? bench.daemon.inStateNamespace(readCheckpoint, expecting: "read the checkpoint")) ?? before
            return now != before && (bench.status(withMetrics: false)?.contains("\"checkpoint_error\":null") ?? false)
        }
        if !recovered { bench.note("round \(index) (\(fault)): checkpoints did not resume within 10 s of the disk coming back") }
        Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5, using: &random))
    }
}
