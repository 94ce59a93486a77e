import Foundation
import TestBench
import Testing

/// The `exactly_once` profile end to end: the daemon as a process, the sandbox server, and a broker with
/// real transactions, read back as a read_committed consumer.
@Suite(.serialized) struct ExactlyOnceDaemonTests {
    /// A pipeline item with the exactly_once profile and a positions topic of its own.
    private func pipeline(name: String, serverID: Int, sandbox: SandboxServer, database: String, topic: String,
                          broker: TransactionalKafkaBroker, positions: String, lookAheadMiB: Int = 4,
                          maximumMessages: Int = 10_000, format: String = "binlogo") -> String {
        """
          - name: \(name)
            mysql: {host: 127.0.0.1, port: \(sandbox.port), user: root, server_id: \(serverID), start: current, heartbeat_seconds: 1, transaction_lookahead_mb: \(lookAheadMiB)\(sandbox.serverPublicKeyYAML)}
            filters: {include: ["\(database).*"]}
            output:
              format: \(format)
              kafka:
                brokers: ["\(broker.bootstrapServers)"]
                topic: \(topic)
                profile: exactly_once
                transactions: {commit_interval_ms: 100, max_messages: \(maximumMessages), positions_topic: \(positions)}
                properties: {linger.ms: 5}
            queue: {max_messages: 2000, max_bytes: 4MiB}
        """
    }

    private func waitForStreaming(_ daemon: DaemonProcess, runs: Int = 1) -> Bool {
        waitUntil(seconds: 60) { daemon.log.contains("streaming") }
    }

    /// The ids of the row messages of `topic` as a read_committed consumer sees them, in offset order.
    private func committedIDs(_ broker: TransactionalKafkaBroker, topic: String) throws -> [Int] {
        try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted).readAll(topic: topic)
            .compactMap { message -> Int? in
                let value = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any]
                let data = value?["data"] as? [String: Any]
                let row = (data?["new"] ?? data?["old"]) as? [String: Any]
                return (row?["id"] as? NSNumber)?.intValue
            }
    }

    /// The last committed position record of `pipeline`, as text.
    private func lastPosition(_ broker: TransactionalKafkaBroker, topic: String, pipeline: String) throws -> String? {
        try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted).readAll(topic: topic)
            .last { $0.keyText == pipeline }?.valueText
    }


    /// A transaction far larger than a Kafka transaction may hold is committed in parts; kill -9 in its
    /// middle, and the next run resumes inside it: every row once, in order, one commit mark. 100,000 rows
    /// in CI; `BINLOGO_EOS_LARGE_ROWS=1000000` for the figure in Docs/exactly-once.md.
    @Test func aKillInsideALargeTransactionRepeatsAndLosesNothing() throws {
        let sandbox = try SandboxServer.shared()
        let broker = try TransactionalKafkaBroker.shared()
        let database = try TestDatabase.create(prefix: "eos_large")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (topic, positions) = ("eos-large-\(run)", "eos-large-\(run)-positions")
        let rows = ProcessInfo.processInfo.environment["BINLOGO_EOS_LARGE_ROWS"].flatMap { Int($0) } ?? 100_000
        let daemon = try DaemonProcess(pipelines: [
            pipeline(name: "large", serverID: 7351, sandbox: sandbox, database: database.name, topic: topic, broker: broker,
                     positions: positions, lookAheadMiB: 1, maximumMessages: 5_000),
        ])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(200))")
        try daemon.start()
        #expect(waitForStreaming(daemon), "\(daemon.log)")
        try connection.execute("INSERT INTO t SELECT seq, REPEAT('x', 150) FROM \(numbers(1...rows))")

        // Killed once part of the transaction is committed, well before all of it is.
        #expect(waitUntil(seconds: 120) { (try? lastPosition(broker, topic: positions, pipeline: "large"))?.contains("transaction_rows_done") == true })
        #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
        let inside = try #require(try lastPosition(broker, topic: positions, pipeline: "large"))
        let done = try #require((try JSONSerialization.jsonObject(with: Data(inside.utf8)) as? [String: Any])?["transaction_rows_done"] as? Int)
        #expect(done > 0 && done < rows, "killed inside the transaction: \(inside)")

        try daemon.start()
        // The topic's end (read_committed) passes the rows before they can all be read: it is cheap to ask.
        let ends = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        #expect(waitUntil(seconds: Double(rows) / 500) {
            ((try? ends.endOffsets(topic: topic))?.values.reduce(0, +) ?? 0) >= Int64(rows)
                && (try? committedIDs(broker, topic: topic).count) ?? 0 >= rows
        })
        let ids = try committedIDs(broker, topic: topic)
        #expect(ids == Array(1...rows), "every row once and in order; \(ids.count) row messages")
        let messages = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted).readAll(topic: topic)
        #expect(messages.filter { $0.valueText.contains("\"commit\":true") }.map { $0.valueText.contains("\"id\":\(rows)") } == [true],
                "one commit mark, on the transaction's last row")
        #expect(daemon.allLogs.contains("rows into the transaction that begins there"), "\(daemon.log)")
        let peak = try #require(daemon.process?.peakResidentBytes)
        print("exactly once: daemon peak RSS \(peak / 1_048_576) MiB resuming inside a \(rows)-row transaction")
        #expect(peak < 150 * 1_048_576, "peak RSS \(peak / 1_048_576) MiB")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    /// `format: debezium` under a kill -9: a transaction that moves every row to a new key is a delete, a
    /// tombstone and a create per row, committed in parts; killed inside it, the next run resumes there and a
    /// read_committed consumer sees each row's three messages once, in order.
    @Test func aKillInsideAKeyChangingTransactionRepeatsNoDebeziumMessage() throws {
        let sandbox = try SandboxServer.shared()
        let broker = try TransactionalKafkaBroker.shared()
        let database = try TestDatabase.create(prefix: "eos_debezium")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (topic, positions) = ("eos-debezium-\(run)", "eos-debezium-\(run)-positions")
        let rows = 30_000, shift = 1_000_000
        let daemon = try DaemonProcess(pipelines: [
            pipeline(name: "debezium", serverID: 7354, sandbox: sandbox, database: database.name, topic: topic, broker: broker,
                     positions: positions, lookAheadMiB: 1, maximumMessages: 3_000, format: "debezium"),
        ])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, payload VARCHAR(100))")
        try connection.execute("INSERT INTO t SELECT seq, REPEAT('x', 80) FROM \(numbers(1...rows))")
        try daemon.start()
        #expect(waitForStreaming(daemon), "\(daemon.log)")
        try connection.execute("UPDATE t SET id = id + \(shift)")

        #expect(waitUntil(seconds: 120) { (try? lastPosition(broker, topic: positions, pipeline: "debezium"))?.contains("transaction_rows_done") == true })
        #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
        try daemon.start()
        let consumer = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted)
        // The end offset (which counts the transactions' markers too) first, as it is cheap to ask; then the messages.
        #expect(waitUntil(seconds: 120) { ((try? consumer.endOffsets(topic: topic))?.values.reduce(0, +) ?? 0) >= Int64(3 * rows) })
        var messages: [ConsumedMessage] = []
        #expect(waitUntil(seconds: 60) {
            messages = (try? consumer.readAll(topic: topic)) ?? []
            return messages.count >= 3 * rows
        })
        let seen = messages.map { message -> String in
            guard !message.hasNullValue else { return "tombstone \(message.keyText ?? "")" }
            let value = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any]
            return "\(value?["op"] as? String ?? "?") \(message.keyText ?? "")"
        }
        // What the server holds now, each row's old key its new one less the shift.
        let moved = try connection.query("SELECT id FROM t ORDER BY id").compactMap { $0[0].flatMap { Int($0) } }
        try #require(moved.count == rows)
        let expected = moved.flatMap { id in ["d {\"id\":\(id - shift)}", "tombstone {\"id\":\(id - shift)}", "c {\"id\":\(id)}"] }
        #expect(seen.count == expected.count, "\(seen.count) messages for \(expected.count)")
        let firstDifference = zip(seen, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(seen == expected, "first difference: \(firstDifference.map { "#\($0.offset) \($0.element)" } ?? "none")")
        #expect(daemon.allLogs.contains("rows into the transaction that begins there"), "\(daemon.log)")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }

    /// Two daemons started with one pipeline: the newer takes the pipeline's transactional id over, the
    /// older stops with one line saying so and is not restarted, and every change is published once.
    @Test func twoDaemonsWithOnePipelineLeaveOneRunning() throws {
        let sandbox = try SandboxServer.shared()
        let broker = try TransactionalKafkaBroker.shared()
        let database = try TestDatabase.create(prefix: "eos_fence")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (topic, positions) = ("eos-fence-\(run)", "eos-fence-\(run)-positions")
        let item = pipeline(name: "fence\(run)", serverID: 7352, sandbox: sandbox, database: database.name, topic: topic,
                            broker: broker, positions: positions)
        let first = try DaemonProcess(pipelines: [item], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
        let second = try DaemonProcess(pipelines: [item], httpListen: "127.0.0.1:\(try freeLoopbackPort())")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        try first.start()
        #expect(waitForStreaming(first), "\(first.log)")
        for id in 1...20 { try connection.execute("INSERT INTO t VALUES (\(id), 0)") }
        #expect(waitUntil(seconds: 30) { (try? committedIDs(broker, topic: topic).count) == 20 })

        try second.start()
        #expect(waitForStreaming(second), "\(second.log)")
        for id in 21...60 { try connection.execute("INSERT INTO t VALUES (\(id), 0)") }
        #expect(waitUntil(seconds: 60) { first.log.contains("another binlogo process took this pipeline over") },
                "the first learns it was fenced:\n\(first.log)")
        #expect(waitUntil(seconds: 10) { first.log.contains("pipeline stopped and not restarted") }, "\(first.log)")
        let status = try first.get("/status")
        #expect(status.contains("\"state\":\"failed\""), "\(status)")
        for id in 61...80 { try connection.execute("INSERT INTO t VALUES (\(id), 0)") }
        #expect(waitUntil(seconds: 60) { (try? committedIDs(broker, topic: topic).count) ?? 0 >= 80 })
        Thread.sleep(forTimeInterval: 1)
        #expect(try committedIDs(broker, topic: topic) == Array(1...80), "each row once, in order")
        #expect(!second.log.contains("another binlogo process took this pipeline over"), "\(second.log)")
        #expect(try second.get("/status").contains("\"state\":\"running\""))
        #expect(first.stop(signal: SIGTERM) == 0)
        #expect(second.stop(signal: SIGTERM) == 0)
    }

    /// `binlogo position show` prints the position committed to Kafka; `position set` commits a new one,
    /// where the next run resumes (the changes before it are not published).
    @Test func positionShowAndSetUseThePositionsTopic() throws {
        let sandbox = try SandboxServer.shared()
        let broker = try TransactionalKafkaBroker.shared()
        let database = try TestDatabase.create(prefix: "eos_position")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (topic, positions) = ("eos-position-\(run)", "eos-position-\(run)-positions")
        let daemon = try DaemonProcess(pipelines: [
            pipeline(name: "pos", serverID: 7353, sandbox: sandbox, database: database.name, topic: topic, broker: broker,
                     positions: positions),
        ])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        try daemon.start()
        #expect(waitForStreaming(daemon), "\(daemon.log)")
        try connection.execute("INSERT INTO t VALUES (1)")
        #expect(waitUntil(seconds: 30) { (try? committedIDs(broker, topic: topic)) == [1] })
        #expect(daemon.stop(signal: SIGTERM) == 0)

        let committed = try #require(try lastPosition(broker, topic: positions, pipeline: "pos"))
        let show = try runCapturing(PackageLocation.product("binlogo"), ["position", "show", "--config", daemon.configPath, "--pipeline", "pos"])
        #expect(show.status == 0, "\(show.standardError)")
        let file = try #require((try JSONSerialization.jsonObject(with: Data(committed.utf8)) as? [String: Any])?["file"] as? String)
        #expect(show.standardOutput.contains("committed to Kafka (\(positions))") && show.standardOutput.contains(file), "\(show.standardOutput)")

        try connection.execute("INSERT INTO t VALUES (2)")
        let skipTo = try connection.currentBinlogPosition()
        try connection.execute("INSERT INTO t VALUES (3)")
        let set = try runCapturing(PackageLocation.product("binlogo"),
                                   ["position", "set", "--config", daemon.configPath, "--pipeline", "pos", "\(skipTo.file):\(skipTo.position)"])
        #expect(set.status == 0, "\(set.standardError)")
        #expect(try lastPosition(broker, topic: positions, pipeline: "pos")?.contains("\"position\":\(skipTo.position)") == true)
        try daemon.start()
        #expect(waitUntil(seconds: 30) { (try? committedIDs(broker, topic: topic)) == [1, 3] }, "row 2 is before the position set")
        #expect(daemon.stop(signal: SIGTERM) == 0)
    }
}
