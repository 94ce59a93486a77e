import ArgumentParser
import Foundation
import Logging
import Pipeline

/// `binlogo run --config F`: the daemon in the foreground, until SIGTERM or SIGINT.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the pipelines of a configuration (the daemon, in the foreground).")

    @Option(help: "The main configuration file.")
    var config: String = "/etc/binlogo/binlogo.yaml"

    @Option(help: "Seconds to wait for Kafka's acknowledgements when stopping.")
    var stopTimeout: Int = 30

    func run() throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch {
            throw CommandFailure("binlogo run: \(error)")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: configuration.log.level) ?? .info
            return handler
        }
        let logger = Logger(label: "binlogo")
        do {
            try CheckpointStore.prepare(directory: configuration.stateDirectory)
        } catch {
            throw CommandFailure("binlogo run: \(error)")
        }
        let signals = SignalWaiter([SIGTERM, SIGINT])
        let supervisor = PipelineSupervisor(stateDirectory: configuration.stateDirectory, logger: logger)
        supervisor.start(configuration.pipelines)
        logger.info("binlogo running", metadata: ["pipelines": "\(configuration.pipelines.map(\.name).joined(separator: ","))",
                                                  "node": "\(configuration.nodeName)"])
        let received = signals.wait()
        logger.info("stopping", metadata: ["signal": "\(received)"])
        // A second signal while stopping forces the exit.
        Thread.detachNewThread {
            _ = signals.wait()
            Foundation.exit(1)
        }
        supervisor.stopAll(flushTimeoutMilliseconds: Int32(clamping: stopTimeout * 1000))
        logger.info("stopped")
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
