import BinlogDecoder
import KafkaOutput
import MySQLSource

/// One pipeline: one MySQL server to one output, with its filters and queue limits.
public struct PipelineConfiguration: Sendable, Equatable {
    public enum Output: Sendable, Equatable {
        case kafka(KafkaOutputConfiguration)
        /// One message per line on stdout, for debugging and demos.
        case stdout(topic: TopicTemplate, key: MessageKeyMode)
    }

    public struct Filters: Sendable, Equatable {
        public var include: [String]
        public var exclude: [String]
        public var types: Set<ChangeFilter.ChangeType>
        /// Columns left out of messages, per `database.table`.
        public var excludeColumns: [String: Set<String>]

        public init(include: [String] = [], exclude: [String] = [], types: Set<ChangeFilter.ChangeType> = Set(ChangeFilter.ChangeType.allCases),
                    excludeColumns: [String: Set<String>] = [:]) {
            self.include = include
            self.exclude = exclude
            self.types = types
            self.excludeColumns = excludeColumns
        }
    }

    public struct QueueLimits: Sendable, Equatable {
        public var maximumMessages: Int
        public var maximumBytes: Int

        public init(maximumMessages: Int = 10_000, maximumBytes: Int = 64 << 20) {
            self.maximumMessages = maximumMessages
            self.maximumBytes = maximumBytes
        }
    }

    public var name: String
    public var source: SourceConfiguration
    public var output: Output
    public var filters: Filters
    public var queue: QueueLimits
    public var snapshot: SnapshotConfiguration
    /// The messages' shape (`output.format`).
    public var format: MessageFormat

    public init(name: String, source: SourceConfiguration, output: Output, filters: Filters = Filters(), queue: QueueLimits = QueueLimits(),
                snapshot: SnapshotConfiguration = SnapshotConfiguration(), format: MessageFormat = .binlogo) {
        self.format = format
        self.name = name
        self.source = source
        self.output = output
        self.filters = filters
        self.queue = queue
        self.snapshot = snapshot
    }
}
