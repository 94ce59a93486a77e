/// A line librdkafka logs (its log callback) or an error it reports (its error callback), for the
/// daemon's own logger instead of librdkafka's text lines on stderr.
public struct KafkaLogMessage: Sendable {
    /// syslog severity as librdkafka gives it: 0–2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    public let severity: Int32
    /// librdkafka's facility (`FAIL`, `BROKER`, …; `ERROR` for the error callback).
    public let facility: String
    public let text: String
    /// The error callback's `rd_kafka_resp_err_t`, nil for log lines.
    public let code: Int32?

    public init(severity: Int32, facility: String, text: String, code: Int32? = nil) {
        self.severity = severity
        self.facility = facility
        self.text = text
        self.code = code
    }
}
