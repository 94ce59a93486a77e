import Pipeline
import Synchronization

/// The `health:` limits `/healthz` applies, replaced in place by a reload.
final class HealthLimits: Sendable {
    private let settings: Mutex<DaemonConfiguration.HealthSettings>

    init(_ settings: DaemonConfiguration.HealthSettings) {
        self.settings = Mutex(settings)
    }

    func update(_ fresh: DaemonConfiguration.HealthSettings) {
        settings.withLock { $0 = fresh }
    }

    /// Why `status` is unhealthy (one clause naming the pipeline), or nil when it is healthy.
    func problem(_ status: PipelineStatus) -> String? {
        let limits = settings.withLock { $0 }
        if status.state != "running" && status.state != "starting" {
            return "pipeline \(status.name) is \(status.state)"
        }
        if status.unacknowledgedSeconds > limits.maximumUnacknowledgedSeconds {
            return "pipeline \(status.name): messages unacknowledged by Kafka for \(Int(status.unacknowledgedSeconds)) s (health.max_unacknowledged_seconds: \(Int(limits.maximumUnacknowledgedSeconds)))"
        }
        if let reconnecting = status.reconnectingSeconds, reconnecting > limits.maximumReconnectingSeconds {
            return "pipeline \(status.name): reconnecting to MySQL for \(Int(reconnecting)) s (health.max_reconnecting_seconds: \(Int(limits.maximumReconnectingSeconds)))"
        }
        return nil
    }
}
