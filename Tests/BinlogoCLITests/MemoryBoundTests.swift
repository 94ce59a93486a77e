import Foundation
import TestBench
import Testing

/// The bounded queue keeps the daemon's memory flat whatever the transaction size, even when Kafka
/// is slow: a 100k-row transaction through brokers answering after 50 ms.
@Suite(.serialized) struct MemoryBoundTests {
    @Test func aLargeTransactionThroughSlowKafkaStaysWithinBounds() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.start(brokers: 3)
        defer { cluster.stop() }
        let database = try TestDatabase.create(prefix: "memory")
        let topic = try cluster.newTopic("memory", partitions: 16)
        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "memory", serverID: 7004, sandbox: sandbox, database: database.name, topic: topic,
                                   cluster: cluster, queue: "{max_messages: 2000, max_bytes: 8MiB}"),
        ])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(200))")
        try daemon.start()
        let deadline = Date().addingTimeInterval(20)
        while !daemon.log.contains("streaming") && Date() < deadline { usleep(50_000) }
        for broker in 1...3 { try cluster.control("broker-rtt \(broker) 50") }

        try connection.execute("INSERT INTO t SELECT seq, REPEAT('x', 150) FROM \(numbers(1...100000))")
        let consumer = try KafkaTestConsumer(bootstrapServers: cluster.bootstrapServers)
        let started = Date()
        let arrived = started.addingTimeInterval(180)
        while try consumer.messageCount(topic: topic) < 100_000 && Date() < arrived { usleep(200_000) }
        print("memory bound: \(try consumer.messageCount(topic: topic)) messages after \(Int(Date().timeIntervalSince(started))) s")
        #expect(try consumer.messageCount(topic: topic) == 100_000, "the 100k rows")
        let peak = try #require(daemon.process?.peakResidentBytes)
        print("memory bound: daemon peak RSS \(peak / 1_048_576) MiB for a 100k-row transaction at 50 ms broker RTT")
        #expect(peak < 150 * 1_048_576, "peak RSS \(peak / 1_048_576) MiB")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
