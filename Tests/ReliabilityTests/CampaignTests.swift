import ReliabilityCampaigns
import TestBench
import Testing

/// The short version of each reliability campaign (a few rounds; `binlogo-campaign` runs the long
/// ones). Each runs against servers of its own while a writer commits a mixed workload, and the
/// checker compares every committed change with what reached Kafka.
@Suite(.serialized) struct CampaignTests {
    /// Runs the campaign short; it passes when nothing was lost, reordered or unexpected, nothing was
    /// repeated outside the crash campaign, no round noted a problem and no password leaked.
    @discardableResult
    private func run(_ kind: CampaignKind, rounds: Int, outageSeconds: Double = 30,
                     profile: CampaignProfile = .idempotent, snapshotRows: Int = 0, withoutGTIDs: Bool = false) throws -> CampaignResult {
        let result = try Campaign.run(kind, options: CampaignOptions(rounds: rounds, seed: 7, outageSeconds: outageSeconds,
                                                                     profile: profile, snapshotRows: snapshotRows, withoutGTIDs: withoutGTIDs))
        #expect(result.delivery.expected > 500, "the writer committed a real workload: \(result)")
        #expect(result.passed, "\(result)")
        return result
    }

    @Test func killNineAtRandomDuringCheckpointsAndDuringReloads() throws {
        try run(.crash, rounds: 6)
    }

    @Test func sigtermAndSighupCyclesRepeatNothing() throws {
        try run(.graceful, rounds: 4)
    }

    @Test func databaseRestartKillOutageAndRotation() throws {
        let result = try run(.database, rounds: 4, outageSeconds: 5)
        #expect(result.writerResolutions >= 1, "the restart broke the writer's connection at least once: \(result)")
    }

    @Test func kafkaFaultsWithTheIdempotentProfileRepeatNothing() throws {
        try run(.kafka, rounds: 4)
    }

    /// kill -9 at moments spread over the initial snapshot of 60,000 rows the writer changes meanwhile: the
    /// table rebuilt from the topic equals the source's.
    @Test func killNineDuringASnapshotLosesNoRow() throws {
        let result = try run(.snapshot, rounds: 3, snapshotRows: 60_000)
        #expect(result.snapshot?.reads ?? 0 > 50_000, "\(result)")
        #expect(result.snapshot?.resumedStarts ?? 0 >= 1, "a restart went on from the stored cursor: \(result)")
    }

    /// The server restarted, the snapshot's and the replication connection killed and a broker down during
    /// the snapshot: the snapshot connects again and goes on; nothing lost, nothing repeated.
    @Test func faultsDuringASnapshotLoseAndRepeatNothing() throws {
        let result = try run(.snapshotFaults, rounds: 4, snapshotRows: 60_000)
        #expect(result.snapshot?.rowsReadTwice == 0 && result.delivery.duplicated == 0, "\(result)")
    }

    @Test func readOnlyAndFullStateDirectoryKeepTheLastCheckpoint() throws {
        try run(.disk, rounds: 2)
    }

    /// Under exactly_once not even a crash repeats a change: kill -9 at random, at checkpoints, in reloads
    /// and inside a large transaction published in parts.
    @Test func exactlyOnceKillNineRepeatsNothing() throws {
        let result = try run(.crash, rounds: 4, profile: .exactlyOnce)
        #expect(result.delivery.duplicated == 0)
    }

    /// Under exactly_once each chunk and the cursor past it are one Kafka transaction: killed during the
    /// snapshot, the daemon reads no row twice.
    @Test func exactlyOnceKillNineDuringASnapshotReadsNoRowTwice() throws {
        let result = try run(.snapshot, rounds: 3, profile: .exactlyOnce, snapshotRows: 60_000)
        #expect(result.snapshot?.rowsReadTwice == 0 && result.delivery.duplicated == 0, "\(result)")
        #expect(result.snapshot?.resumedStarts ?? 0 >= 1, "a restart went on from the committed cursor: \(result)")
    }

    /// The same on MySQL's default, GTIDs off, where each chunk is bracketed by two rows in the signal table.
    @Test func exactlyOnceKillNineDuringASnapshotWithoutGTIDs() throws {
        guard try ServerFlavor.underTest == .mysql else { return }
        let result = try run(.snapshot, rounds: 3, profile: .exactlyOnce, snapshotRows: 60_000, withoutGTIDs: true)
        #expect(result.snapshot?.rowsReadTwice == 0 && result.delivery.duplicated == 0, "\(result)")
        #expect(result.snapshot?.resumedStarts ?? 0 >= 1, "a restart went on from the committed cursor: \(result)")
    }

    @Test func exactlyOnceSigtermAndSighupCycles() throws {
        try run(.graceful, rounds: 4, profile: .exactlyOnce)
    }

    @Test func exactlyOnceDatabaseFaults() throws {
        try run(.database, rounds: 4, outageSeconds: 5, profile: .exactlyOnce)
    }

    @Test func exactlyOnceBrokerRestartedAndPaused() throws {
        try run(.kafka, rounds: 3, profile: .exactlyOnce)
    }
}
