import ReliabilityCampaigns
import TestBench
import Testing

/// The campaigns' checker on hand-made topics: it must see each kind of damage it exists to count.
@Suite struct DeliveryCheckerTests {
    /// A change message as the daemon writes it (only the fields the checker reads).
    private func message(_ change: RowChange, partition: Int32 = 0, offset: Int64) -> ConsumedMessage {
        let image = "{\"id\":\(change.id),\"seq\":\(change.seq),\"note\":\"x\"}"
        let data = change.kind == .delete ? "{\"old\":\(image)}" : "{\"new\":\(image)}"
        let value = "{\"head\":{\"type\":\"\(change.kind.rawValue)\",\"database\":\"campaign\",\"table\":\"items\"},\"data\":\(data)}"
        return ConsumedMessage(topic: "t", partition: partition, offset: offset, key: nil, value: Array(value.utf8))
    }

    private let committed = [
        RowChange(id: 1, seq: 1, kind: .insert), RowChange(id: 2, seq: 1, kind: .insert),
        RowChange(id: 1, seq: 2, kind: .update), RowChange(id: 1, seq: 2, kind: .delete),
    ]

    @Test func aCompleteTopicInOrderPasses() throws {
        let topic = [committed[0], committed[2], committed[3]].enumerated().map { message($1, offset: Int64($0)) }
            + [message(committed[1], partition: 1, offset: 0)]
        let report = try DeliveryChecker.check(expected: committed, consumed: topic)
        #expect((report.expected, report.found, report.lost, report.duplicated, report.orderViolations, report.unexpected) == (4, 4, 0, 0, 0, 0))
    }

    @Test func countsLostDuplicatedReorderedAndUnexpectedChanges() throws {
        let stray = RowChange(id: 9, seq: 1, kind: .insert)
        // Row 1: the delete arrives before the update (reordered), the insert twice; row 2 never arrives.
        let topic = [committed[0], committed[3], committed[2], committed[0], stray].enumerated().map { message($1, offset: Int64($0)) }
        let report = try DeliveryChecker.check(expected: committed, consumed: topic)
        #expect(report.lost == 1)
        #expect(report.found == 3)
        #expect(report.duplicated == 1)
        #expect(report.orderViolations == 1)
        #expect(report.unexpected == 1)
        #expect(report.samples.contains("lost insert id=2 seq=1"), "\(report.samples)")
    }

    @Test func aRepeatAfterLaterChangesIsADuplicateNotAReordering() throws {
        // After a crash the daemon resends from its checkpoint: insert, update, then insert and update again.
        let topic = [committed[0], committed[2], committed[0], committed[2], committed[3]].enumerated().map { message($1, offset: Int64($0)) }
            + [message(committed[1], partition: 1, offset: 0)]
        let report = try DeliveryChecker.check(expected: committed, consumed: topic)
        #expect((report.lost, report.duplicated, report.orderViolations) == (0, 2, 0))
    }

    @Test func aMessageWithoutTheRowsIdentityIsAnError() throws {
        let broken = ConsumedMessage(topic: "t", partition: 0, offset: 0, key: nil,
                                     value: Array("{\"head\":{\"type\":\"insert\"},\"data\":{\"new\":{\"id\":1}}}".utf8))
        #expect(throws: CampaignError.self) { try DeliveryChecker.check(expected: committed, consumed: [broken]) }
    }
}
