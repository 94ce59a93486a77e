/// The topic of a message: a template with `{pipeline}`, `{database}` and `{table}`, and per-table
/// overrides (`database.table` → topic). Resolved topics are cached per table.
public struct TopicTemplate: Sendable, Equatable {
    public var template: String
    public var overrides: [String: String]

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

    /// The topic for a change of `database.table` in `pipeline`.
    public func topic(pipeline: String, database: String, table: String) -> String {
        let source = overrides["\(database).\(table)"] ?? template
        return source.replacing("{pipeline}", with: pipeline)
            .replacing("{database}", with: database)
            .replacing("{table}", with: table)
    }
}
