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
struct BrokerProcessFaults: CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        guard let broker = bench.broker else { throw CampaignError("the broker faults need the transactional broker") }
        if index % 2 == 0 {
            try broker.restart(signal: SIGTERM)
        } else {
            try broker.pause()
            Thread.sleep(forTimeInterval: Double.random(in: 1...5, using: &random))
            try broker.resume()
        }
        Thread.sleep(forTimeInterval: Double.random(in: 1.0...3.0, using: &random))
    }
}
