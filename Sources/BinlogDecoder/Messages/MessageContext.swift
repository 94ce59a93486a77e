/// What a change message says about where it comes from, beside the row itself.
public struct MessageContext: Sendable {
    public var pipelineName: String
    /// Columns left out of messages, per `database.table` (secrets such as password hashes).
    public var excludedColumns: [String: Set<String>]

    public init(pipelineName: String, excludedColumns: [String: Set<String>] = [:]) {
        self.pipelineName = pipelineName
        self.excludedColumns = excludedColumns
    }
}
