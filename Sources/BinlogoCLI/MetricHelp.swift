/// The `# HELP` line of every metric binlogo exports. swift-metrics has no help text, so `/metrics`
/// adds these before each metric's `# TYPE` line.
enum MetricHelp {
    static let texts: [String: String] = [
        "binlogo_rows_read_total": "Row changes (and DDL statements) read from the binlog.",
        "binlogo_rows_filtered_total": "Row changes left out by the pipeline's filters.",
        "binlogo_rollbacks_after_publishing_total": "Transactions larger than source.transaction_lookahead_mb that rolled back after some of their rows were published.",
        "binlogo_rows_sent_total": "Messages handed to the producer, per table (acknowledged or not; tables past the 100th are counted as table=\"other\").",
        "binlogo_messages_sent_total": "Messages handed to the producer; minus acknowledged and failed, what is in flight.",
        "binlogo_bytes_sent_total": "Bytes of the messages handed to the producer.",
        "binlogo_messages_acknowledged_total": "Messages Kafka acknowledged.",
        "binlogo_messages_failed_total": "Messages that failed for good after librdkafka's retries.",
        "binlogo_kafka_transactions_committed_total": "Kafka transactions committed (exactly_once profile), each with the pipeline's position.",
        "binlogo_messages_committed_total": "Messages in committed Kafka transactions (exactly_once profile): what read_committed consumers can see.",
        "binlogo_messages_refused_total": "Messages librdkafka refused when they were produced (too large, unknown partition); skipped under the performance profile.",
        "binlogo_queue_messages": "Messages waiting in the pipeline's bounded queue.",
        "binlogo_kafka_in_flight_messages": "Messages handed to librdkafka and not yet acknowledged or failed.",
        "binlogo_seconds_behind_source": "Seconds between the last transaction's commit on the server and its reading.",
        "binlogo_snapshot_rows_total": "Rows a snapshot published as read messages.",
        "binlogo_seconds_since_last_acknowledgement": "Seconds since Kafka last acknowledged a message of the pipeline (since the start before the first).",
        "binlogo_unacknowledged_seconds": "Seconds messages have waited with no acknowledgement; 0 while none are in flight. /healthz fails past health.max_unacknowledged_seconds.",
        "binlogo_checkpoint_age_seconds": "Seconds since the stored checkpoint last moved; 0 while it is at the newest transaction read.",
        "binlogo_reconnecting_seconds": "Seconds the source has been reconnecting to MySQL; 0 while it streams. /healthz fails past health.max_reconnecting_seconds.",
        "binlogo_reconnects_total": "Reconnect attempts of the pipeline's MySQL source.",
        "binlogo_checkpoint_failures_total": "Checkpoint writes that failed (read-only or full state directory).",
        "binlogo_ack_latency_seconds": "Seconds from handing a message to the producer to Kafka's acknowledgement, one message in 64.",
        "binlogo_reloads_total": "Reloads (SIGHUP) applied.",
        "binlogo_reloads_refused_total": "Reloads (SIGHUP) refused because the configuration was invalid or unreadable; everything kept running.",
    ]

    /// The Prometheus text with a `# HELP` line before each `# TYPE` line whose metric has one.
    static func annotate(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count + 4096)
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: Array("# TYPE ".utf8)) {
                let name = String(decoding: line.dropFirst(7).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                if let help = texts[name] { result.append(contentsOf: Array("# HELP \(name) \(help)\n".utf8)) }
            }
            result.append(contentsOf: line)
            result.append(UInt8(ascii: "\n"))
        }
        if text.last == UInt8(ascii: "\n") { result.removeLast() }
        return result
    }
}
