/// The outcome of one campaign: the checker's counts and anything the rounds saw go wrong.
public struct CampaignResult: Sendable, CustomStringConvertible {
    public let kind: CampaignKind
    public let profile: CampaignProfile
    public let rounds: Int
    public let seconds: Double
    public let delivery: DeliveryReport
    /// Writer transactions whose connection failed and whose outcome was read back from the table.
    public let writerResolutions: Int
    /// Problems seen during the rounds (an unclean exit, a torn checkpoint, a failure not reported).
    public let findings: [String]
    /// Places where the configured password showed up (logs, /status, /metrics): must be empty.
    public let secretLeaks: [String]
    /// The snapshot campaign's table check.
    public let snapshot: SnapshotReport?

    public var passed: Bool {
        delivery.lost == 0 && delivery.unexpected == 0 && delivery.orderViolations == 0
            && (kind.allowsDuplicates(profile) || delivery.duplicated == 0) && findings.isEmpty && secretLeaks.isEmpty
            && snapshot.map { $0.completed && $0.differences == nil && (kind.allowsDuplicates(profile) || $0.rowsReadTwice == 0) } ?? true
    }

    public var description: String {
        "\(kind.rawValue) (\(profile.rawValue)): \(rounds) rounds in \(Int(seconds.rounded())) s; \(delivery); writer resolutions \(writerResolutions)"
            + (snapshot.map { "; \($0)" } ?? "")
            + (findings.isEmpty ? "" : "; findings: " + findings.joined(separator: "; "))
            + (secretLeaks.isEmpty ? "" : "; SECRET LEAKED in " + secretLeaks.joined(separator: ", "))
            + (passed ? "; PASSED" : "; FAILED")
    }
}
