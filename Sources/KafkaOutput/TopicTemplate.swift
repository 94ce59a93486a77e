/// The topic of a message: a template with `{pipeline}`, `{database}` and `{table}`, and per-table
/// overrides (`database.table` → topic). Resolved topics are cached per table.
public struct TopicTemplate: Sendable, Equatable {
    public var template: String
    public var overrides: [String: String]
    /// Whether `overrides` name their tables in any case (the server's `lower_case_table_names` is 1 or 2).
    public private(set) var tableNamesAreCaseInsensitive = false
    /// `overrides` by their names in lower case, when those are case-insensitive.
    private var foldedOverrides: [String: String] = [:]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ template: String = "{pipeline}", overrides: [String: String] = [:]) throws(Invalid) {
        for candidate in [template] + overrides.values {
            var rest = Substring(candidate)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else {
                    throw Invalid(description: "topic \(candidate): unclosed {")
                }
                let name = rest[rest.index(after: open)..<close]
                guard ["pipeline", "database", "table"].contains(name) else {
                    throw Invalid(description: "topic \(candidate): unknown placeholder {\(name)} (use {pipeline}, {database}, {table})")
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        self.template = template
        self.overrides = overrides
    }

    /// The same template, its overrides matching table names in any case.
    public func matchingTableNamesInAnyCase() -> TopicTemplate {
        var folded = self
        folded.tableNamesAreCaseInsensitive = true
        folded.foldedOverrides = Dictionary(overrides.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        return folded
    }

    /// The topic for a change of `database.table` in `pipeline`.
    public func topic(pipeline: String, database: String, table: String) -> String {
        let source = (tableNamesAreCaseInsensitive ? foldedOverrides["\(database).\(table)".lowercased()] : overrides["\(database).\(table)"])
            ?? template
        return source.replacing("{pipeline}", with: pipeline)
            .replacing("{database}", with: database)
            .replacing("{table}", with: table)
    }

    /// The topic of a change to a whole database (CREATE/ALTER/DROP DATABASE, routines, events): the
    /// template without `{table}` and one separator (`.`, `_` or `-`) next to it, so
    /// `binlogo.{database}.{table}` gives `binlogo.shop` and `{pipeline}` stays the pipeline's topic; a
    /// template of `{table}` alone gives the pipeline's name.
    public func databaseTopic(pipeline: String, database: String) -> String {
        var source = template
        let separators: Set<Character> = [".", "_", "-"]
        while let range = source.range(of: "{table}") {
            var lower = range.lowerBound, upper = range.upperBound
            if lower > source.startIndex, separators.contains(source[source.index(before: lower)]) {
                lower = source.index(before: lower)
            } else if upper < source.endIndex, separators.contains(source[upper]) {
                upper = source.index(after: upper)
            }
            source.replaceSubrange(lower..<upper, with: "")
        }
        let topic = source.replacing("{pipeline}", with: pipeline).replacing("{database}", with: database)
        // A template that is `{table}` alone leaves nothing: such changes go to the pipeline's name.
        return topic.isEmpty ? pipeline : topic
    }
}
