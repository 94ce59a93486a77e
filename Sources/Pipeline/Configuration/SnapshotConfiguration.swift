/// Whether a pipeline loads the rows its tables already hold, and how (`snapshot:` in the configuration).
public struct SnapshotConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Only changes: the rows already in the tables are not read.
        case never
        /// At the pipeline's first start (no position stored yet), every included table's rows, read in
        /// primary-key chunks while the stream goes on; a restart goes on from the last acknowledged chunk.
        case initial
    }

    public var mode: Mode
    /// Rows per chunk: the most a snapshot holds in memory at once, and the rows one SELECT reads.
    public var chunkRows: Int
    /// At most this many rows a second (spreads the snapshot's load on the server); nil for no limit.
    public var rowsPerSecond: Int?
    /// The table (`database.table`) in the source whose inserted rows ask a running pipeline for a snapshot
    /// of chosen tables, or cancel one (`SnapshotSignal`); nil for none.
    public var signalTable: String?

    public init(mode: Mode = .never, chunkRows: Int = 10_000, rowsPerSecond: Int? = nil, signalTable: String? = nil) {
        self.mode = mode
        self.chunkRows = chunkRows
        self.rowsPerSecond = rowsPerSecond
        self.signalTable = signalTable
    }

    /// Whether the pipeline may take a snapshot: at its first start, or when its signal table asks.
    public var mayTakeSnapshots: Bool { mode != .never || signalTable != nil }
}
