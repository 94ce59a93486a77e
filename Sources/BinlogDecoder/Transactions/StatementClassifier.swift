/// What a QUERY event's statement does, as far as the transaction assembler is concerned.
enum StatementRole: Equatable {
    case begin, commit, savepoint
    case xaStart, xaEnd
    case xaCommit(xid: String, onePhase: Bool)
    case xaRollback(xid: String)
    /// CREATE/ALTER/DROP/RENAME USER, GRANT, REVOKE, SET PASSWORD, …: never published.
    case accountManagement
    /// DDL, with the tables or databases it changes.
    case schemaChange([SchemaTarget])
    /// Neither a row nor a schema change (FLUSH, ANALYZE TABLE, …).
    case other
}

enum StatementClassifier {
    static func classify(_ statement: String, database: String) -> StatementRole {
        let words = statement.split(whereSeparator: { $0.isWhitespace || $0 == ";" }).prefix(3).map { $0.uppercased() }
        switch words.first {
        case "BEGIN": return .begin
        case "COMMIT": return .commit
        case "ROLLBACK": return words.count > 1 && words[1] == "TO" ? .savepoint : .commit
        case "SAVEPOINT", "RELEASE": return .savepoint
        case "XA":
            let rest = statement.drop(while: { $0.isWhitespace }).dropFirst(2).drop(while: { $0.isWhitespace })
                .drop(while: { !$0.isWhitespace }).trimmingSpaces
            switch words.count > 1 ? words[1] : "" {
            case "START", "BEGIN": return .xaStart
            case "END": return .xaEnd
            case "COMMIT":
                let onePhase = rest.uppercased().hasSuffix("ONE PHASE")
                return .xaCommit(xid: onePhase ? String(rest.dropLast("ONE PHASE".count)).trimmingSpaces : rest, onePhase: onePhase)
            case "ROLLBACK": return .xaRollback(xid: rest)
            default: return .other
            }
        case "GRANT", "REVOKE": return .accountManagement
        case "SET": return words.count > 1 && words[1].hasPrefix("PASSWORD") ? .accountManagement : .other
        case "CREATE", "ALTER", "DROP", "RENAME":
            if words.count > 1 && (words[1] == "USER" || words[1] == "ROLE") { return .accountManagement }
            return .schemaChange([])
        case "TRUNCATE": return .schemaChange([])
        default: return .other
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
