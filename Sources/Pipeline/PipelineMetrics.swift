import Metrics

/// A pipeline's metrics through swift-metrics (exported in Prometheus format by `binlogo run`).
/// Per-table counters are made once per table and cached, for at most `maximumTables` tables; the
/// rows of further tables are counted under `table="other"`, so the labels (and the cache) stay bounded.
final class PipelineMetrics {
    static let maximumTables = 100

    let pipeline: String
    let read: Counter
    let filtered: Counter
    /// Transactions larger than the look-ahead that rolled back after some of their rows were published.
    let rolledBackAfterPublishing: Counter
    let acknowledged: Counter
    let failed: Counter
    let bytesSent: Counter
    /// Messages handed to the output (acknowledged or not: compare `binlogo_messages_acknowledged_total`).
    let messagesSent: Counter
    let queueDepth: Gauge
    let inFlight: Gauge
    let secondsBehind: Gauge
    /// Rows a snapshot emitted (the stream's newer values of the others went out instead).
    let snapshotRows: Counter
    private var sentByTable: [String: Counter] = [:]
    /// The last table counted and its counter: consecutive messages are mostly of one table, and comparing
    /// the name costs less than hashing it.
    private var lastSent: (table: String, counter: Counter)?

    init(pipeline: String) {
        self.pipeline = pipeline
        let dimensions = [("pipeline", pipeline)]
        read = Counter(label: "binlogo_rows_read_total", dimensions: dimensions)
        filtered = Counter(label: "binlogo_rows_filtered_total", dimensions: dimensions)
        rolledBackAfterPublishing = Counter(label: "binlogo_rollbacks_after_publishing_total", dimensions: dimensions)
        acknowledged = Counter(label: "binlogo_messages_acknowledged_total", dimensions: dimensions)
        failed = Counter(label: "binlogo_messages_failed_total", dimensions: dimensions)
        bytesSent = Counter(label: "binlogo_bytes_sent_total", dimensions: dimensions)
        messagesSent = Counter(label: "binlogo_messages_sent_total", dimensions: dimensions)
        queueDepth = Gauge(label: "binlogo_queue_messages", dimensions: dimensions)
        inFlight = Gauge(label: "binlogo_kafka_in_flight_messages", dimensions: dimensions)
        secondsBehind = Gauge(label: "binlogo_seconds_behind_source", dimensions: dimensions)
        snapshotRows = Counter(label: "binlogo_snapshot_rows_total", dimensions: dimensions)
    }

    /// A message of `table` handed to the output.
    func sent(table: String, bytes: Int) {
        if let lastSent, lastSent.table == table {
            lastSent.counter.increment()
        } else if let counter = sentByTable[table] {
            lastSent = (table, counter)
            counter.increment()
        } else {
            let label = sentByTable.count < Self.maximumTables ? table : "other"
            let counter = sentByTable[label] ?? Counter(label: "binlogo_rows_sent_total", dimensions: [("pipeline", pipeline), ("table", label)])
            if label == table { sentByTable[table] = counter } else { sentByTable["other"] = counter }
            counter.increment()
        }
        messagesSent.increment()
        bytesSent.increment(by: bytes)
    }
}
