/// What a change message says about where it comes from, beside the row itself.
public struct MessageContext: Sendable {
    public var pipelineName: String
    /// Columns left out of messages, per `database.table` as configured (secrets such as password hashes).
    public var excludedColumns: [String: Set<String>] {
        didSet { exclusions = Self.exclusions(excludedColumns, caseInsensitive: tableNamesAreCaseInsensitive) }
    }
    /// Whether the server compares table names in any case (`lower_case_table_names` 1 or 2): `excludedColumns`
    /// then names its tables in any case too.
    public var tableNamesAreCaseInsensitive = false {
        didSet { exclusions = Self.exclusions(excludedColumns, caseInsensitive: tableNamesAreCaseInsensitive) }
    }
    /// `excludedColumns` as matched: keys in lower case when table names are case-insensitive.
    private var exclusions: [String: ExcludedColumns]

    /// The columns left out of `qualifiedName`'s messages; nil when none are, without hashing the name
    /// when no table has any (the common case, once per row).
    public func excluded(in qualifiedName: String) -> ExcludedColumns? {
        guard !exclusions.isEmpty else { return nil }
        return exclusions[tableNamesAreCaseInsensitive ? qualifiedName.lowercased() : qualifiedName]
    }

    public init(pipelineName: String, excludedColumns: [String: Set<String>] = [:]) {
        self.pipelineName = pipelineName
        self.excludedColumns = excludedColumns
        exclusions = Self.exclusions(excludedColumns, caseInsensitive: false)
    }

    private static func exclusions(_ configured: [String: Set<String>], caseInsensitive: Bool) -> [String: ExcludedColumns] {
        // `Shop.Users` and `shop.users` are one table when names are case-insensitive: their columns add up.
        var columns: [String: Set<String>] = [:]
        for (table, names) in configured {
            columns[caseInsensitive ? table.lowercased() : table, default: []].formUnion(names)
        }
        return columns.mapValues { ExcludedColumns($0) }
    }
}
