/// Broken configuration files, each with the line and key path its error must name and a piece of
/// its message. Used by the loader's tests and by the daemon's SIGHUP test (where the running
/// pipelines must carry on).
public enum ConfigurationCorpus {
    public struct Case: Sendable {
        public let name: String
        public let yaml: String
        public let line: Int?
        public let keyPath: String
        public let message: String
    }

    public static let pipeline = """
        pipelines:
          - name: a
            mysql: {user: u, server_id: 1}
            output:
              kafka: {brokers: ["127.0.0.1:9092"]}
        """

    private static func kafka(_ extra: String) -> String {
        pipeline.replacingOccurrences(of: "brokers: [\"127.0.0.1:9092\"]", with: "brokers: [\"127.0.0.1:9092\"], \(extra)")
    }

    public static let cases: [Case] = [
        Case(name: "unknown key", yaml: "nodename: x\n", line: 1, keyPath: "nodename", message: "unknown key"),
        Case(name: "wrong type", yaml: "state_dir: [a, b]\n", line: 1, keyPath: "state_dir", message: "expected a string"),
        Case(name: "unknown log level", yaml: "log: {level: loud}\n", line: 1, keyPath: "log.level", message: "unknown level loud"),
        Case(name: "number as text", yaml: pipeline.replacingOccurrences(of: "server_id: 1", with: "server_id: one"),
             line: 3, keyPath: "pipelines[0].mysql.server_id", message: "expected a whole number"),
        Case(name: "missing server_id", yaml: pipeline.replacingOccurrences(of: "server_id: 1", with: "port: 3306"),
             line: 3, keyPath: "pipelines[0].mysql", message: "missing key server_id"),
        Case(name: "missing user", yaml: pipeline.replacingOccurrences(of: "user: u, ", with: ""),
             line: 3, keyPath: "pipelines[0].mysql", message: "missing key user"),
        Case(name: "unknown snapshot mode", yaml: pipeline + "\n    snapshot: always\n",
             line: 6, keyPath: "pipelines[0].snapshot", message: "snapshot mode always is not one of never, initial"),
        Case(name: "snapshot chunk of no rows", yaml: pipeline + "\n    snapshot: {mode: initial, chunk_rows: 0}\n",
             line: 6, keyPath: "pipelines[0].snapshot.chunk_rows", message: "0 is out of range 1…1000000"),
        Case(name: "signal table without its database", yaml: pipeline + "\n    snapshot: {signal_table: signals}\n",
             line: 6, keyPath: "pipelines[0].snapshot.signal_table",
             message: "signal_table signals is not DATABASE.TABLE, e.g. signal_table: binlogo.signals"),
        Case(name: "pattern without a table", yaml: pipeline + "\n    filters: {include: [\"shop\"]}\n",
             line: 6, keyPath: "pipelines[0].filters.include", message: "is not DATABASE.TABLE"),
        Case(name: "invalid pattern", yaml: pipeline + "\n    filters: {include: [\"shop.[abc\"]}\n",
             line: 6, keyPath: "pipelines[0].filters.include", message: "shop.[abc"),
        Case(name: "size without a unit", yaml: pipeline + "\n    queue: {max_bytes: lots}\n",
             line: 6, keyPath: "pipelines[0].queue.max_bytes", message: "expected a size"),
        Case(name: "unknown profile", yaml: kafka("profile: fast"),
             line: 5, keyPath: "pipelines[0].output.kafka.profile", message: "performance, available, idempotent or exactly_once"),
        Case(name: "exactly once with a pool of producers", yaml: kafka("profile: exactly_once, producers: 2"),
             line: 5, keyPath: "pipelines[0].output.kafka.producers", message: "uses one transactional producer; remove producers or set it to 1"),
        Case(name: "message timeout not below the transaction timeout",
             yaml: kafka("profile: exactly_once, properties: {message.timeout.ms: 60000}"),
             line: 5, keyPath: "pipelines[0].output.kafka.properties", message: "message.timeout.ms is 60000 but must be below transaction.timeout.ms (60000)"),
        Case(name: "transactional id as a property", yaml: kafka("profile: exactly_once, properties: {transactional.id: x}"),
             line: 5, keyPath: "pipelines[0].output.kafka.properties", message: "give it as output.kafka.transactions.id"),
        Case(name: "transactions without exactly_once", yaml: kafka("transactions: {id: x}"),
             line: 5, keyPath: "pipelines[0].output.kafka.transactions", message: "use profile: exactly_once, or remove transactions"),
        Case(name: "commit interval over half the transaction timeout",
             yaml: kafka("profile: exactly_once, transactions: {commit_interval_ms: 40000}"),
             line: 5, keyPath: "pipelines[0].output.kafka.transactions", message: "at most half of transaction.timeout.ms (60000)"),
        Case(name: "unknown transactions key", yaml: kafka("profile: exactly_once, transactions: {interval: 5}"),
             line: 5, keyPath: "pipelines[0].output.kafka.transactions.interval", message: "unknown key"),
        Case(name: "librdkafka rejects a value", yaml: kafka("properties: {acks: sometimes}"),
             line: 5, keyPath: "pipelines[0].output.kafka.properties", message: "Kafka property acks"),
        Case(name: "librdkafka property that does not exist", yaml: kafka("properties: {linger.milliseconds: 5}"),
             line: 5, keyPath: "pipelines[0].output.kafka.properties", message: "linger.milliseconds"),
        Case(name: "unknown topic placeholder", yaml: kafka("topic: \"x.{schema}\""),
             line: 5, keyPath: "pipelines[0].output.kafka.topic", message: "unknown placeholder {schema}"),
        Case(name: "duplicate pipeline name", yaml: pipeline + "\n  - name: a\n    mysql: {user: u, server_id: 2}\n    output: {stdout: {}}\n",
             line: 6, keyPath: "pipelines[1].name", message: "also used"),
        Case(name: "shared server_id", yaml: pipeline + "\n  - name: b\n    mysql: {user: u, server_id: 1}\n    output: {stdout: {}}\n",
             line: 6, keyPath: "pipelines[1]", message: "server_id 1 of pipeline b is used by pipeline a too"),
        Case(name: "syntax error", yaml: "pipelines:\n  - name: a\n    mysql: {user: u, server_id: 1\n",
             line: 4, keyPath: "", message: "not valid YAML"),
        Case(name: "tab indentation", yaml: "pipelines:\n\t- name: a\n", line: 2, keyPath: "", message: "not valid YAML"),
        Case(name: "empty file", yaml: "", line: nil, keyPath: "", message: "the file is empty"),
        Case(name: "duplicate key", yaml: pipeline + "\n    mysql: {user: v, server_id: 3}\n",
             line: 3, keyPath: "mysql", message: "key given twice"),
        Case(name: "huge file", yaml: "node_name: x\n" + String(repeating: "# padding padding padding padding padding padding\n", count: 100_000),
             line: nil, keyPath: "", message: "configuration files are at most 4 MiB"),
    ]
}
