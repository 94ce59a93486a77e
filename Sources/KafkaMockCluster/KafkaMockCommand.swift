import ArgumentParser
import Foundation

/// `binlogo-kafka-mock`: hosts librdkafka's Kafka-protocol mock cluster until SIGTERM or SIGINT.
///
/// Prints `bootstrap.servers=…` and `control=…` lines (also written to `--info-file`,
/// in a form a shell can `source`) once the cluster listens.
@main
struct KafkaMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binlogo-kafka-mock",
        abstract: "Run a Kafka-protocol mock cluster (librdkafka's) for tests, the demo and benchmarks."
    )

    @Option(help: "Number of brokers (ids 1…N).")
    var brokers: Int = 3

    @Option(name: .customLong("topic"), help: "Create a topic up front, as NAME:PARTITIONS[:REPLICATION]. Repeatable.")
    var topics: [String] = []

    @Option(help: "Also write the addresses to this file as shell assignments.")
    var infoFile: String?

    func validate() throws {
        guard (1...32).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 32, got \(brokers)")
        }
    }

    func run() throws {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let cluster = try MockCluster(brokers: brokers)
        for spec in topics {
            let parts = spec.split(separator: ":")
            guard (2...3).contains(parts.count), let partitions = Int(parts[1]),
                  let replication = parts.count == 3 ? Int(parts[2]) : 1 else {
                throw ValidationError("--topic takes NAME:PARTITIONS[:REPLICATION], got \(spec)")
            }
            try cluster.createTopic(String(parts[0]), partitions: partitions, replicationFactor: replication)
        }
        let control = try ControlServer()
        let info = "BINLOGO_KAFKA_BOOTSTRAP=\(cluster.bootstrapServers)\nBINLOGO_KAFKA_CONTROL=127.0.0.1:\(control.port)\n"
        if let infoFile {
            let temporary = infoFile + ".tmp"
            try info.write(toFile: temporary, atomically: false, encoding: .utf8)
            guard rename(temporary, infoFile) == 0 else {
                throw ValidationError("cannot write --info-file \(infoFile): \(String(cString: strerror(errno)))")
            }
        }
        print("bootstrap.servers=\(cluster.bootstrapServers)")
        print("control=127.0.0.1:\(control.port)")
        fflush(nil)

        let server = Thread { control.serve(cluster) }
        server.start()

        var received: Int32 = 0
        sigwait(&signals, &received)
        withExtendedLifetime(cluster) {}
    }
}
