import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import KafkaOutput
import MySQLSource
import Pipeline

/// `binlogo position show|set --config F --pipeline P [POSITION]`: reads or replaces a pipeline's
/// stored position. `set` refuses while a binlogo process runs that pipeline.
///
/// Under the `exactly_once` profile the position that counts is the one committed to Kafka's positions
/// topic (the checkpoint file mirrors it): `show` prints both, `set` commits to the topic, then writes the file.
struct PositionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "position", abstract: "Show or set a pipeline's stored binlog position.",
        subcommands: [Show.self, Set.self])

    struct Options: ParsableArguments {
        @Option(help: "The main configuration file.")
        var config: String = "/etc/binlogo/binlogo.yaml"

        @Option(help: "The pipeline's name.")
        var pipeline: String

        func store() throws -> CheckpointStore {
            try pipelineAndStore().store
        }

        /// The pipeline's configuration and its checkpoint store.
        func pipelineAndStore() throws -> (pipeline: PipelineConfiguration, store: CheckpointStore) {
            let (configuration, found) = try configuredPipeline(pipeline, in: config, command: "binlogo position")
            return (found, CheckpointStore(directory: configuration.stateDirectory, pipeline: pipeline))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the stored position.")
        @OptionGroup var options: Options

        func run() throws {
            let (pipeline, store) = try options.pipelineAndStore()
            do {
                if let kafka = pipeline.exactlyOnceKafka {
                    let topic = kafka.transactions(pipeline: options.pipeline).positionsTopic
                    let committed = try KafkaPositions.committed(pipeline: options.pipeline, kafka: kafka)
                    print("\(options.pipeline): \(committed.map { "\($0)" } ?? "no position") committed to Kafka (\(topic))")
                    print("\(options.pipeline): checkpoint file: \(try store.load().map { "\($0)" } ?? "none")")
                } else if let position = try store.load() {
                    print("\(options.pipeline): \(position)")
                } else {
                    print("\(options.pipeline): no stored position (it starts at its configured start)")
                }
            } catch {
                throw CommandFailure("binlogo position show: \(error)")
            }
        }
    }

    /// `set` checks a FILE:POSITION against the pipeline's server first: a file the server does not have
    /// or a position inside an event is refused; a server that cannot be asked is said, and the position
    /// stored all the same (the operator may be preparing a server that is down).
    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a new position (FILE:POSITION, a MariaDB GTID or a MySQL GTID set) for a stopped pipeline.")
        @OptionGroup var options: Options

        @Argument(help: "Where to resume: FILE:POSITION (binlog.000042:4), a MariaDB GTID (0-1-1234) or a MySQL GTID set (uuid:1-100, uuid:tag:1-5): the first transaction not in the set.")
        var position: String

        func run() throws {
            let (pipeline, store) = try options.pipelineAndStore()
            let stored: SourcePosition
            switch try? StartPosition(parsing: position) {
            case let .file(file, offset)?: stored = SourcePosition(file: file, position: offset)
            case let .mariaDBGTID(gtid)?: stored = SourcePosition(file: "", position: 4, gtid: gtid)
            case let .mysqlGTIDSet(set)?: stored = SourcePosition(file: "", position: 4, gtidSet: set)
            default:
                throw CommandFailure("binlogo position set: \(position) is not FILE:POSITION (binlog.000042:4), a MariaDB GTID (0-1-1234) or a MySQL GTID set (uuid:1-100)")
            }
            do {
                let lock = try store.lock()
                defer { close(lock) }
                if !stored.file.isEmpty {
                    switch PositionCheck.check(file: stored.file, position: stored.position, source: pipeline.source) {
                    case .valid:
                        break
                    case .invalid(let reason):
                        throw CommandFailure("binlogo position set: \(reason)")
                    case .unchecked(let reason):
                        StandardError.write("binlogo position set: not checked against the server (\(reason)); stored as given")
                    }
                }
                if let kafka = pipeline.exactlyOnceKafka {
                    try KafkaPositions.set(stored, pipeline: options.pipeline, kafka: kafka)
                }
                try store.save(stored)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure("binlogo position set: \(error)")
            }
            print("\(options.pipeline): position set to \(stored)")
        }
    }
}

extension PipelineConfiguration {
    /// The pipeline's Kafka output when its profile is `exactly_once`.
    var exactlyOnceKafka: KafkaOutputConfiguration? {
        if case .kafka(let kafka) = output, kafka.profile == .exactlyOnce { return kafka }
        return nil
    }
}
