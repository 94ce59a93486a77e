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

    public init(rounds: Int, seed: UInt64 = 1, outageSeconds: Double = 30, changesPerSecond: Int = 400,
                progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.rounds = rounds
        self.seed = seed
        self.outageSeconds = outageSeconds
        self.changesPerSecond = changesPerSecond
        self.progress = progress
    }
}
