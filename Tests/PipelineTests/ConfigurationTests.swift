import Foundation
import KafkaOutput
import MySQLSource
import BinlogDecoder
import Pipeline
import TestBench
import Testing

/// The YAML configuration: the commented examples in config/ load as documented, and each kind of
/// mistake is one error with the file, the line and the key path.
@Suite struct ConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theExamplesLoadAsDocumented() throws {
        let configuration = try ConfigurationLoader.load(path: Self.root.appendingPathComponent("config/binlogo.yaml").path)
        #expect(configuration.stateDirectory == "/var/lib/binlogo")
        #expect(configuration.http.listen == "127.0.0.1:9108")
        let shop = try #require(configuration.pipelines.first)
        #expect(shop.name == "shop")
        #expect(shop.source.serverID == 1001)
        #expect(shop.source.password == .file("/etc/binlogo/secrets/shop"))
        #expect(shop.source.connection.serverPublicKeyFile == nil && !shop.source.connection.getServerPublicKey, "commented out, off")
        #expect(shop.filters.exclude == ["shop.audit_*"])
        #expect(shop.filters.excludeColumns == ["shop.users": ["password_hash"]])
        #expect(shop.queue == .init(maximumMessages: 100_000, maximumBytes: 64 << 20))
        #expect(shop.snapshot == SnapshotConfiguration(mode: .never, chunkRows: 10_000))
        guard case .kafka(let kafka) = shop.output else { Issue.record("expected kafka"); return }
        #expect(kafka.profile == .idempotent && kafka.producers == 2)
        #expect(kafka.topic.topic(pipeline: "shop", database: "shop", table: "orders") == "orders")
        #expect(kafka.topic.topic(pipeline: "shop", database: "shop", table: "users") == "binlogo.shop.users")
        #expect(kafka.librdkafkaProperties["compression.type"] == "zstd")
        #expect(kafka.librdkafkaProperties["linger.ms"] == "5")
    }

    private func error(_ yaml: String, file: String = "binlogo.yaml", extra: [String: String] = [:]) throws -> ConfigurationError {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
        for (name, text) in extra {
            let path = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: path, atomically: true, encoding: .utf8)
        }
        return try #require(throws: ConfigurationError.self) {
            _ = try ConfigurationLoader.load(path: directory.appendingPathComponent(file).path)
        }
    }

    @Test(arguments: ConfigurationCorpus.cases.map(\.name))
    func eachMistakeNamesFileLineAndKey(_ name: String) throws {
        let mistake = try #require(ConfigurationCorpus.cases.first { $0.name == name })
        let failure = try error(mistake.yaml)
        #expect(failure.file.hasSuffix("binlogo.yaml"), "\(failure)")
        #expect(failure.line == mistake.line, "\(failure)")
        #expect(failure.keyPath == mistake.keyPath, "\(failure)")
        #expect(failure.message.contains(mistake.message), "\(failure)")
        #expect(!failure.description.contains("\n"))
    }

    /// The MySQL server key settings reach the source's connection.
    @Test func serverPublicKeySettings() throws {
        let yaml = """
            pipelines:
              - name: p
                mysql: {user: u, server_id: 1, server_public_key_file: /etc/binlogo/mysql-key.pem, get_server_public_key: true}
                output: {stdout: {}}
            """
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("binlogo.yaml"), atomically: true, encoding: .utf8)
        let connection = try #require(try ConfigurationLoader.load(path: directory.appendingPathComponent("binlogo.yaml").path).pipelines.first).source.connection
        #expect(connection.serverPublicKeyFile == "/etc/binlogo/mysql-key.pem")
        #expect(connection.getServerPublicKey)
        let wrongType = try error("pipelines:\n  - name: p\n    mysql: {user: u, server_id: 1, get_server_public_key: maybe}\n    output: {stdout: {}}\n")
        #expect(wrongType.keyPath.hasSuffix("get_server_public_key"), "\(wrongType)")
    }

    /// The exactly_once profile: its transaction settings and the producer properties they make, by default and as given.
    /// The pipelines of a main file holding `yaml`.
    private func pipelines(_ yaml: String) throws -> [PipelineConfiguration] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("binlogo.yaml"), atomically: true, encoding: .utf8)
        return try ConfigurationLoader.load(path: directory.appendingPathComponent("binlogo.yaml").path).pipelines
    }

    @Test func snapshotSettings() throws {
        let yaml = """
            pipelines:
              - name: plain
                mysql: {user: u, server_id: 1}
                output: {stdout: {}}
              - name: short
                mysql: {user: u, server_id: 2}
                output: {stdout: {}}
                snapshot: initial
              - name: full
                mysql: {user: u, server_id: 3}
                output: {stdout: {}}
                snapshot: {mode: initial, chunk_rows: 2500, rows_per_second: 40000}
              - name: signalled
                mysql: {user: u, server_id: 4}
                output: {stdout: {}}
                snapshot: {signal_table: ops.binlogo_signals}
            """
        let pipelines = try pipelines(yaml)
        #expect(pipelines.map(\.snapshot) == [SnapshotConfiguration(), SnapshotConfiguration(mode: .initial),
                                              SnapshotConfiguration(mode: .initial, chunkRows: 2500, rowsPerSecond: 40_000),
                                              SnapshotConfiguration(signalTable: "ops.binlogo_signals")])
        #expect(pipelines[0].snapshot.mode == .never && pipelines[1].snapshot.chunkRows == 10_000)
        #expect(pipelines.map(\.snapshot.mayTakeSnapshots) == [false, true, true, true])
    }

    @Test func formatSettings() throws {
        let yaml = """
            pipelines:
              - name: plain
                mysql: {user: u, server_id: 1}
                output: {stdout: {}}
              - name: shop
                mysql: {user: u, server_id: 2}
                output: {format: debezium, kafka: {brokers: ["k:9092"]}}
              - name: quiet
                mysql: {user: u, server_id: 3}
                output: {format: debezium, tombstones: false, stdout: {topic: "cdc.{table}"}}
              - name: maxwell
                mysql: {user: u, server_id: 4}
                output: {format: maxwell, details: true, snapshot_as_insert: true, stdout: {}}
              - name: original
                mysql: {user: u, server_id: 5}
                output: {format: debezium, values: original, transaction_metadata: true, stdout: {}}
              - name: strings
                mysql: {user: u, server_id: 6}
                output: {format: debezium, values: original, decimal_handling_mode: string, time_precision_mode: connect, stdout: {}}
              - name: bytes
                mysql: {user: u, server_id: 7}
                output: {format: canal, values: original, stdout: {}}
              - name: bits
                mysql: {user: u, server_id: 8}
                output: {format: maxwell, values: original, stdout: {}}
            """
        let pipelines = try pipelines(yaml)
        #expect(pipelines.map(\.format) == [
            .binlogo, .debezium(DebeziumFormatOptions(tombstones: true)), .debezium(DebeziumFormatOptions(tombstones: false)),
            .maxwell(MaxwellFormatOptions(details: true, snapshotAsInsert: true)),
            .debezium(DebeziumFormatOptions(transactionMetadata: true, values: .original(decimals: .precise, time: .adaptiveTimeMicroseconds))),
            .debezium(DebeziumFormatOptions(values: .original(decimals: .string, time: .connect))),
            .canal(CanalFormatOptions(values: .original)), .maxwell(MaxwellFormatOptions(values: .original)),
        ])
        guard case .kafka(let kafka) = pipelines[1].output, case .stdout(let topic, _) = pipelines[2].output else {
            Issue.record("outputs"); return
        }
        #expect(kafka.topic.topic(pipeline: "shop", database: "inventory", table: "orders") == "shop.inventory.orders",
                "Debezium's topic.prefix.database.table")
        #expect(topic.topic(pipeline: "quiet", database: "d", table: "t") == "cdc.t", "a topic given stays")

        let pipeline = "pipelines:\n  - name: p\n    mysql: {user: u, server_id: 1}\n    output: "
        #expect(try error(pipeline + "{format: avro, stdout: {}}").description.contains("format avro is binlogo, debezium, maxwell or canal"))
        #expect(try error(pipeline + "{tombstones: true, stdout: {}}").description.contains("tombstones is a setting of format: debezium"))
        #expect(try error(pipeline + "{format: debezium, details: true, stdout: {}}").description
            .contains("details is a setting of format: maxwell"))
        #expect(try error(pipeline + "{format: debezium, kafka: {brokers: [k], key: table}}").description
            .contains("format debezium keys each row by its primary key, as Debezium does; remove key: table"))
        #expect(try error(pipeline + "{format: debezium}").description.contains("give exactly one output: kafka or stdout"))
        #expect(try error(pipeline + "{values: original, stdout: {}}").description.contains("values is a setting of format: debezium, maxwell or canal"))
        #expect(try error(pipeline + "{format: canal, values: debezium, stdout: {}}").description.contains("debezium is not one of flink, original"))
        #expect(try error(pipeline + "{format: debezium, decimal_handling_mode: string, stdout: {}}").description
            .contains("add values: original, or remove them"))
        #expect(try error(pipeline + "{format: debezium, values: original, decimal_handling_mode: exact, stdout: {}}").description
            .contains("exact is not one of precise, string, double"))
        #expect(try error(pipeline + "{format: maxwell, transaction_metadata: true, stdout: {}}").description
            .contains("transaction_metadata is a setting of format: debezium"))
    }

    @Test func exactlyOnceSettings() throws {
        let yaml = """
            pipelines:
              - name: p
                mysql: {user: u, server_id: 1}
                output: {kafka: {brokers: ["127.0.0.1:9092"], profile: exactly_once}}
              - name: q
                mysql: {user: u, server_id: 2}
                output:
                  kafka:
                    brokers: ["127.0.0.1:9092"]
                    profile: exactly_once
                    transactions: {id: orders-eos, commit_interval_ms: 250, max_messages: 500, max_bytes: 2MiB, positions_topic: ops.positions}
                    properties: {transaction.timeout.ms: 120000, message.timeout.ms: 30000}
            """
        let pipelines = try pipelines(yaml)
        guard case .kafka(let defaults) = pipelines[0].output, case .kafka(let given) = pipelines[1].output else {
            Issue.record("expected kafka outputs")
            return
        }
        #expect(defaults.transactions(pipeline: "p") == KafkaTransactionSettings(
            transactionalID: "binlogo-p", commitIntervalMilliseconds: 100, maximumMessages: 10_000, maximumBytes: 32 << 20,
            positionsTopic: "binlogo.positions"))
        let defaultProperties = defaults.librdkafkaProperties(pipeline: "p")
        #expect(defaultProperties["transactional.id"] == "binlogo-p")
        #expect(defaultProperties["message.timeout.ms"] == "54000", "90 % of librdkafka's default transaction.timeout.ms")
        #expect(defaultProperties["enable.idempotence"] == "true" && defaultProperties["acks"] == "all")
        #expect(given.transactions(pipeline: "q") == KafkaTransactionSettings(
            transactionalID: "orders-eos", commitIntervalMilliseconds: 250, maximumMessages: 500, maximumBytes: 2 << 20,
            positionsTopic: "ops.positions"))
        let givenProperties = given.librdkafkaProperties(pipeline: "q")
        #expect(givenProperties["transactional.id"] == "orders-eos")
        #expect(givenProperties["message.timeout.ms"] == "30000")
        #expect(givenProperties["transaction.timeout.ms"] == "120000")
    }

    @Test func pipelineFilesAreReadAndTheirErrorsNameThem() throws {
        let failure = try error("node_name: n\n", extra: [
            "pipelines.d/good.yaml": "name: good\nmysql: {user: u, server_id: 1}\noutput: {stdout: {}}\n",
            "pipelines.d/bad.yaml": "name: bad\nmysql:\n  user: u\n  server_id: 2\n  start: yesterday\noutput: {stdout: {}}\n",
        ])
        #expect(failure.file.hasSuffix("pipelines.d/bad.yaml"))
        #expect(failure.line == 5 && failure.keyPath == "mysql.start")
        #expect(failure.message.contains("is not current, earliest"))
    }

    @Test func aSharedServerIDNamesBothPipelines() throws {
        let failure = try error(ConfigurationCorpus.pipeline + "\n  - name: b\n    mysql: {user: u, server_id: 1}\n    output: {stdout: {}}\n")
        #expect(failure.message.contains("pipeline b") && failure.message.contains("pipeline a"), "\(failure)")
    }
}
