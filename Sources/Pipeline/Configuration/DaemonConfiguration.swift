/// The whole of binlogo's configuration: the main file and every pipeline.
public struct DaemonConfiguration: Sendable, Equatable {
    public struct LogSettings: Sendable, Equatable {
        public enum Format: String, Sendable { case json, text }
        public var level: String = "info"
        public var format: Format = .json
        /// A file to append to; nil writes to stderr (journald).
        public var file: String?
        /// A repeated log line is written once, then summarised with its count every this many seconds.
        public var summarySeconds: Double = 10
        public init() {}
    }

    /// When `/healthz` fails although every pipeline is running.
    public struct HealthSettings: Sendable, Equatable {
        /// Messages waiting this long with no acknowledgement (Kafka down or refusing) fail `/healthz`.
        public var maximumUnacknowledgedSeconds: Double = 60
        /// A source reconnecting to MySQL this long (the database down) fails `/healthz`.
        public var maximumReconnectingSeconds: Double = 120
        public init() {}
    }

    public struct HTTPSettings: Sendable, Equatable {
        public var enabled = true
        public var listen = "127.0.0.1:9108"
        public init() {}
    }

    public var nodeName: String
    public var stateDirectory: String
    public var log: LogSettings
    public var http: HTTPSettings
    public var health = HealthSettings()
    public var pipelines: [PipelineConfiguration]

    public init(nodeName: String, stateDirectory: String, log: LogSettings = .init(), http: HTTPSettings = .init(),
                pipelines: [PipelineConfiguration]) {
        self.nodeName = nodeName
        self.stateDirectory = stateDirectory
        self.log = log
        self.http = http
        self.pipelines = pipelines
    }
}
