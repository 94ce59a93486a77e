import ArgumentParser
import Foundation
import Logging
import Metrics
import Pipeline
import Prometheus
import Synchronization

/// `binlogo run --config F`: the daemon in the foreground. SIGHUP reloads the configuration,
/// SIGTERM or SIGINT stop it gracefully (a second one forces the exit).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the pipelines of a configuration (the daemon, in the foreground).")

    @Option(help: "The main configuration file.")
    var config: String = "/etc/binlogo/binlogo.yaml"

    @Option(help: "Seconds to wait for Kafka's acknowledgements when stopping.")
    var stopTimeout: Int = 30

    func run() throws {
        var configuration: DaemonConfiguration
        let stateLock: Int32
        do {
            configuration = try ConfigurationLoader.load(path: config)
            if let problem = configuration.unavailableReferences.first { throw CommandFailure(problem) }
            try CheckpointStore.prepare(directory: configuration.stateDirectory)
            stateLock = try CheckpointStore.lockStateDirectory(configuration.stateDirectory)
        } catch {
            throw CommandFailure("binlogo run: \(error)")
        }
        defer { close(stateLock) }
        let output = try LogOutput(path: configuration.log.file)
        let level = LevelBox(Logger.Level(rawValue: configuration.log.level) ?? .info)
        let format: StructuredLogHandler.Format = configuration.log.format == .json ? .json : .text
        LoggingSystem.bootstrap { label in
            StructuredLogHandler(label: label, format: format, output: output, levelBox: level)
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let reloads = Counter(label: "binlogo_reloads_total")
        let refusedReloads = Counter(label: "binlogo_reloads_refused_total")
        var logger = Logger(label: "binlogo")
        logger[metadataKey: "node"] = "\(configuration.nodeName)"
        if Allocator.jemallocVersion == nil {
            logger.warning("malloc is not jemalloc's (an LD_PRELOAD?): the daemon runs, with more CPU per message")
        }
        let notifier = SystemdNotifier()
        let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])
        let supervisor = PipelineSupervisor(stateDirectory: configuration.stateDirectory, logger: logger,
                                            logSummary: RepeatedLogSummarizer(intervalSeconds: configuration.log.summarySeconds))
        let health = HealthLimits(configuration.health)
        var server: StatusServer?
        if configuration.http.enabled {
            // Before any pipeline starts: a daemon without its endpoint would look dead to its monitoring.
            do {
                server = try StatusServer(listen: configuration.http.listen, supervisor: supervisor, registry: registry, health: health)
            } catch {
                throw CommandFailure("binlogo run: \(error)")
            }
            logger.info("http listening", metadata: ["address": "\(server!.address)"])
        }
        supervisor.start(configuration.pipelines)
        if let interval = SystemdNotifier.watchdogInterval() {
            Thread.detachNewThread {
                while true {
                    notifier.watchdog()
                    Thread.sleep(forTimeInterval: interval / 2)
                }
            }
        }
        logger.info("binlogo running", metadata: ["pipelines": "\(configuration.pipelines.map(\.name).joined(separator: ","))"])
        notifier.ready()

        while true {
            let received = signals.wait()
            guard received == SIGHUP else {
                logger.info("stopping", metadata: ["signal": "\(received)"])
                break
            }
            notifier.reloading()
            if let applied = reload(configuration, supervisor: supervisor, level: level, output: output, logger: logger) {
                configuration = applied
                health.update(applied.health)
                reloads.increment()
            } else {
                refusedReloads.increment()
            }
            notifier.ready()
        }
        notifier.stopping()
        // A second signal while stopping forces the exit.
        Thread.detachNewThread {
            while signals.wait() == SIGHUP {}
            Foundation.exit(1)
        }
        supervisor.stopAll(timeoutMilliseconds: Int32(clamping: stopTimeout * 1000))
        withExtendedLifetime(server) {}
        logger.info("stopped")
    }

    /// Re-reads the configuration and applies it; an invalid or unreadable one is logged in one line,
    /// everything goes on as before, and nil is returned.
    private func reload(_ current: DaemonConfiguration, supervisor: PipelineSupervisor, level: LevelBox, output: LogOutput,
                        logger: Logger) -> DaemonConfiguration? {
        do {
            try output.reopen()
        } catch {
            logger.error("log file not reopened", metadata: ["error": "\(error)"])
        }
        let fresh: DaemonConfiguration
        do {
            fresh = try ConfigurationLoader.load(path: config)
        } catch {
            logger.error("reload refused: the configuration is invalid; everything keeps running as before", metadata: ["error": "\(error)"])
            return nil
        }
        if let problem = fresh.unavailableReferences.first {
            logger.error("reload refused: the configuration is invalid; everything keeps running as before", metadata: ["error": "\(problem)"])
            return nil
        }
        level.level = Logger.Level(rawValue: fresh.log.level) ?? level.level
        if fresh.stateDirectory != current.stateDirectory || fresh.log.file != current.log.file || fresh.log.format != current.log.format
            || fresh.log.summarySeconds != current.log.summarySeconds || fresh.http != current.http {
            logger.warning("state_dir, log.file, log.format, log.summary_seconds and http take effect at the next start")
        }
        let result = supervisor.apply(fresh.pipelines)
        logger.info("reloaded", metadata: [
            "started": "\(result.started.joined(separator: ","))", "stopped": "\(result.stopped.joined(separator: ","))",
            "restarted": "\(result.restarted.joined(separator: ","))", "filters_changed": "\(result.filtersChanged.joined(separator: ","))",
            "unchanged": "\(result.unchanged.joined(separator: ","))",
        ])
        var applied = fresh
        applied.stateDirectory = current.stateDirectory
        applied.log.file = current.log.file
        applied.log.format = current.log.format
        applied.log.summarySeconds = current.log.summarySeconds
        applied.http = current.http
        return applied
    }
}

/// Blocks signals for the whole process and waits for them synchronously.
struct SignalWaiter: Sendable {
    private let signals: [Int32]

    init(_ signals: [Int32]) {
        self.signals = signals
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The next of these signals.
    func wait() -> Int32 {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var received: Int32 = 0
        sigwait(&set, &received)
        return received
    }
}
