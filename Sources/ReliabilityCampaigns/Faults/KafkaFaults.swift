import Foundation
import TestBench

/// In turn, on the mock cluster: a broker down for 1–3 s; Produce requests failing with
/// NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT and NOT_ENOUGH_REPLICAS; every broker answering its
/// next Produce requests 1.5 s late (throttling); every broker's round trip raised to 2–3 s for 4 s.
/// The pipeline uses the idempotent profile: retries must not repeat a message.
struct KafkaFaults: CampaignFaults {
    private static let brokers: [Int32] = [1, 2, 3]
    private static let produceAPIKey = 0

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        guard let cluster = bench.cluster else { throw CampaignError("the Kafka faults need the mock cluster") }
        switch index % 4 {
        case 0:
            let broker = Self.brokers.randomElement(using: &random)!
            try cluster.control("broker-down \(broker)")
            Thread.sleep(forTimeInterval: Double.random(in: 1...3, using: &random))
            try cluster.control("broker-up \(broker)")
        case 1:
            let errors = (Array(repeating: "NOT_LEADER_FOR_PARTITION", count: 3) + Array(repeating: "REQUEST_TIMED_OUT", count: 2)
                + Array(repeating: "NOT_ENOUGH_REPLICAS", count: 2)).shuffled(using: &random)
            try cluster.control("request-errors \(Self.produceAPIKey) \(errors.joined(separator: " "))")
            Thread.sleep(forTimeInterval: 2.0)
        case 2:
            for broker in Self.brokers { try cluster.control("request-delays \(broker) \(Self.produceAPIKey) 5 1500") }
            Thread.sleep(forTimeInterval: 3.0)
        default:
            let milliseconds = Int.random(in: 2000...3000, using: &random)
            for broker in Self.brokers { try cluster.control("broker-rtt \(broker) \(milliseconds)") }
            Thread.sleep(forTimeInterval: 4.0)
            for broker in Self.brokers { try cluster.control("broker-rtt \(broker) 0") }
        }
        Thread.sleep(forTimeInterval: Double.random(in: 0.5...1.5, using: &random))
    }
}
