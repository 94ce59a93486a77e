import BinlogDecoder

/// Which changes a pipeline passes on: `include`/`exclude` patterns on `database.table` with `*`
/// wildcards (exclude wins; no include list means everything), and the change types it keeps.
/// Decisions are cached per table.
public final class ChangeFilter {
    public enum ChangeType: String, Sendable, CaseIterable {
        case insert, update, delete, ddl
    }

    public let include: [String]
    public let exclude: [String]
    public let types: Set<ChangeType>
    /// Whether the server compares table names in any case (`lower_case_table_names` 1 or 2): the patterns
    /// then match names in any case, as the server's own statements do.
    public let tableNamesAreCaseInsensitive: Bool
    private var decisions: [String: Bool] = [:]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(include: [String] = [], exclude: [String] = [], types: Set<ChangeType> = Set(ChangeType.allCases),
                tableNamesAreCaseInsensitive: Bool = false) throws(Invalid) {
        for pattern in include + exclude {
            let parts = pattern.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                  pattern.allSatisfy({ !$0.isWhitespace && $0 != "?" && $0 != "[" }) else {
                throw Invalid(description: "pattern \(pattern) is not DATABASE.TABLE (with * as a wildcard), e.g. shop.* or *.audit_*")
            }
        }
        self.include = include
        self.exclude = exclude
        self.types = types
        self.tableNamesAreCaseInsensitive = tableNamesAreCaseInsensitive
    }

    /// Whether changes of `name` (`database.table`) pass; rows carry the name ready-made, so the
    /// per-row check is one dictionary lookup.
    public func passes(qualifiedName name: String) -> Bool {
        if let known = decisions[name] { return known }
        // Bounded like the router's per-table cache: a server with more tables starts it over.
        if decisions.count >= ChangeRouter.cachedTables { decisions.removeAll(keepingCapacity: true) }
        let fold = { (text: String) in self.tableNamesAreCaseInsensitive ? text.lowercased() : text }
        let decision = (include.isEmpty || include.contains { Self.matches(fold($0), fold(name)) })
            && !exclude.contains { Self.matches(fold($0), fold(name)) }
        decisions[name] = decision
        return decision
    }

    /// Whether the rows of `event` pass: their change type and their table.
    public func passes(_ event: RowsEvent) -> Bool {
        let type: ChangeType
        switch event.kind {
        case .read: return passes(qualifiedName: event.table.qualifiedName)  // asked for: no type filter
        case .insert: type = .insert
        case .update: type = .update
        case .delete: type = .delete
        }
        return types.contains(type) && passes(qualifiedName: event.table.qualifiedName)
    }

    /// Whether a DDL statement passes: `ddl` is among the types and a table it changes passes (a change
    /// to a whole database passes when an include pattern's database part matches it and no exclude
    /// pattern excludes the whole database).
    public func passes(_ change: SchemaChange) -> Bool {
        guard types.contains(.ddl) else { return false }
        return change.targets.contains { target in
            if target.table != nil { return passes(qualifiedName: target.description) }
            let database = target.database
            return (include.isEmpty || include.contains { Self.matches(String($0.prefix { $0 != "." }), database) })
                && !exclude.contains { $0.hasSuffix(".*") && Self.matches(String($0.dropLast(2)), database) }
        }
    }

    /// `*` matches any run of characters, everything else itself.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern.utf8), text = Array(text.utf8)
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if p < pattern.count && pattern[p] == text[t] {
                p += 1
                t += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
