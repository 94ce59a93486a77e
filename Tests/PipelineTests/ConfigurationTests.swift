import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
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
        #expect(shop.filters.exclude == ["shop.audit_*"])
        #expect(shop.filters.excludeColumns == ["shop.users": ["password_hash"]])
        #expect(shop.queue == .init(maximumMessages: 100_000, maximumBytes: 64 << 20))
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

    static let pipeline = """
        pipelines:
          - name: a
            mysql: {user: u, server_id: 1}
            output:
              kafka: {brokers: ["127.0.0.1:9092"]}
        """

    @Test func eachMistakeNamesFileLineAndKey() throws {
        let cases: [(String, Int?, String, String)] = [
            ("nodename: x\n", 1, "nodename", "unknown key"),
            ("state_dir: [a, b]\n", 1, "state_dir", "expected a string"),
            ("log: {level: loud}\n", 1, "log.level", "unknown level loud"),
            (Self.pipeline.replacingOccurrences(of: "server_id: 1", with: "server_id: one"), 3, "pipelines[0].mysql.server_id", "expected a whole number"),
            (Self.pipeline.replacingOccurrences(of: "server_id: 1", with: "port: 3306"), 3, "pipelines[0].mysql", "missing key server_id"),
            (Self.pipeline.replacingOccurrences(of: "user: u, ", with: ""), 3, "pipelines[0].mysql", "missing key user"),
            (Self.pipeline + "\n    filters: {include: [\"shop\"]}\n", 6, "pipelines[0].filters.include", "is not DATABASE.TABLE"),
            (Self.pipeline + "\n    queue: {max_bytes: lots}\n", 6, "pipelines[0].queue.max_bytes", "expected a size"),
            (Self.pipeline.replacingOccurrences(of: "brokers: [\"127.0.0.1:9092\"]", with: "brokers: [\"127.0.0.1:9092\"], profile: fast"),
             5, "pipelines[0].output.kafka.profile", "performance, available or idempotent"),
            (Self.pipeline.replacingOccurrences(of: "brokers: [\"127.0.0.1:9092\"]", with: "brokers: [\"127.0.0.1:9092\"], properties: {acks: sometimes}"),
             5, "pipelines[0].output.kafka.properties", "Kafka property acks"),
            (Self.pipeline.replacingOccurrences(of: "brokers: [\"127.0.0.1:9092\"]", with: "brokers: [\"127.0.0.1:9092\"], topic: \"x.{schema}\""),
             5, "pipelines[0].output.kafka.topic", "unknown placeholder {schema}"),
            (Self.pipeline + "\n  - name: a\n    mysql: {user: u, server_id: 2}\n    output: {stdout: {}}\n", 6, "pipelines[1].name", "also used"),
            (Self.pipeline + "\n  - name: b\n    mysql: {user: u, server_id: 1}\n    output: {stdout: {}}\n", 6, "pipelines[1]", "server_id 1 is used by another pipeline"),
            ("pipelines:\n  - name: a\n    mysql: {user: u, server_id: 1\n", 4, "", "not valid YAML"),
            ("", nil, "", "the file is empty"),
            (Self.pipeline + "\n    mysql: {user: v, server_id: 3}\n", 3, "mysql", "key given twice"),  // the first of the two
        ]
        for (yaml, line, keyPath, message) in cases {
            let failure = try error(yaml)
            #expect(failure.file.hasSuffix("binlogo.yaml"), "\(failure)")
            #expect(failure.line == line, "\(failure) for:\n\(yaml)")
            #expect(failure.keyPath == keyPath, "\(failure)")
            #expect(failure.message.contains(message), "\(failure)")
            #expect(!failure.description.contains("\n"))
        }
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
}
