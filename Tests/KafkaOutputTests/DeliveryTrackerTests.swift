import KafkaOutput
import Testing

/// The checkpoint the acknowledgements allow: a transaction's position once every message up to its last
/// one is acknowledged, whatever order the acknowledgements come in, and never past a failed message.
@Suite struct DeliveryTrackerTests {
    @Test func outOfOrderAcknowledgementsCheckpointOnlyWholeTransactions() {
        let tracker = DeliveryTracker<String>()
        var tokens: [UInt64] = []
        for end in ["after 2", "after 4", "after 6"] {
            tokens += [tracker.nextToken(), tracker.nextToken()]
            tracker.endTransaction(at: end)
        }
        #expect(tokens == [1, 2, 3, 4, 5, 6])
        tracker.acknowledge(2)
        #expect(tracker.checkpoint == nil)
        tracker.acknowledge(1)
        #expect(tracker.checkpoint == "after 2")
        tracker.acknowledge(4)
        #expect(tracker.checkpoint == "after 2")
        tracker.acknowledge(6)
        tracker.acknowledge(3)
        #expect(tracker.checkpoint == "after 4", "3 and 4 done; 5 is not")
        #expect(tracker.inFlight == 1)
        #expect(tracker.fail(5, KafkaError(kind: .stopped, message: "test")))
        tracker.acknowledge(5)
        #expect(tracker.checkpoint == "after 4", "never past a failed message")
    }

    /// Thousands of transactions, acknowledged in pairs swapped: the bookkeeping is compacted as it goes and
    /// the checkpoint follows the last whole transaction.
    @Test func manyTransactionsAcknowledgedSlightlyOutOfOrder() {
        let tracker = DeliveryTracker<Int>()
        for transaction in 1...3_000 {
            let first = tracker.nextToken(), second = tracker.nextToken()
            tracker.endTransaction(at: transaction)
            tracker.acknowledge(second)
            #expect(tracker.checkpoint == (transaction == 1 ? nil : transaction - 1))
            tracker.acknowledge(first)
            #expect(tracker.checkpoint == transaction)
        }
        #expect(tracker.inFlight == 0)
    }
}
