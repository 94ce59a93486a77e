import Dispatch
import KafkaOutput
import Metrics
import MySQLSource
import Synchronization

/// What tells a stalled pipeline from a healthy one beyond its state: how long messages have waited
/// unacknowledged, how long since the last acknowledgement, how old the checkpoint is, and how long
/// the source has been reconnecting. Shown in `/status` and `/metrics`; `/healthz` applies the limits.
final class PipelineHealth: Sendable {
    private struct State {
        /// Uptime nanoseconds when the source lost its connection; nil while it streams.
        var reconnectingSince: UInt64?
        /// Uptime nanoseconds when the stored checkpoint last changed.
        var checkpointMovedAt: UInt64
    }

    private let state: Mutex<State>
    private let secondsSinceAcknowledgement: Gauge
    private let unacknowledged: Gauge
    private let checkpointAge: Gauge
    private let reconnecting: Gauge
    private let startedAt = DispatchTime.now().uptimeNanoseconds

    init(pipeline: String) {
        state = Mutex(State(checkpointMovedAt: startedAt))
        let dimensions = [("pipeline", pipeline)]
        secondsSinceAcknowledgement = Gauge(label: "binlogo_seconds_since_last_acknowledgement", dimensions: dimensions)
        unacknowledged = Gauge(label: "binlogo_unacknowledged_seconds", dimensions: dimensions)
        checkpointAge = Gauge(label: "binlogo_checkpoint_age_seconds", dimensions: dimensions)
        reconnecting = Gauge(label: "binlogo_reconnecting_seconds", dimensions: dimensions)
    }

    /// The source lost its connection (called before each reconnect attempt); the first call starts the clock.
    func sourceReconnecting() {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { if $0.reconnectingSince == nil { $0.reconnectingSince = now } }
    }

    /// The source streams again.
    func sourceStreaming() {
        state.withLock { $0.reconnectingSince = nil }
    }

    /// A new checkpoint was stored.
    func checkpointMoved() {
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { $0.checkpointMovedAt = now }
    }

    /// Seconds the source has been reconnecting; nil while it streams.
    var reconnectingSeconds: Double? {
        state.withLock { $0.reconnectingSince }.map(Self.seconds(since:))
    }

    /// Seconds since the checkpoint last moved, or 0 while it is at the newest transaction read (an
    /// idle pipeline is not behind); nil before anything was read or stored.
    func checkpointAgeSeconds(saved: SourcePosition?, read: SourcePosition?) -> Double? {
        guard let read else { return saved == nil ? nil : 0 }
        if saved == read { return 0 }
        return Self.seconds(since: state.withLock { $0.checkpointMovedAt })
    }

    /// Seconds since the last acknowledgement for `/metrics`, which has no null: since the pipeline
    /// started when nothing was acknowledged yet.
    func recordMetrics(deliveries: DeliveryTracker<SourcePosition>, saved: SourcePosition?, read: SourcePosition?) {
        secondsSinceAcknowledgement.record(deliveries.secondsSinceLastAcknowledgement ?? Self.seconds(since: startedAt))
        unacknowledged.record(deliveries.unacknowledgedSeconds)
        checkpointAge.record(checkpointAgeSeconds(saved: saved, read: read) ?? 0)
        reconnecting.record(reconnectingSeconds ?? 0)
    }

    private static func seconds(since uptime: UInt64) -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now > uptime ? Double(now - uptime) / 1e9 : 0
    }
}
