import MySQLSource

/// One pipeline as `/status` and `binlogo status` show it. Never carries secrets.
public struct PipelineStatus: Sendable, Equatable {
    public var name: String
    /// starting, running, stopping, stopped, failed, or restarting (waiting out a backoff).
    public var state: String
    public var checkpoint: SourcePosition?
    public var readPosition: SourcePosition?
    public var gtid: String?
    public var secondsBehind: Double?
    public var lastError: String?
    /// Why the last checkpoint write failed (read-only or full disk); nil while checkpoints are written.
    public var checkpointError: String?
    public var uptimeSeconds: Double
    /// Seconds since Kafka last acknowledged one of the pipeline's messages; nil before the first.
    public var secondsSinceLastAcknowledgement: Double? = nil
    /// How long messages have waited with no acknowledgement (0 while none are in flight); `/healthz`
    /// fails past `health.max_unacknowledged_seconds`.
    public var unacknowledgedSeconds: Double = 0
    /// Seconds since the stored checkpoint last moved; 0 while it is at the newest transaction read.
    public var checkpointAgeSeconds: Double? = nil
    /// Seconds the source has been reconnecting to MySQL; nil while it streams. `/healthz` fails past
    /// `health.max_reconnecting_seconds`.
    public var reconnectingSeconds: Double? = nil
    /// The snapshot's progress, while the pipeline takes one (and once it is done); nil without one.
    public var snapshot: SnapshotProgress? = nil
}

extension PipelineRunner.Status {
    var label: String {
        switch self {
        case .starting: return "starting"
        case .running: return "running"
        case .stopping: return "stopping"
        case .stopped: return "stopped"
        case .failed: return "failed"
        }
    }
}
