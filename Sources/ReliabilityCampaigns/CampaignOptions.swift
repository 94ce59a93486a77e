import TestBench

/// How long and how hard a campaign runs.
public struct CampaignOptions: Sendable {
    public var rounds: Int
    public var seed: UInt64
    /// How long the database campaign keeps the server unreachable in its outage rounds.
    public var outageSeconds: Double
    /// The writer's pace.
    public var changesPerSecond: Int
    /// Progress lines (round by round), for the command line; tests leave it quiet.
    public var progress: @Sendable (String) -> Void
    /// The server the campaign streams from; nil for the test bench's server under test (`BINLOGO_TEST_SERVER`).
    public var server: ServerFlavor?
    /// The pipeline's delivery profile, and with it the broker: the mock cluster for `idempotent`, a broker
    /// with real transactions for `exactly_once`, read back as a read_committed consumer.
    public var profile: CampaignProfile
    /// The rows in `items` before the daemon starts, for the snapshot campaign to read.
    public var snapshotRows: Int
    /// MySQL with `gtid_mode=OFF` (its default) instead of ON: positions by file, and snapshot chunks
    /// bracketed by rows in the signal table.
    public var withoutGTIDs: Bool

    public init(rounds: Int, seed: UInt64 = 1, outageSeconds: Double = 30, changesPerSecond: Int = 400,
                server: ServerFlavor? = nil, profile: CampaignProfile = .idempotent, snapshotRows: Int = 1_000_000,
                withoutGTIDs: Bool = false, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.server = server
        self.snapshotRows = snapshotRows
        self.withoutGTIDs = withoutGTIDs
        self.profile = profile
        self.rounds = rounds
        self.seed = seed
        self.outageSeconds = outageSeconds
        self.changesPerSecond = changesPerSecond
        self.progress = progress
    }
}

/// The delivery profiles the campaigns run with.
public enum CampaignProfile: String, CaseIterable, Sendable {
    case idempotent
    case exactlyOnce = "exactly_once"
}
