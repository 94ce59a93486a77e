import CRdKafka
import Foundation
import Synchronization
import TestBench
import Testing

/// The test bench's transactional broker (`TransactionalKafkaBroker`, noida-db unless the environment
/// names a real cluster) and `KafkaTestConsumer` on it: read_committed consumers see committed records
/// alone, read_uncommitted ones see every record, a producer is fenced by a newer one of its
/// `transactional.id`, and a broker of the test's own survives a restart and a pause.
@Suite struct TransactionalBrokerTests {
    private func uniqueTopic(_ name: String) -> String { "txn-\(name)-\(UUID().uuidString.prefix(8))" }

    private func values(_ prefix: String, _ count: Int) -> [String] { (0..<count).map { "\(prefix)-\($0)" } }

    private func read(_ broker: TransactionalKafkaBroker, _ topic: String,
                      _ isolationLevel: KafkaTestConsumer.IsolationLevel) throws -> [String] {
        try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: isolationLevel)
            .readAll(topic: topic).map(\.valueText)
    }

    @Test func readCommittedSeesOnlyCommittedRecordsAndEndsAtTheLastStableOffset() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let topic = uniqueTopic("visibility")
        let committed = values("committed", 20), aborted = values("aborted", 7), open = values("open", 5)
        let producer = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
        try producer.beginTransaction()
        try producer.produce(topic: topic, values: committed)
        try producer.commitTransaction()
        try producer.beginTransaction()
        try producer.produce(topic: topic, values: aborted)
        try producer.abortTransaction()
        try producer.beginTransaction()
        try producer.produce(topic: topic, values: open)

        #expect(try read(broker, topic, .readCommitted) == committed)
        #expect(try read(broker, topic, .readUncommitted) == committed + aborted + open)
        // Each transaction ends with one marker offset; read_committed ends before the open transaction.
        let committedEnd = Int64(committed.count + 1 + aborted.count + 1)
        let readCommittedEnds = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
            .endOffsets(topic: topic)
        let readUncommittedEnds = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readUncommitted)
            .endOffsets(topic: topic)
        #expect(readCommittedEnds[0] == committedEnd)
        #expect(readUncommittedEnds[0] == committedEnd + Int64(open.count))

        try producer.abortTransaction()
        #expect(try read(broker, topic, .readCommitted) == committed)
    }

    @Test func aNewerProducerOfTheSameTransactionalIDFencesTheOlderOne() throws {
        let broker = try TransactionalKafkaBroker.shared()
        let topic = uniqueTopic("fencing")
        let committed = values("committed", 10), open = values("open", 4), newer = values("newer", 3)
        let older = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
        try older.beginTransaction()
        try older.produce(topic: topic, values: committed)
        try older.commitTransaction()
        try older.beginTransaction()
        try older.produce(topic: topic, values: open)

        // init_transactions of the newer producer fences the older one and aborts its open transaction.
        let newerProducer = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
        let failure = try #require(older.commitFailure(), "the fenced producer's commit must fail")
        #expect(failure.isFatal, "\(failure.text)")
        #expect(older.fatalError == RD_KAFKA_RESP_ERR__FENCED, "\(failure.text)")

        try newerProducer.beginTransaction()
        try newerProducer.produce(topic: topic, values: newer)
        try newerProducer.commitTransaction()
        #expect(try read(broker, topic, .readCommitted) == committed + newer)
        #expect(try read(broker, topic, .readUncommitted) == committed + open + newer)
    }

    @Test(.enabled(if: TransactionalKafkaBroker.faultsAvailable, "BINLOGO_KAFKA_BOOTSTRAP names a real cluster: no broker to restart"))
    func aRestartKeepsTheCommittedRecordsAndTheAddress() throws {
        let broker = try TransactionalKafkaBroker.start()
        defer { try? broker.stop() }
        #expect(broker.supportsFaults)
        let topic = uniqueTopic("restart")
        let committed = values("committed", 30), aborted = values("aborted", 6), later = values("later", 5)
        do {
            let producer = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
            try producer.beginTransaction()
            try producer.produce(topic: topic, values: committed)
            try producer.commitTransaction()
            try producer.beginTransaction()
            try producer.produce(topic: topic, values: aborted)
            try producer.abortTransaction()
        }
        // A consumer made before the restart reads after it: the broker is back on the same address.
        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.readAll(topic: topic).map(\.valueText) == committed)

        try broker.restart()

        #expect(try consumer.readAll(topic: topic).map(\.valueText) == committed)
        #expect(try read(broker, topic, .readUncommitted) == committed + aborted)
        let producer = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
        try producer.beginTransaction()
        try producer.produce(topic: topic, values: later)
        try producer.commitTransaction()
        #expect(try consumer.readAll(topic: topic).map(\.valueText) == committed + later)
    }

    @Test(.enabled(if: TransactionalKafkaBroker.faultsAvailable, "BINLOGO_KAFKA_BOOTSTRAP names a real cluster: no broker to pause"))
    func aPausedBrokerAnswersNothingUntilResumedAndThenCompletesTheCommit() throws {
        let broker = try TransactionalKafkaBroker.start()
        defer { try? broker.stop() }
        let topic = uniqueTopic("pause")
        let before = values("before", 8), during = values("during", 4)
        let producer = try RawTransactionalProducer(bootstrapServers: broker.bootstrapServers, transactionalID: topic)
        try producer.beginTransaction()
        try producer.produce(topic: topic, values: before)
        try producer.commitTransaction()
        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(try consumer.endOffsets(topic: topic)[0] == Int64(before.count + 1))

        try broker.pause()
        // A transaction begun while the broker is paused, on a thread of its own (its calls block).
        let outcome = Mutex<String?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let transaction = Thread {
            do {
                try producer.beginTransaction()
                try producer.produce(topic: topic, values: during)
                try producer.commitTransaction()
                outcome.withLock { $0 = "committed" }
            } catch {
                outcome.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }
        transaction.start()
        #expect(throws: TestBenchError.self, "a paused broker answers no request") {
            try consumer.endOffsets(topic: topic, timeoutMilliseconds: 1_000)
        }
        #expect(outcome.withLock { $0 } == nil, "the commit cannot complete while the broker is paused")

        try broker.resume()
        #expect(finished.wait(timeout: .now() + 60) == .success)
        #expect(outcome.withLock { $0 } == "committed")
        #expect(try consumer.readAll(topic: topic).map(\.valueText) == before + during)
    }
}
