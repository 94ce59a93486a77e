import ArgumentParser
import Foundation
import ReliabilityCampaigns
import TestBench

/// `binlogo-campaign`: the reliability campaigns of Docs/reliability.md, against a sandbox MariaDB or
/// MySQL and a mock Kafka cluster of their own, with a table of what the checker found.
@main
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binlogo-campaign",
        abstract: "Run binlogo's fault campaigns and check that no committed change is lost, repeated or reordered.")

    @Argument(help: "crash, graceful, database, kafka, disk, snapshot, snapshot-faults, or all.")
    var campaigns: [String] = ["all"]

    @Option(help: "Rounds per campaign (default: crash 50, graceful 50, database 20, kafka 20, disk 20, snapshot 20, snapshot-faults 20).")
    var rounds: Int?

    @Option(help: "Seed of the faults' timing and of the writer's workload.")
    var seed: UInt64 = 1

    @Option(help: "How long the database campaign keeps the server unreachable.")
    var outageSeconds: Double = 30

    @Option(help: "The writer's pace in row changes per second.")
    var rate: Int = 400

    @Option(help: "The server to stream from: mariadb (MariaDB 10.11) or mysql (MySQL 9.x).")
    var server: String = "mariadb"

    @Option(help: "The pipeline's delivery profile: idempotent (the mock cluster) or exactly_once (a broker with transactions, read back read_committed).")
    var profile: String = "idempotent"

    @Option(help: "Rows in the table the snapshot campaign reads.")
    var snapshotRows: Int = 1_000_000

    @Flag(name: .customLong("without-gtids"), help: "With --server mysql: gtid_mode=OFF (MySQL's default) instead of ON; snapshot chunks are then bracketed by signal-table rows.")
    var withoutGTIDs = false

    static let defaultRounds: [CampaignKind: Int] = [.crash: 50, .graceful: 50, .database: 20, .kafka: 20, .disk: 20, .snapshot: 20,
                                                     .snapshotFaults: 20]

    func validate() throws {
        for name in campaigns where name != "all" && CampaignKind(rawValue: name) == nil {
            throw ValidationError("unknown campaign \(name): use \(CampaignKind.allCases.map(\.rawValue).joined(separator: ", ")) or all")
        }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1") }
        if rate < 1 { throw ValidationError("--rate must be at least 1") }
        if snapshotRows < 1 { throw ValidationError("--snapshot-rows must be at least 1") }
        if withoutGTIDs && server != "mysql" { throw ValidationError("--without-gtids is for --server mysql (MariaDB's GTIDs are always on)") }
        if ServerFlavor(rawValue: server) == nil { throw ValidationError("--server \(server) is not mariadb or mysql") }
        if CampaignProfile(rawValue: profile) == nil { throw ValidationError("--profile \(profile) is not idempotent or exactly_once") }
    }

    func run() throws {
        let kinds = campaigns.contains("all") ? CampaignKind.allCases : campaigns.compactMap(CampaignKind.init(rawValue:))
        var results: [CampaignResult] = []
        for kind in kinds {
            let options = CampaignOptions(rounds: rounds ?? Self.defaultRounds[kind]!, seed: seed, outageSeconds: outageSeconds,
                                          changesPerSecond: rate, server: ServerFlavor(rawValue: server),
                                          profile: CampaignProfile(rawValue: profile)!, snapshotRows: snapshotRows, withoutGTIDs: withoutGTIDs,
                                          progress: { line($0) })
            let result = try Campaign.run(kind, options: options)
            line("\(result)")
            results.append(result)
        }
        line("")
        line("| campaign | rounds | seconds | committed | found | lost | duplicated | out of order | unexpected | snapshot | secrets | result |")
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |")
        for result in results {
            let delivery = result.delivery
            line("| \(result.kind.rawValue) | \(result.rounds) | \(Int(result.seconds.rounded())) | \(delivery.expected) | \(delivery.found) "
                  + "| \(delivery.lost) | \(delivery.duplicated) | \(delivery.orderViolations) | \(delivery.unexpected) "
                  + "| \(result.snapshot.map(snapshotCell) ?? "-") "
                  + "| \(result.secretLeaks.isEmpty ? "none leaked" : "LEAKED") | \(result.passed ? "passed" : "FAILED") |")
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode.failure }
    }
}

/// The snapshot campaign's check in a table cell: `1000000 rows equal, 2 read twice`.
private func snapshotCell(_ report: SnapshotReport) -> String {
    (report.completed ? "" : "not completed, ") + "\(report.sourceRows) rows " + (report.differences == nil ? "equal" : "DIFFER")
        + ", \(report.rowsReadTwice) read twice"
}

/// Writes one line to stdout unbuffered, so progress shows as it happens also when piped to a file.
private func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
