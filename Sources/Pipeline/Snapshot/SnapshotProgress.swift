/// Where a pipeline's snapshot stands, for `/status` and `binlogo status`.
public struct SnapshotProgress: Sendable, Equatable {
    /// `reading`, or `done`.
    public var state: String
    /// The table being read (`database.table`), and the tables after it.
    public var table: String?
    public var tablesLeft: Int
    /// Rows read of the table so far in this run, and the server's estimate of its total.
    public var tableRows: Int
    public var tableEstimatedRows: Int?
    /// Rows read by this run, over all tables.
    public var rows: Int
    public var rowsPerSecond: Double
    /// The time left for the table at the current rate, when its size is estimated.
    public var secondsLeft: Double?

    public init(state: String, table: String? = nil, tablesLeft: Int = 0, tableRows: Int = 0, tableEstimatedRows: Int? = nil,
                rows: Int = 0, rowsPerSecond: Double = 0, secondsLeft: Double? = nil) {
        self.state = state
        self.table = table
        self.tablesLeft = tablesLeft
        self.tableRows = tableRows
        self.tableEstimatedRows = tableEstimatedRows
        self.rows = rows
        self.rowsPerSecond = rowsPerSecond
        self.secondsLeft = secondsLeft
    }
}
