import ArgumentParser
import KafkaOutput
import MySQLSource
import Pipeline

/// `binlogo check --config F [--connect]`: validates the configuration (and with `--connect`, runs each
/// pipeline's MySQL preflight and a Kafka metadata request); exits non-zero on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a configuration, optionally against the servers.")

    @Option(help: "The main configuration file.")
    var config: String = "/etc/binlogo/binlogo.yaml"

    @Flag(help: "Also connect: the MySQL preflight checks and a Kafka metadata request for every pipeline.")
    var connect = false

    func run() throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch {
            throw CommandFailure("binlogo check: \(error)")
        }
        let problems = configuration.unavailableReferences
        guard problems.isEmpty else {
            // One line per problem: all but the last written here, the last as the command's error.
            for problem in problems.dropLast() {
                let line = Array("Error: binlogo check: \(problem)\n".utf8)
                line.withUnsafeBytes { _ = writeAll($0, to: 2) }
            }
            throw CommandFailure("binlogo check: \(problems.last!)")
        }
        print("\(config): OK, \(configuration.pipelines.count) pipeline(s): \(configuration.pipelines.map(\.name).joined(separator: ", "))")
        guard connect else { return }
        var failures = 0
        for pipeline in configuration.pipelines {
            do {
                try checkMySQL(pipeline)
                try checkKafka(pipeline)
            } catch {
                failures += 1
                print("pipeline \(pipeline.name): \(error)")
            }
        }
        if failures > 0 { throw CommandFailure("binlogo check: \(failures) pipeline(s) failed their connection checks") }
    }

    private func checkMySQL(_ pipeline: PipelineConfiguration) throws {
        var options = pipeline.source.connection
        do {
            options.password = try pipeline.source.password.resolve()
        } catch {
            throw CommandFailure(error.description)
        }
        let connection: MySQLConnection
        do {
            connection = try MySQLConnection(options)
        } catch {
            throw CommandFailure("\(error)")
        }
        let report = try ServerPreflight(start: pipeline.source.start).run(on: connection)
        print("pipeline \(pipeline.name): MySQL \(report.serverVersion) at \(options.endpointDescription): OK")
        for warning in report.warnings { print("pipeline \(pipeline.name): warning: \(warning)") }
    }

    private func checkKafka(_ pipeline: PipelineConfiguration) throws {
        guard case .kafka(let kafka) = pipeline.output else { return }
        let producer = try KafkaProducer(properties: kafka.librdkafkaProperties) { _ in }
        let brokers = try producer.brokerCount(timeoutMilliseconds: 10_000)
        print("pipeline \(pipeline.name): Kafka at \(kafka.brokers.joined(separator: ",")): OK, \(brokers) broker(s)")
    }
}
