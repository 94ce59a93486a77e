import Foundation
import TestBench

/// The exactly_once campaign's Kafka faults, on the transactional broker's process, in turn: stopped
/// (SIGTERM) and started again; paused (SIGSTOP) for 1–5 s, as behind a dead network, then resumed.
/// A restart aborts the broker's open transactions; the pipeline must go back to its last committed
/// position and repeat nothing.
///
/// Not `kill -9`: noida-db writes its state to disk at most once a second, so a killed noida-db loses
/// transactions it had acknowledged as committed — a loss of the test broker's own, which an Apache
/// Kafka broker (its log in the page cache, replicated) does not have.
///
/// The daemon is frozen (SIGSTOP) from just before the broker's SIGTERM until the broker has ended:
/// noida-db saves its state at SIGTERM while it still handles requests, and a commit it was writing its
/// markers for then stays open forever in one partition (seen: the positions topic's last stable offset
/// stuck one record short of its end, after the restart). Apache Kafka's coordinator completes such a
/// commit when it loads its state; noida-db does not. With no request in flight the save is whole. The
/// daemon runs again while the broker is down, as through any restart, and sees its connections fail.
struct BrokerProcessFaults: CampaignFaults {
    /// How long the frozen daemon's last requests get to finish before the broker's SIGTERM.
    static let quiesceSeconds = 0.3
    /// How long the daemon runs with the broker down before it starts again: long enough for a commit the
    /// daemon was in to give up (it tries in calls of a second) rather than complete on the restarted broker.
    static let downSeconds = 2.0

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        guard let broker = bench.broker else { throw CampaignError("the broker faults need the transactional broker") }
        if index % 2 == 0 {
            bench.daemon.signal(SIGSTOP)
            var frozen = true
            defer { if frozen { bench.daemon.signal(SIGCONT) } }
            Thread.sleep(forTimeInterval: Self.quiesceSeconds)
            try broker.restart(signal: SIGTERM) {
                bench.daemon.signal(SIGCONT)
                frozen = false
                Thread.sleep(forTimeInterval: Self.downSeconds)
            }
        } else {
            try broker.pause()
            Thread.sleep(forTimeInterval: Double.random(in: 1...5, using: &random))
            try broker.resume()
        }
        Thread.sleep(forTimeInterval: Double.random(in: 1.0...3.0, using: &random))
    }
}
