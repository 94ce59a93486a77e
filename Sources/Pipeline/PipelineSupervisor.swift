import Foundation
import Logging
import Synchronization

/// Runs several pipelines independently: one that fails is logged, stopped and restarted after a
/// backoff (doubling from 5 s to 5 min), while the others keep running. An `exactly_once` pipeline whose
/// Kafka transaction was aborted restarts at once (from its last committed position) unless it did so
/// within the last minute; one whose producer was fenced (another process took it over) is not restarted.
public final class PipelineSupervisor: Sendable {
    private struct Entry {
        var configuration: PipelineConfiguration
        var runner: PipelineRunner?
        var failures = 0
        var restartAt: Date?
        var lastError: String?
        /// When it last failed; an immediate restart is granted once a minute at most.
        var lastFailureAt: Date?
        /// Failed for good (fenced): shown as failed, never restarted (a reload starts it again).
        var halted = false
    }

    private let stateDirectory: String
    private let logger: Logger
    /// Shared by every pipeline, flushed by the monitor every second and at stop.
    public let logSummary: RepeatedLogSummarizer
    private let entries = Mutex<[String: Entry]>([:])
    private let monitor = Mutex<PeriodicTask?>(nil)
    /// Held by a reload and by the monitor's restart pass, so they never act on the same pipeline at once.
    private let serial = Mutex(())

    public init(stateDirectory: String, logger: Logger, logSummary: RepeatedLogSummarizer = RepeatedLogSummarizer()) {
        self.stateDirectory = stateDirectory
        self.logger = logger
        self.logSummary = logSummary
    }

    /// Starts every pipeline and the monitor that restarts failed ones.
    public func start(_ pipelines: [PipelineConfiguration]) {
        for pipeline in pipelines {
            entries.withLock { $0[pipeline.name] = Entry(configuration: pipeline) }
            launch(pipeline.name)
        }
        let task = PeriodicTask(name: "binlogo-superv", interval: 1) { [self] in
            checkPipelines()
            logSummary.flushDue()
        }
        monitor.withLock { $0 = task }
    }

    /// The runners now running, by pipeline name.
    public var runners: [String: PipelineRunner] {
        entries.withLock { entries in entries.compactMapValues(\.runner) }
    }

    /// Every pipeline's status, by name; a pipeline waiting to restart shows `restarting` and its last error,
    /// one not launched yet (a start or a reload in progress) `starting`.
    public var statuses: [PipelineStatus] {
        entries.withLock { entries in
            entries.values.map { entry in
                if let runner = entry.runner {
                    var status = runner.snapshot
                    if status.lastError == nil { status.lastError = entry.lastError }
                    return status
                }
                let state = entry.halted ? "failed" : entry.restartAt == nil && entry.lastError == nil ? "starting" : "restarting"
                return PipelineStatus(name: entry.configuration.name, state: state, checkpoint: nil, readPosition: nil,
                                      gtid: nil, secondsBehind: nil, lastError: entry.lastError, checkpointError: nil, uptimeSeconds: 0)
            }.sorted { $0.name < $1.name }
        }
    }

    /// Stops every pipeline gracefully (flush, final checkpoint).
    public func stopAll(timeoutMilliseconds: Int32 = 10_000) {
        monitor.withLock { $0 }?.cancel()
        let running = entries.withLock { entries in entries.values.compactMap(\.runner) }
        let group = DispatchGroup()
        for runner in running {
            DispatchQueue.global().async(group: group) { runner.stop(timeoutMilliseconds: timeoutMilliseconds) }
        }
        group.wait()
        logSummary.flushAll()
    }

    /// What a reload did, by pipeline name.
    public struct ReloadResult: Sendable, Equatable {
        public var started: [String] = []
        public var stopped: [String] = []
        public var restarted: [String] = []
        public var filtersChanged: [String] = []
        public var unchanged: [String] = []
    }

    /// Applies a new set of pipelines: starts new ones, stops removed ones (flush, checkpoint),
    /// restarts changed ones, changes only-filters differences in place, and leaves unchanged ones
    /// streaming on the same connection.
    public func apply(_ pipelines: [PipelineConfiguration]) -> ReloadResult {
        serial.withLock { _ in applyLocked(pipelines) }
    }

    private func applyLocked(_ pipelines: [PipelineConfiguration]) -> ReloadResult {
        var result = ReloadResult()
        let current = entries.withLock { $0 }
        let wanted = Dictionary(uniqueKeysWithValues: pipelines.map { ($0.name, $0) })
        // Pipelines to stop (removed, or changed beyond their filters) stop side by side, each within its deadline.
        var stopping: [PipelineRunner] = []
        for (name, entry) in current where wanted[name] == nil {
            if let runner = entry.runner { stopping.append(runner) }
            entries.withLock { $0[name] = nil }
            result.stopped.append(name)
        }
        /// Launched once the stops are over (a new pipeline may take over a removed one's server_id).
        var launching: [String] = []
        for pipeline in pipelines {
            guard let entry = current[pipeline.name] else {
                entries.withLock { $0[pipeline.name] = Entry(configuration: pipeline) }
                launching.append(pipeline.name)
                result.started.append(pipeline.name)
                continue
            }
            if entry.configuration == pipeline, !entry.halted {
                result.unchanged.append(pipeline.name)
                continue
            }
            var sameButFilters = entry.configuration
            sameButFilters.filters = pipeline.filters
            if sameButFilters == pipeline, let runner = entry.runner, (try? runner.updateFilters(pipeline.filters)) != nil {
                entries.withLock { $0[pipeline.name]?.configuration = pipeline }
                result.filtersChanged.append(pipeline.name)
                continue
            }
            if let runner = entry.runner { stopping.append(runner) }
            entries.withLock { $0[pipeline.name] = Entry(configuration: pipeline) }
            launching.append(pipeline.name)
            result.restarted.append(pipeline.name)
        }
        let group = DispatchGroup()
        for runner in stopping {
            DispatchQueue.global().async(group: group) { runner.stop() }
        }
        group.wait()
        for name in launching { launch(name) }
        return result
    }

    private func launch(_ name: String) {
        guard let configuration = entries.withLock({ $0[name]?.configuration }) else { return }
        do {
            let runner = try PipelineRunner(configuration: configuration, stateDirectory: stateDirectory, logger: logger, logSummary: logSummary)
            try runner.start()
            entries.withLock { $0[name]?.runner = runner }
        } catch {
            scheduleRestart(name, reason: "\(error)")
        }
    }

    private func checkPipelines() {
        serial.withLock { _ in checkPipelinesLocked() }
    }

    private func checkPipelinesLocked() {
        let failed: [(String, PipelineRunner, String)] = entries.withLock { entries in
            entries.compactMap { name, entry in
                guard let runner = entry.runner, case .failed(let reason) = runner.status else { return nil }
                return (name, runner, reason)
            }
        }
        for (name, runner, reason) in failed {
            runner.stop(timeoutMilliseconds: 5_000)
            entries.withLock { $0[name]?.runner = nil }
            switch runner.restartPolicy {
            case .afterBackoff: scheduleRestart(name, reason: reason)
            case .atOnce: scheduleRestart(name, reason: reason, atOnce: true)
            case .never: halt(name, reason: reason)
            }
        }
        let due = entries.withLock { entries in
            entries.filter { $0.value.runner == nil && ($0.value.restartAt.map { $0 <= Date() } ?? false) }.map(\.key)
        }
        for name in due {
            entries.withLock { $0[name]?.restartAt = nil }
            launch(name)
        }
    }

    private func scheduleRestart(_ name: String, reason: String, atOnce: Bool = false) {
        let delay = entries.withLock { entries -> Double in
            let now = Date()
            let recently = entries[name]?.lastFailureAt.map { now.timeIntervalSince($0) < 60 } ?? false
            entries[name]?.lastFailureAt = now
            entries[name]?.lastError = reason
            let delay: Double
            if atOnce && !recently {
                delay = 0
            } else {
                entries[name]?.failures += 1
                let failures = entries[name]?.failures ?? 1
                delay = min(300, 5 * pow(2, Double(min(failures - 1, 10))))
            }
            entries[name]?.restartAt = now.addingTimeInterval(delay)
            return delay
        }
        if delay == 0 {
            logger.warning("pipeline restarts from its last committed position", metadata: ["pipeline": "\(name)", "error": "\(reason)"])
            return
        }
        logger.error("pipeline failed; restarting after a pause", metadata: [
            "pipeline": "\(name)", "error": "\(reason)", "retry_in_seconds": .stringConvertible(Int(delay)),
        ])
    }

    /// A pipeline that must not restart by itself: it shows as failed with its reason until a reload.
    private func halt(_ name: String, reason: String) {
        entries.withLock { entries in
            entries[name]?.lastError = reason
            entries[name]?.restartAt = nil
            entries[name]?.halted = true
        }
        logger.critical("pipeline stopped and not restarted", metadata: ["pipeline": "\(name)", "error": "\(reason)"])
    }
}
