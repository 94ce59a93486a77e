/// What the checker found in Kafka compared with what the writer committed.
public struct DeliveryReport: Sendable, CustomStringConvertible {
    /// Changes the writer committed.
    public var expected = 0
    /// Committed changes found at least once.
    public var found = 0
    /// Committed changes not found: must be 0.
    public var lost = 0
    /// Extra copies of changes already found (at-least-once repeats after a crash).
    public var duplicated = 0
    /// Changes found that the writer never committed: must be 0.
    public var unexpected = 0
    /// Changes whose first copy arrived after a later change of the same row: must be 0.
    public var orderViolations = 0
    /// Row-change messages read from the topic.
    public var messages = 0
    /// A few examples of each kind of problem, for the failure message.
    public var samples: [String] = []

    public var description: String {
        "expected \(expected), found \(found), lost \(lost), duplicated \(duplicated), unexpected \(unexpected), "
            + "order violations \(orderViolations) (\(messages) messages)"
            + (samples.isEmpty ? "" : "; e.g. " + samples.joined(separator: "; "))
    }
}
