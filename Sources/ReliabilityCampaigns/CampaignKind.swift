import TestBench

/// The fault campaigns: the five of the reliability issue, and kill -9 and other faults during a snapshot.
public enum CampaignKind: String, CaseIterable, Sendable {
    /// `kill -9` of the daemon at random moments, during checkpoint writes and during reloads (and, under
    /// `exactly_once`, inside large transactions).
    case crash
    /// SIGTERM and restart, and SIGHUP with a changed pipeline: nothing lost and nothing repeated.
    case graceful
    /// MariaDB restarted, the replication connection killed, the server unreachable, the binlog rotated.
    case database
    /// Brokers down and up, request errors, throttled responses, round trips of seconds; under
    /// `exactly_once`, the transactional broker restarted and paused.
    case kafka
    /// The state directory read-only or full when a checkpoint is due.
    case disk
    /// `kill -9` of the daemon at moments spread over an initial snapshot of a large table (and in reloads
    /// during it), while the writer changes the table: the table rebuilt from the topic must equal the
    /// source's, and under `exactly_once` no row is read twice.
    case snapshot
    /// Faults during an initial snapshot of a large table while the writer changes it: the server restarted,
    /// the snapshot's connection killed, the replication connection killed, a Kafka broker down (under
    /// `exactly_once`, the snapshot's connection killed again): the snapshot and the stream connect again and
    /// go on; nothing lost, nothing repeated.
    case snapshotFaults = "snapshot-faults"

    /// Whether the campaign's table is filled first and read by an initial snapshot.
    var takesSnapshot: Bool { self == .snapshot || self == .snapshotFaults }

    /// Whether repeats are allowed: only a crash may repeat changes after the last stored checkpoint, and
    /// not even a crash under `exactly_once`.
    public func allowsDuplicates(_ profile: CampaignProfile) -> Bool {
        (self == .crash || self == .snapshot) && profile != .exactlyOnce
    }

    func makeFaults(options: CampaignOptions) -> any CampaignFaults {
        switch self {
        case .crash: return DaemonCrashFaults(largeTransactions: options.profile == .exactlyOnce)
        case .graceful: return GracefulCycleFaults()
        case .database: return DatabaseFaults(outageSeconds: options.outageSeconds)
        case .kafka where options.profile == .exactlyOnce: return BrokerProcessFaults()
        case .kafka: return KafkaFaults()
        case .disk: return DiskFaults()
        case .snapshot: return SnapshotCrashFaults(rows: options.snapshotRows, rounds: options.rounds)
        case .snapshotFaults: return SnapshotFaults(rows: options.snapshotRows, rounds: options.rounds)
        }
    }
}

/// One campaign's faults: `round` injects one fault (and undoes it) while the writer writes.
protocol CampaignFaults {
    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws
}
