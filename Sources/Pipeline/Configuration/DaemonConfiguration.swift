/// The whole of binlogo's configuration: the main file and every pipeline.
public struct DaemonConfiguration: Sendable, Equatable {
    public struct LogSettings: Sendable, Equatable {
        public enum Format: String, Sendable { case json, text }
        public var level: String = "info"
        public var format: Format = .json
        /// A file to append to; nil writes to stderr (journald).
        public var file: String?
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
