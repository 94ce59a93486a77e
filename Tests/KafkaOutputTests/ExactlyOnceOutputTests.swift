import Foundation
import KafkaOutput
import Synchronization
import TestBench
import Testing

/// The `exactly_once` profile's output against a broker with real transactions (noida-db, or the Kafka
/// cluster `BINLOGO_KAFKA_BOOTSTRAP` names): what a read_committed consumer sees, what `recover` finds,
/// and fencing.
@Suite struct ExactlyOnceOutputTests {
    /// A position as the tests write it: its record is its text.
    struct Position: CommitPosition {
        let text: String
        func encodedRecord() -> [UInt8] { Array(text.utf8) }
    }

    /// Committed positions, in the order the output reported them.
    final class Commits: Sendable {
        private let texts = Mutex<[String]>([])
        var onCommitted: @Sendable (any CommitPosition, Int) -> Void {
            { [self] position, _ in texts.withLock { $0.append((position as! Position).text) } }
        }
        var all: [String] { texts.withLock { $0 } }
    }

    private func configuration(_ broker: TransactionalKafkaBroker, run: String, interval: Int = 50,
                               maximumMessages: Int = 10_000) -> KafkaOutputConfiguration {
        KafkaOutputConfiguration(
            brokers: [broker.bootstrapServers], profile: .exactlyOnce, properties: ["linger.ms": "2"],
            topic: try! TopicTemplate("eos.\(run)"), key: .none, headers: false,
            transactions: KafkaTransactionSettings(transactionalID: "binlogo-test-\(run)", commitIntervalMilliseconds: interval,
                                                   maximumMessages: maximumMessages, positionsTopic: "eos.\(run).positions"))
    }

    private func message(_ topic: String, _ text: String, token: UInt64) -> OutgoingMessage {
        OutgoingMessage(topic: topic, key: nil, value: Array(text.utf8), token: token)
    }

    private func waitFor(_ condition: () -> Bool, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    /// Messages become visible to read_committed consumers with the position that follows them, in one
    /// transaction; a new producer's `recover` reads that position back.
    @Test func messagesAndThePositionAreCommittedTogether() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let run = UUID().uuidString.prefix(8).lowercased()
        let configuration = configuration(broker, run: String(run))
        let commits = Commits()
        let output = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                  onCommitted: commits.onCommitted)
        #expect(try output.recover(isCancelled: { false }) == nil)
        for index in 1...5 { try output.send(message("eos.\(run)", "row \(index)", token: UInt64(index))) }
        try output.reach(Position(text: "after 5"))
        #expect(waitFor { commits.all == ["after 5"] }, "committed once the interval passed, by the ticker")
        for index in 6...8 { try output.send(message("eos.\(run)", "row \(index)", token: UInt64(index))) }
        try output.reach(Position(text: "after 8"))
        #expect(waitFor { commits.all == ["after 5", "after 8"] }, "\(commits.all)")
        #expect(output.flush(timeoutMilliseconds: 10_000) == 0)

        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.readAll(topic: "eos.\(run)").map(\.valueText) == (1...8).map { "row \($0)" })
        let positions = try consumer.readAll(topic: "eos.\(run).positions")
        #expect(positions.map(\.valueText) == ["after 5", "after 8"])
        #expect(positions.allSatisfy { $0.keyText == "p\(run)" })

        let next = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                onCommitted: { _, _ in })
        #expect(try next.recover(isCancelled: { false }).map { String(decoding: $0, as: UTF8.self) } == "after 8")
    }

    /// A broker that dies while a commit waits for its answer: the commit is given up once the lost connection
    /// is known, and nothing of the transaction becomes visible. (A restarted noida-db aborts the transaction
    /// that was open yet acknowledges the commit the producer then sends again: the position would be
    /// committed without the messages.)
    @Test(.enabled(if: TransactionalKafkaBroker.faultsAvailable, "BINLOGO_KAFKA_BOOTSTRAP names a real cluster: no broker to restart"))
    func aCommitWaitingThroughABrokerRestartIsGivenUp() throws {
        let broker = try TransactionalKafkaBroker.start()
        defer { try? broker.stop() }
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let delivered = Atomic(0)
        var output: TransactionalKafkaOutput? = try TransactionalKafkaOutput(
            configuration: configuration(broker, run: run, interval: 20_000), pipeline: "p\(run)",
            onDelivery: { _, error in if error == nil { delivered.add(1, ordering: .relaxed) } }, onCommitted: { _, _ in })
        #expect(try output?.recover(isCancelled: { false }) == nil)
        for index in 1...5 { try output?.send(message("eos.\(run)", "row \(index)", token: UInt64(index))) }
        #expect(waitFor { delivered.load(ordering: .relaxed) == 5 }, "the broker has the messages")
        Thread.sleep(forTimeInterval: 1.5)  // and has saved them (it saves once a second)

        // The commit begins while the broker is paused, so it waits in calls of a second; the broker is then
        // killed (no request it held is answered) and started again once the commit ended.
        try broker.pause()
        let outcome = Mutex<String?>(nil)
        let committing = output
        Thread {
            do {
                try committing?.commit(only: Position(text: "after 5"))
                outcome.withLock { $0 = "committed" }
            } catch {
                outcome.withLock { $0 = (error as? KafkaError).map { "\($0.kind)" } ?? "\(error)" }
            }
        }.start()
        Thread.sleep(forTimeInterval: 1.5)
        try broker.restart(signal: SIGKILL) {
            #expect(waitFor({ outcome.withLock { $0 } != nil }, seconds: 20), "the commit gives up while the broker is down")
            output = nil  // as the pipeline does when it fails: the producer goes before the broker is back
        }
        #expect(outcome.withLock { $0 } == "transactionAborted")

        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.readAll(topic: "eos.\(run).positions").map(\.valueText) == [], "no position was committed")
        #expect(try consumer.readAll(topic: "eos.\(run)").map(\.valueText) == [])
    }

    /// A producer that dies with a transaction open (no flush, as after kill -9): the next one's `recover`
    /// aborts it, read_committed consumers never see its messages, and the last committed position stands.
    @Test func anOpenTransactionIsAbortedByTheNextRun() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let configuration = configuration(broker, run: run, interval: 60_000 / 4)
        let commits = Commits()
        let delivered = Mutex(0)
        do {
            let output = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)",
                                                      onDelivery: { _, error in if error == nil { delivered.withLock { $0 += 1 } } },
                                                      onCommitted: commits.onCommitted)
            _ = try output.recover(isCancelled: { false })
            try output.send(message("eos.\(run)", "committed", token: 1))
            try output.commit(only: Position(text: "after committed"))
            for index in 1...4 { try output.send(message("eos.\(run)", "open \(index)", token: UInt64(1 + index))) }
            try output.reach(Position(text: "never committed"))
            // On the broker, in a transaction left open: the output is dropped without a flush, as at a kill -9.
            #expect(waitFor { delivered.withLock { $0 } == 5 })
        }
        #expect(commits.all == ["after committed"])
        let next = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                onCommitted: { _, _ in })
        #expect(try next.recover(isCancelled: { false }).map { String(decoding: $0, as: UTF8.self) } == "after committed")
        let committed = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try committed.readAll(topic: "eos.\(run)").map(\.valueText) == ["committed"])
        let everything = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readUncommitted)
        #expect(try everything.readAll(topic: "eos.\(run)").map(\.valueText) == ["committed", "open 1", "open 2", "open 3", "open 4"],
                "the aborted records are in the log, only hidden")
    }

    /// A second producer with the same transactional id takes over: the first fails with `.fenced` and a
    /// message saying another process took the pipeline over; nothing it sent afterwards is visible.
    @Test func aSecondProducerFencesTheFirst() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let configuration = configuration(broker, run: run, interval: 50)
        let first = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                 onCommitted: { _, _ in })
        _ = try first.recover(isCancelled: { false })
        try first.send(message("eos.\(run)", "first 1", token: 1))
        try first.commit(only: Position(text: "first"))

        let second = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                  onCommitted: { _, _ in })
        #expect(try second.recover(isCancelled: { false }).map { String(decoding: $0, as: UTF8.self) } == "first")
        let failure = #expect(throws: KafkaError.self) {
            try first.send(self.message("eos.\(run)", "first 2", token: 2))
            try first.commit(only: Position(text: "first again"))
        }
        #expect(failure?.kind == .fenced, "\(String(describing: failure))")
        #expect(failure?.message.contains("another binlogo process took this pipeline over") == true, "\(String(describing: failure))")
        #expect(first.failure?.kind == .fenced)
        try second.send(message("eos.\(run)", "second 1", token: 1))
        try second.commit(only: Position(text: "second"))
        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.readAll(topic: "eos.\(run)").map(\.valueText) == ["first 1", "second 1"])
    }

    /// `max_messages` ends a transaction at the first position past it, so a long stream of small
    /// transactions commits in parts of that size, each with its position.
    @Test func theMessageCapEndsTransactionsAtTheNextPosition() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let run = String(UUID().uuidString.prefix(8).lowercased())
        let configuration = configuration(broker, run: run, interval: 60_000 / 4, maximumMessages: 10)
        let commits = Commits()
        let output = try TransactionalKafkaOutput(configuration: configuration, pipeline: "p\(run)", onDelivery: { _, _ in },
                                                  onCommitted: commits.onCommitted)
        _ = try output.recover(isCancelled: { false })
        for index in 1...25 {
            try output.send(message("eos.\(run)", "row \(index)", token: UInt64(index)))
            if index % 4 == 0 { try output.reach(Position(text: "after \(index)")) }
        }
        #expect(commits.all == ["after 12", "after 24"], "the first positions at or past 10 and 20 messages")
        #expect(output.flush(timeoutMilliseconds: 10_000) == 1, "row 25 is past the last position: aborted at the stop")
        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.readAll(topic: "eos.\(run)").map(\.valueText) == (1...24).map { "row \($0)" })
    }
}
