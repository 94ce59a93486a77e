import TestBench

/// The five fault campaigns of the reliability issue.
public enum CampaignKind: String, CaseIterable, Sendable {
    /// `kill -9` of the daemon at random moments, during checkpoint writes and during reloads.
    case crash
    /// SIGTERM and restart, and SIGHUP with a changed pipeline: nothing lost and nothing repeated.
    case graceful
    /// MariaDB restarted, the replication connection killed, the server unreachable, the binlog rotated.
    case database
    /// Brokers down and up, request errors, throttled responses, round trips of seconds.
    case kafka
    /// The state directory read-only or full when a checkpoint is due.
    case disk

    /// Whether repeats are allowed: only a crash may repeat changes after the last stored checkpoint.
    public var allowsDuplicates: Bool { self == .crash }

    func makeFaults(options: CampaignOptions) -> any CampaignFaults {
        switch self {
        case .crash: return DaemonCrashFaults()
        case .graceful: return GracefulCycleFaults()
        case .database: return DatabaseFaults(outageSeconds: options.outageSeconds)
        case .kafka: return KafkaFaults()
        case .disk: return DiskFaults()
        }
    }
}

/// One campaign's faults: `round` injects one fault (and undoes it) while the writer writes.
protocol CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws
}
