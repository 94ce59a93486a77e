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
    private var decisions: [String: Bool] = [:]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(include: [String] = [], exclude: [String] = [], types: Set<ChangeType> = Set(ChangeType.allCases)) throws(Invalid) {
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
    }

    /// Whether changes of `name` (`database.table`) pass; rows carry the name ready-made, so the
    /// per-row check is one dictionary lookup.
    private func passes(qualifiedName name: String) -> Bool {
        if let known = decisions[name] { return known }
        let decision = (include.isEmpty || include.contains { Self.matches($0, name) }) && !exclude.contains { Self.matches($0, name) }
        decisions[name] = decision
        return decision
    }

    public func passes(_ change: TransactionTracker.Change) -> Bool {
        switch change {
        case let .row(event, _, _):
            let type: ChangeType
            switch event.kind {
            case .insert: type = .insert
            case .update: type = .update
            case .delete: type = .delete
            }
            return types.contains(type) && passes(qualifiedName: event.table.qualifiedName)
        case let .ddl(query, _, _, _):
            // DDL is kept by type and by its database (its table is not parsed from the statement).
            return types.contains(.ddl) && (include.isEmpty || include.contains { Self.matches(String($0.prefix { $0 != "." }), query.database) })
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

extension TransactionTracker.Change {
    /// `database.table` of a row change; the database of a DDL statement.
    var qualifiedTable: String {
        switch self {
        case let .row(event, _, _): return event.table.qualifiedName
        case let .ddl(query, _, _, _): return query.database
        }
    }
}
