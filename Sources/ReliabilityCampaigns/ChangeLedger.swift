import Synchronization

/// Every change the writer knows to be committed, in commit order; shared between the writer
/// thread and the campaign.
public final class ChangeLedger: Sendable {
    private let committed = Mutex<[RowChange]>([])

    public init() {}

    func record(_ changes: [RowChange]) {
        committed.withLock { $0.append(contentsOf: changes) }
    }

    public var changes: [RowChange] { committed.withLock { $0 } }
    public var count: Int { committed.withLock { $0.count } }
}
