import Foundation
import TestBench

/// In turn: SIGTERM (a clean exit 0 within a minute) and a restart; and SIGHUP with a changed
/// pipeline, alternately its filters (changed in place) and its Kafka settings (the pipeline
/// restarts). Neither may lose or repeat a change.
struct GracefulCycleFaults: CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        if index % 2 == 0 {
            let exit = bench.daemon.stop(signal: SIGTERM, seconds: 60)
            if exit != 0 { bench.note("round \(index): SIGTERM ended the daemon with \(exit.map(String.init) ?? "no exit within 60 s")") }
            bench.checkCheckpointIsWhole(FileManager.default.contents(atPath: bench.checkpointPath), round: index)
            try bench.daemon.start()
            if !bench.waitForStreaming() { bench.note("round \(index): no streaming after the restart") }
        } else {
            let restarts = bench.nextChangeRestartsPipeline
            let reloads = bench.daemon.log.components(separatedBy: "reloaded").count
            let streams = bench.streamingCount
            try bench.changePipeline()
            bench.daemon.signal(SIGHUP)
            if !waitUntil(seconds: 60, { bench.daemon.log.components(separatedBy: "reloaded").count > reloads }) {
                bench.note("round \(index): SIGHUP was not followed by `reloaded`")
            } else if restarts, !bench.waitForStreaming(moreThan: streams) {
                bench.note("round \(index): the changed pipeline did not stream again after the reload")
            }
        }
        Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5, using: &random))
    }
}
