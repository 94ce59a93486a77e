import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Yams

/// Reads binlogo's YAML configuration strictly: unknown keys, wrong types, missing required keys,
/// duplicate pipeline names or server_ids, bad patterns and librdkafka properties librdkafka
/// rejects are each a `ConfigurationError` with file, line and key path.
public enum ConfigurationLoader {
    static let mainKeys: Set<String> = ["node_name", "state_dir", "log", "http", "health", "pipelines", "pipelines_dir"]
    static let pipelineKeys: Set<String> = ["name", "mysql", "filters", "output", "queue", "snapshot"]
    static let mysqlKeys: Set<String> = ["host", "port", "socket", "user", "password", "password_env", "password_file", "server_id",
                                         "start", "heartbeat_seconds", "connect_timeout_seconds", "tls", "xa_buffer_mb", "transaction_lookahead_mb",
                                         "server_public_key_file", "get_server_public_key"]
    static let maximumFileBytes = 4 << 20
    static let outputKeys: Set<String> = ["kafka", "stdout", "format", "values", "tombstones", "transaction_metadata",
                                          "decimal_handling_mode", "time_precision_mode", "details", "snapshot_as_insert"]
    static let kafkaKeys: Set<String> = ["brokers", "client_id", "profile", "topic", "topics", "key", "headers", "producers", "properties",
                                         "transactions"]

    /// Loads the main file and the pipeline files of its `pipelines_dir` (default: `pipelines.d` beside it, if present).
    public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        try load(text: try read(path), path: path)
    }

    /// Loads a main file's text as if read from `path` (whose folder holds the default `pipelines.d`).
    public static func load(text: String, path: String) throws(ConfigurationError) -> DaemonConfiguration {
        let root = try document(text, path: path)
        let main = try root.mapping(allowed: mainKeys)
        var configuration = DaemonConfiguration(
            nodeName: try main["node_name"]?.string() ?? ProcessInfo.processInfo.hostName,
            stateDirectory: try main["state_dir"]?.string() ?? "/var/lib/binlogo",
            pipelines: [])
        if let log = main["log"] {
            let keys = try log.mapping(allowed: ["level", "format", "file", "summary_seconds"])
            if let level = keys["level"] {
                let text = try level.string()
                guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(text) else {
                    throw level.error("unknown level \(text) (trace, debug, info, notice, warning, error, critical)")
                }
                configuration.log.level = text
            }
            if let format = keys["format"] {
                guard let value = DaemonConfiguration.LogSettings.Format(rawValue: try format.string()) else {
                    throw format.error("format is json or text")
                }
                configuration.log.format = value
            }
            configuration.log.file = try keys["file"]?.string()
            configuration.log.summarySeconds = try keys["summary_seconds"]?.double(in: 1...3600) ?? configuration.log.summarySeconds
        }
        if let health = main["health"] {
            let keys = try health.mapping(allowed: ["max_unacknowledged_seconds", "max_reconnecting_seconds"])
            configuration.health.maximumUnacknowledgedSeconds = try keys["max_unacknowledged_seconds"]?.double(in: 1...86_400)
                ?? configuration.health.maximumUnacknowledgedSeconds
            configuration.health.maximumReconnectingSeconds = try keys["max_reconnecting_seconds"]?.double(in: 1...86_400)
                ?? configuration.health.maximumReconnectingSeconds
        }
        if let http = main["http"] {
            let keys = try http.mapping(allowed: ["enabled", "listen"])
            configuration.http.enabled = try keys["enabled"]?.bool() ?? true
            configuration.http.listen = try keys["listen"]?.string() ?? configuration.http.listen
        }
        var pipelineNodes: [ConfigNode] = try main["pipelines"]?.sequence() ?? []
        let directory = try main["pipelines_dir"]?.string()
            ?? URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("pipelines.d").path
        if let files = try pipelineFiles(in: directory, node: main["pipelines_dir"], mainFile: path) {
            for file in files {
                let filePath = "\(directory)/\(file)"
                pipelineNodes.append(try document(try read(filePath), path: filePath))
            }
        }
        var names: [String: ConfigNode] = [:]
        var serverIDs: [String: String] = [:]
        for node in pipelineNodes {
            let pipeline = try parsePipeline(node)
            let nameNode = try node.mapping(allowed: pipelineKeys)["name"]!
            if let first = names[pipeline.name] {
                throw nameNode.error("pipeline name \(pipeline.name) is also used at \(first.file):\(first.line ?? 0)")
            }
            names[pipeline.name] = nameNode
            let endpoint = pipeline.source.connection.socketPath ?? "\(pipeline.source.connection.host):\(pipeline.source.connection.port)"
            let idKey = "\(endpoint)#\(pipeline.source.serverID)"
            if let other = serverIDs[idKey] {
                throw node.error("mysql.server_id \(pipeline.source.serverID) of pipeline \(pipeline.name) is used by pipeline \(other) too on \(endpoint): each pipeline needs its own")
            }
            serverIDs[idKey] = pipeline.name
            configuration.pipelines.append(pipeline)
        }
        return configuration
    }

    /// The YAML files of the pipelines folder, sorted; nil when the default folder does not exist. A
    /// folder that exists but cannot be listed (permissions), or is not a folder, is an error: reading it
    /// as "no pipelines" would stop every pipeline at the next reload.
    private static func pipelineFiles(in directory: String, node: ConfigNode?, mainFile: String) throws(ConfigurationError) -> [String]? {
        func failure(_ message: String) -> ConfigurationError {
            node?.error(message) ?? ConfigurationError(file: mainFile, line: nil, keyPath: "pipelines_dir", message: message)
        }
        var status = stat()
        guard lstat(directory, &status) == 0 else {
            if node == nil && errno == ENOENT { return nil }
            throw failure("\(directory) cannot be read: \(String(cString: strerror(errno)))")
        }
        guard stat(directory, &status) == 0 else {
            throw failure("\(directory) cannot be read: \(String(cString: strerror(errno))) (a link to nothing?)")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { throw failure("\(directory) is not a directory") }
        guard let stream = opendir(directory) else {
            throw failure("\(directory) cannot be listed: \(String(cString: strerror(errno))): binlogo's user needs read and execute permission on it (chmod 0750, group binlogo)")
        }
        defer { closedir(stream) }
        var files: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { files.append(name) }
        }
        return files.sorted()
    }

    private static func read(_ path: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, line: nil, keyPath: "", message: "cannot read the file (missing or not readable)")
        }
        guard data.count <= maximumFileBytes else {
            throw ConfigurationError(file: path, line: nil, keyPath: "", message: "the file is \(data.count) bytes; configuration files are at most 4 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, line: nil, keyPath: "", message: "the file is not UTF-8 text")
        }
        return text
    }

    private static func document(_ text: String, path: String) throws(ConfigurationError) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw ConfigurationError(file: path, line: context.mark.line, keyPath: duplicates.joined(separator: ","),
                                     message: "key given twice in one mapping")
        } catch let error as YamlError {
            throw ConfigurationError(file: path, line: yamlLine(error), keyPath: "", message: "not valid YAML: \(yamlReason(error))")
        } catch {
            throw ConfigurationError(file: path, line: nil, keyPath: "", message: "not valid YAML: \(error)")
        }
        guard let node else { throw ConfigurationError(file: path, line: nil, keyPath: "", message: "the file is empty") }
        return ConfigNode(node: node, file: path, path: "")
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _): return mark.line
        default: return nil
        }
    }

    private static func yamlReason(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): return problem
        default: return "\(error)"
        }
    }

    static func parsePipeline(_ node: ConfigNode) throws(ConfigurationError) -> PipelineConfiguration {
        let keys = try node.mapping(allowed: pipelineKeys)
        guard let nameNode = keys["name"] else { throw node.error("missing key name") }
        let name = try nameNode.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }), name.first != "." else {
            throw nameNode.error("pipeline name \(name) may use letters, digits, - _ and . only (it names files and topics)")
        }
        guard let mysql = keys["mysql"] else { throw node.error("pipeline \(name): missing key mysql") }
        guard let output = keys["output"] else { throw node.error("pipeline \(name): missing key output") }
        let format = try parseFormat(output)
        return PipelineConfiguration(
            name: name,
            source: try parseSource(mysql),
            output: try parseOutput(output, pipeline: name, format: format),
            filters: try keys["filters"].map { node throws(ConfigurationError) in try parseFilters(node) } ?? .init(),
            queue: try keys["queue"].map { node throws(ConfigurationError) in try parseQueue(node) } ?? .init(),
            snapshot: try keys["snapshot"].map { node throws(ConfigurationError) in try parseSnapshot(node) } ?? .init(),
            format: format)
    }

    /// `output.format` (`binlogo`, `debezium`, `maxwell` or `canal`) and its settings: `values` (all but
    /// binlogo); `tombstones`, `transaction_metadata`, `decimal_handling_mode` and `time_precision_mode`
    /// (debezium); `details` and `snapshot_as_insert` (maxwell).
    static func parseFormat(_ output: ConfigNode) throws(ConfigurationError) -> MessageFormat {
        let keys = try output.mapping(allowed: outputKeys)
        let name = try keys["format"]?.string() ?? "binlogo"
        let settings: [String: String] = ["tombstones": "debezium", "transaction_metadata": "debezium", "decimal_handling_mode": "debezium",
                                          "time_precision_mode": "debezium", "details": "maxwell", "snapshot_as_insert": "maxwell"]
        for (setting, format) in settings.sorted(by: { $0.key < $1.key }) where format != name {
            if let node = keys[setting] { throw node.error("\(setting) is a setting of format: \(format); remove it") }
        }
        if name == "binlogo", let node = keys["values"] {
            throw node.error("values is a setting of format: debezium, maxwell or canal; binlogo's format has one encoding (Docs/types.md); remove it")
        }
        let values = try keys["values"].map { node throws(ConfigurationError) in try choice(node, of: ValueEncoding.self) } ?? .flink
        switch name {
        case "binlogo":
            return .binlogo
        case "debezium":
            var options = DebeziumFormatOptions(tombstones: try keys["tombstones"]?.bool() ?? true,
                                                transactionMetadata: try keys["transaction_metadata"]?.bool() ?? false)
            let decimals = try keys["decimal_handling_mode"].map { node throws(ConfigurationError) in
                try choice(node, of: DebeziumFormatOptions.DecimalHandling.self)
            }
            let time = try keys["time_precision_mode"].map { node throws(ConfigurationError) in
                try choice(node, of: DebeziumFormatOptions.TimePrecision.self)
            }
            if values == .flink, let node = keys["decimal_handling_mode"] ?? keys["time_precision_mode"] {
                throw node.error("decimal_handling_mode and time_precision_mode choose among Debezium's own encodings; add values: original, or remove them")
            }
            if values == .original { options.values = .original(decimals: decimals ?? .precise, time: time ?? .adaptiveTimeMicroseconds) }
            return .debezium(options)
        case "maxwell":
            return .maxwell(MaxwellFormatOptions(details: try keys["details"]?.bool() ?? false,
                                                 snapshotAsInsert: try keys["snapshot_as_insert"]?.bool() ?? false, values: values))
        case "canal":
            return .canal(CanalFormatOptions(values: values))
        default:
            throw keys["format"]!.error("format \(name) is binlogo, debezium, maxwell or canal")
        }
    }

    /// One of an enumeration's raw values, or an error listing them.
    private static func choice<Choice: RawRepresentable & CaseIterable>(_ node: ConfigNode, of: Choice.Type) throws(ConfigurationError) -> Choice
    where Choice.RawValue == String {
        let text = try node.string()
        guard let value = Choice(rawValue: text) else {
            throw node.error("\(text) is not one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func parseSource(_ node: ConfigNode) throws(ConfigurationError) -> SourceConfiguration {
        let keys = try node.mapping(allowed: mysqlKeys)
        guard let user = keys["user"] else { throw node.error("missing key user") }
        guard let serverID = keys["server_id"] else { throw node.error("missing key server_id (unique among the server's replicas)") }
        var connection = MySQLConnectionOptions(user: try user.string())
        connection.host = try keys["host"]?.string() ?? connection.host
        connection.port = UInt32(try keys["port"]?.integer(in: 1...65535) ?? 3306)
        connection.socketPath = try keys["socket"]?.string()
        connection.connectTimeoutSeconds = UInt32(try keys["connect_timeout_seconds"]?.integer(in: 1...3600) ?? 10)
        if let tls = keys["tls"] {
            let tlsKeys = try tls.mapping(allowed: ["ca", "cert", "key", "verify_server_cert"])
            connection.tls = TLSOptions(caFile: try tlsKeys["ca"]?.string(), certificateFile: try tlsKeys["cert"]?.string(),
                                        keyFile: try tlsKeys["key"]?.string(),
                                        verifyServerCertificate: try tlsKeys["verify_server_cert"]?.bool() ?? true)
        }
        connection.serverPublicKeyFile = try keys["server_public_key_file"]?.string()
        connection.getServerPublicKey = try keys["get_server_public_key"]?.bool() ?? false
        let passwords = ["password", "password_env", "password_file"].filter { keys[$0] != nil }
        guard passwords.count <= 1 else { throw keys[passwords[1]]!.error("give one of password, password_env and password_file") }
        var password = PasswordSource.none
        if let inline = keys["password"] { password = .inline(try inline.string()) }
        if let environment = keys["password_env"] { password = .environment(try environment.string()) }
        if let file = keys["password_file"] { password = .file(try file.string()) }
        var start = StartPosition.current
        if let startNode = keys["start"] {
            do { start = try StartPosition(parsing: try startNode.string()) } catch let error as StartPosition.Invalid {
                throw startNode.error(error.description)
            } catch { throw startNode.error("\(error)") }
        }
        return SourceConfiguration(connection: connection, password: password,
                                   serverID: UInt32(try serverID.integer(in: 1...4_294_967_295)), start: start,
                                   heartbeatSeconds: try keys["heartbeat_seconds"]?.double(in: 0.1...3600) ?? 5,
                                   xaBufferLimitBytes: (try keys["xa_buffer_mb"]?.integer(in: 1...65_536) ?? 256) << 20,
                                   transactionLookAheadBytes: (try keys["transaction_lookahead_mb"]?.integer(in: 0...65_536) ?? 4) << 20)
    }

    static func parseOutput(_ node: ConfigNode, pipeline: String, format: MessageFormat = .binlogo) throws(ConfigurationError)
        -> PipelineConfiguration.Output {
        let keys = try node.mapping(allowed: outputKeys)
        let destinations = keys.keys.filter { $0 == "kafka" || $0 == "stdout" }
        guard destinations.count == 1 else { throw node.error("give exactly one output: kafka or stdout") }
        // Debezium's topics are `prefix.database.table` (the pipeline's name as the prefix); Maxwell's one topic.
        let defaultTopic: String
        if case .debezium = format { defaultTopic = "{pipeline}.{database}.{table}" } else { defaultTopic = "{pipeline}" }
        if let stdout = keys["stdout"] {
            let settings = try stdout.mapping(allowed: ["topic", "key"])
            return .stdout(topic: try topicTemplate(settings["topic"], overrides: nil, default: defaultTopic),
                           key: try keyMode(settings["key"], format: format))
        }
        let kafka = keys["kafka"]!
        let settings = try kafka.mapping(allowed: kafkaKeys)
        guard let brokers = settings["brokers"] else { throw kafka.error("missing key brokers") }
        var profile = DeliveryProfile.idempotent
        if let profileNode = settings["profile"] {
            guard let value = DeliveryProfile(rawValue: try profileNode.string()) else {
                throw profileNode.error("profile is performance, available, idempotent or exactly_once")
            }
            profile = value
        }
        var properties: [String: String] = [:]
        for (name, value) in try settings["properties"]?.dictionary() ?? [] { properties[name] = try value.scalarText() }
        let configuration = KafkaOutputConfiguration(
            brokers: try brokers.stringList(), clientID: try settings["client_id"]?.string() ?? "binlogo", profile: profile,
            properties: properties, topic: try topicTemplate(settings["topic"], overrides: settings["topics"], default: defaultTopic),
            key: try keyMode(settings["key"], format: format), headers: try settings["headers"]?.bool() ?? true,
            producers: try settings["producers"]?.integer(in: 1...64) ?? 1,
            transactions: try settings["transactions"].map { node throws(ConfigurationError) in try transactions(node, pipeline: pipeline) })
        do {
            try configuration.validate(pipeline: pipeline)
        } catch {
            // The setting the message names, when it is one of binlogo's own.
            let node = error.message.contains("output.kafka.transactions") ? settings["transactions"]
                : error.message.contains("output.kafka.producers") ? settings["producers"] : nil
            throw (node ?? settings["properties"] ?? kafka).error(error.message)
        }
        return .kafka(configuration)
    }

    /// `output.kafka.transactions` of the `exactly_once` profile; what is left out takes its default.
    private static func transactions(_ node: ConfigNode, pipeline: String) throws(ConfigurationError) -> KafkaTransactionSettings {
        let keys = try node.mapping(allowed: ["id", "commit_interval_ms", "max_messages", "max_bytes", "positions_topic"])
        var settings = KafkaTransactionSettings(transactionalID: try keys["id"]?.string()
            ?? KafkaTransactionSettings.defaultTransactionalID(pipeline: pipeline))
        settings.commitIntervalMilliseconds = try keys["commit_interval_ms"]?.integer(in: 1...600_000) ?? settings.commitIntervalMilliseconds
        settings.maximumMessages = try keys["max_messages"]?.integer(in: 1...10_000_000) ?? settings.maximumMessages
        settings.maximumBytes = try keys["max_bytes"]?.byteSize() ?? settings.maximumBytes
        settings.positionsTopic = try keys["positions_topic"]?.string() ?? settings.positionsTopic
        return settings
    }

    private static func topicTemplate(_ node: ConfigNode?, overrides: ConfigNode?, default defaultTemplate: String) throws(ConfigurationError)
        -> TopicTemplate {
        var perTable: [String: String] = [:]
        for (table, topic) in try overrides?.dictionary() ?? [] { perTable[table] = try topic.string() }
        let template = try node?.string() ?? defaultTemplate
        do {
            return try TopicTemplate(template, overrides: perTable)
        } catch {
            throw (node ?? overrides)!.error(error.description)
        }
    }

    private static func keyMode(_ node: ConfigNode?, format: MessageFormat) throws(ConfigurationError) -> MessageKeyMode {
        guard let node else { return .primaryKey }
        let mode: MessageKeyMode
        do { mode = try MessageKeyMode(parsing: try node.string()) } catch let error as MessageKeyMode.Invalid {
            throw node.error(error.description)
        } catch { throw node.error("\(error)") }
        // Debezium's and Maxwell's keys are part of their format; Canal's messages have none, binlogo's serve.
        if case .debezium = format, mode != .primaryKey {
            throw node.error("format \(format) keys each row by its primary key, as \(format.description.capitalized) does; remove key: \(mode)")
        }
        if case .maxwell = format, mode != .primaryKey {
            throw node.error("format \(format) keys each row by its primary key, as \(format.description.capitalized) does; remove key: \(mode)")
        }
        return mode
    }

    static func parseFilters(_ node: ConfigNode) throws(ConfigurationError) -> PipelineConfiguration.Filters {
        let keys = try node.mapping(allowed: ["include", "exclude", "types", "exclude_columns"])
        var filters = PipelineConfiguration.Filters(include: try keys["include"]?.stringList() ?? [],
                                                    exclude: try keys["exclude"]?.stringList() ?? [])
        do {
            _ = try ChangeFilter(include: filters.include, exclude: filters.exclude)
        } catch {
            throw (keys["include"] ?? keys["exclude"])!.error(error.description)
        }
        if let types = keys["types"] {
            var set: Set<ChangeFilter.ChangeType> = []
            for item in try types.sequence() {
                guard let type = ChangeFilter.ChangeType(rawValue: try item.string()) else {
                    throw item.error("type is insert, update, delete or ddl")
                }
                set.insert(type)
            }
            filters.types = set
        }
        for (table, columns) in try keys["exclude_columns"]?.dictionary() ?? [] {
            guard table.split(separator: ".").count == 2 else { throw columns.error("\(table) is not DATABASE.TABLE") }
            filters.excludeColumns[table] = Set(try columns.stringList())
        }
        return filters
    }

    /// `snapshot: initial`, or `snapshot: {mode: initial, chunk_rows: 10000, rows_per_second: 50000, signal_table: binlogo.signals}`.
    static func parseSnapshot(_ node: ConfigNode) throws(ConfigurationError) -> SnapshotConfiguration {
        var snapshot = SnapshotConfiguration()
        func mode(_ node: ConfigNode) throws(ConfigurationError) -> SnapshotConfiguration.Mode {
            let text = try node.string()
            guard let mode = SnapshotConfiguration.Mode(rawValue: text) else {
                throw node.error("snapshot mode \(text) is not one of \(SnapshotConfiguration.Mode.allCases.map(\.rawValue).joined(separator: ", ")), e.g. snapshot: initial")
            }
            return mode
        }
        if (try? node.string()) != nil {
            snapshot.mode = try mode(node)
            return snapshot
        }
        let keys = try node.mapping(allowed: ["mode", "chunk_rows", "rows_per_second", "signal_table"])
        if let modeNode = keys["mode"] { snapshot.mode = try mode(modeNode) }
        snapshot.chunkRows = try keys["chunk_rows"]?.integer(in: 1...1_000_000) ?? snapshot.chunkRows
        snapshot.rowsPerSecond = try keys["rows_per_second"]?.integer(in: 1...100_000_000)
        if let signalNode = keys["signal_table"] {
            let name = try signalNode.string()
            guard name.split(separator: ".", omittingEmptySubsequences: false).count == 2, !name.hasPrefix("."), !name.hasSuffix("."),
                  !name.contains("*") else {
                throw signalNode.error("signal_table \(name) is not DATABASE.TABLE, e.g. signal_table: binlogo.signals")
            }
            snapshot.signalTable = name
        }
        return snapshot
    }

    static func parseQueue(_ node: ConfigNode) throws(ConfigurationError) -> PipelineConfiguration.QueueLimits {
        let keys = try node.mapping(allowed: ["max_messages", "max_bytes"])
        var limits = PipelineConfiguration.QueueLimits()
        limits.maximumMessages = try keys["max_messages"]?.integer(in: 1...10_000_000) ?? limits.maximumMessages
        limits.maximumBytes = try keys["max_bytes"]?.byteSize() ?? limits.maximumBytes
        return limits
    }
}
