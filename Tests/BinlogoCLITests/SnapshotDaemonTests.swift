import Synchronization
import Foundation
import TestBench
import Testing

/// `snapshot: initial` in the daemon, killed with SIGKILL at several moments of its snapshot while a
/// writer changes the table: under `exactly_once`, each chunk and the cursor past it are committed in one
/// Kafka transaction, so a read_committed consumer sees every row read at most once, and the table
/// rebuilt from the topic equals SELECT * at the end.
@Suite(.serialized) struct SnapshotDaemonTests {
    @Test func killedDuringItsSnapshotRepeatsAndLosesNothing() throws {
        let sandbox = try SandboxServer.shared()
        let broker = try TransactionalKafkaBroker.shared()
        let database = try TestDatabase.create(prefix: "snap_kill")
        let run = UUID().uuidString.prefix(8).lowercased()
        let (topic, positions) = ("snap-kill-\(run)", "snap-kill-\(run)-positions")
        let daemon = try DaemonProcess(pipelines: ["""
              - name: snapkill
                mysql: {host: 127.0.0.1, port: \(sandbox.port), user: root, server_id: 7361, start: current, heartbeat_seconds: 1\(sandbox.serverPublicKeyYAML)}
                filters: {include: ["\(database.name).*"]}
                snapshot: {mode: initial, chunk_rows: 500, rows_per_second: 8000}
                output:
                  kafka:
                    brokers: ["\(broker.bootstrapServers)"]
                    topic: \(topic)
                    profile: exactly_once
                    transactions: {commit_interval_ms: 100, positions_topic: \(positions)}
                    properties: {linger.ms: 5}
            """])
        let connection = try database.connect()
        try connection.execute("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL)")
        let initialRows = 30_000
        try connection.execute("INSERT INTO items SELECT seq, seq FROM \(numbers(1...initialRows))")

        let writer = RandomRowWriter(database: database, table: "items", firstNewID: initialRows + 1, seed: 61, pause: 0.002)
        writer.start()

        var cursors: [String] = []
        for _ in 0..<3 {
            try daemon.start()
            // Killed once a chunk past the last kill's is committed, at a moment the chunks do not choose.
            let before = cursors.last
            #expect(waitUntil(seconds: 60) {
                guard let record = try? lastPosition(broker, topic: positions) else { return false }
                return record.contains("\"after\"") && record != before
            }, "\(daemon.log)")
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.4))
            #expect(daemon.stop(signal: SIGKILL) == 128 + SIGKILL)
            cursors.append(try lastPosition(broker, topic: positions) ?? "")
        }
        try daemon.start()
        #expect(waitUntil(seconds: 120) { (try? lastPosition(broker, topic: positions))?.contains("\"tables\":[]") == true }, "\(daemon.log)")
        writer.stop()
        let end = try connection.currentBinlogPosition()
        #expect(waitUntil(seconds: 60) {
            guard let record = try? lastPosition(broker, topic: positions), let object = try? JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any],
                  let file = object["file"] as? String, let position = object["position"] as? Int else { return false }
            return file > end.file || (file == end.file && position >= end.position)
        }, "the committed position reaches the end of the binlog")
        #expect(daemon.stop(signal: SIGTERM) == 0)

        let messages = try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted).readAll(topic: topic)
        var rebuilt = TableRebuilder()
        try rebuilt.apply(messages)
        let expected = TableRebuilder.select(try connection.query("SELECT id, v FROM items"), columns: ["id", "v"])
        let actual = rebuilt.tables["\(database.name).items"] ?? [:]
        let differences = TableRebuilder.firstDifferences(actual, expected)
        #expect(differences == nil, "rebuilt table differs from SELECT * after kills at \(cursors): \(differences ?? "")")
        let reads = messages.compactMap { message -> Int? in
            guard let value = try? JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any],
                  (value["head"] as? [String: Any])?["type"] as? String == "read" else { return nil }
            return ((value["data"] as? [String: Any])?["new"] as? [String: Any])?["id"] as? Int
        }
        #expect(Set(reads).count == reads.count, "no row read twice across the kills: \(reads.count) reads of \(Set(reads).count) ids")
        #expect(reads.count > initialRows / 2, "\(reads.count) reads")
    }

    /// The last committed position record of the pipeline, as text.
    private func lastPosition(_ broker: TransactionalKafkaBroker, topic: String) throws -> String? {
        try KafkaTestConsumer(bootstrapServers: broker.bootstrapServers, isolationLevel: .readCommitted).readAll(topic: topic)
            .last { $0.keyText == "snapkill" }?.valueText
    }
}
