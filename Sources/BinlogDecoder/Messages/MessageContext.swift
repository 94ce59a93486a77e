/// What a change message says about where it comes from, beside the row itself.
public struct MessageContext: Sendable {
    public var pipelineName: String
    /// Columns left out of messages, per `database.table` (secrets such as password hashes).
    public var excludedColumns: [String: Set<String>]

    /// The columns left out of `qualifiedName`'s messages; nil when none are, without hashing the name
    /// when no table has any (the common case, once per row).
    public func excluded(in qualifiedName: String) -> Set<String>? {
        excludedColumns.isEmpty ? nil : excludedColumns[qualifiedName]
    }

    public init(pipelineName: String, excludedColumns: [String: Set<String>] = [:]) {
        self.pipelineName = pipelineName
        self.excludedColumns = excludedColumns
    }
}
