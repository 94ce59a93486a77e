import ReliabilityCampaigns
import Testing

/// The short version of each reliability campaign (a few rounds; `binlogo-campaign` runs the long
/// ones). Each runs against servers of its own while a writer commits a mixed workload, and the
/// checker compares every committed change with what reached Kafka.
@Suite(.serialized) struct CampaignTests {
    private func run(_ kind: CampaignKind, rounds: Int, outageSeconds: Double = 30) throws -> CampaignResult {
        let result = try Campaign.run(kind, options: CampaignOptions(rounds: rounds, seed: 7, outageSeconds: outageSeconds))
        #expect(result.delivery.expected > 500, "the writer committed a real workload: \(result)")
        #expect(result.delivery.lost == 0, "\(result)")
        #expect(result.delivery.unexpected == 0, "\(result)")
        #expect(result.delivery.orderViolations == 0, "\(result)")
        #expect(result.findings.isEmpty, "\(result)")
        #expect(result.secretLeaks.isEmpty, "\(result)")
        return result
    }

    @Test func killNineAtRandomDuringCheckpointsAndDuringReloads() throws {
        _ = try run(.crash, rounds: 6)
    }

    @Test func sigtermAndSighupCyclesRepeatNothing() throws {
        let result = try run(.graceful, rounds: 4)
        #expect(result.delivery.duplicated == 0, "\(result)")
    }

    @Test func databaseRestartKillOutageAndRotation() throws {
        let result = try run(.database, rounds: 4, outageSeconds: 5)
        #expect(result.delivery.duplicated == 0, "\(result)")
        #expect(result.writerResolutions >= 1, "the restart broke the writer's connection at least once: \(result)")
    }

    @Test func kafkaFaultsWithTheIdempotentProfileRepeatNothing() throws {
        let result = try run(.kafka, rounds: 4)
        #expect(result.delivery.duplicated == 0, "\(result)")
    }

    @Test func readOnlyAndFullStateDirectoryKeepTheLastCheckpoint() throws {
        let result = try run(.disk, rounds: 2)
        #expect(result.delivery.duplicated == 0, "\(result)")
    }
}
