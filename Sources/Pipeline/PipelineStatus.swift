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
