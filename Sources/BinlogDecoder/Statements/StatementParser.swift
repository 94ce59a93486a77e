/// Classifies the SQL text of binlog QUERY events: transaction control, XA, account management
/// (with a redacted text), DDL with the tables it changes, or other.
///
/// Pure and linear in the text's length: a hand-written lexer over the UTF-8 bytes, no regular
/// expressions, no allocation for the BEGIN/COMMIT/ROLLBACK texts the server writes for every
/// transaction. It never traps, whatever the bytes.
public enum StatementParser {
    /// What `text` does. `sessionDatabase` is the QUERY event's database (the session's `USE`,
    /// "" when none): it qualifies every unqualified name. Pass `backslashEscapes: false` when the
    /// event's sql_mode has NO_BACKSLASH_ESCAPES.
    public static func parse(_ text: String, sessionDatabase: String, backslashEscapes: Bool = true) -> Statement {
        if let common = commonStatement(text) { return common }
        var text = text
        return text.withUTF8 { bytes in
            var reader = StatementReader(SQLTokenizer(bytes, backslashEscapes: backslashEscapes), session: sessionDatabase)
            return reader.statement()
        }
    }

    /// `text` with every string literal, X'…'/B'…'/N'…' literal and 0x…/0b… number replaced by
    /// `'<redacted>'`, except the user and host names written as `'user'@'host'`. Safe for any text,
    /// including statements the parser does not understand (comments are kept as written).
    public static func redactingLiterals(in text: String, backslashEscapes: Bool = true) -> String {
        var text = text
        return text.withUTF8 { redactingLiterals(in: $0, backslashEscapes: backslashEscapes) }
    }

    static let begin = Statement.transaction(.begin([]))
    static let commit = Statement.transaction(.commit(TransactionCompletion()))
    static let rollback = Statement.transaction(.rollback(TransactionCompletion()))

    /// The exact texts servers write for every transaction, recognised without lexing.
    private static func commonStatement(_ text: String) -> Statement? {
        let utf8 = text.utf8
        switch utf8.count {
        case 5 where utf8.elementsEqual("BEGIN".utf8): return begin
        case 6 where utf8.elementsEqual("COMMIT".utf8): return commit
        case 8 where utf8.elementsEqual("ROLLBACK".utf8): return rollback
        default: return nil
        }
    }

    static func redactingLiterals(in bytes: UnsafeBufferPointer<UInt8>, backslashEscapes: Bool) -> String {
        let replacement = Array("'<redacted>'".utf8)
        var tokenizer = SQLTokenizer(bytes, backslashEscapes: backslashEscapes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var copied = 0
        var previous = SQLToken(kind: .end, start: 0, end: 0)
        var token = tokenizer.next()
        while token.kind != .end {
            let following = tokenizer.next()
            let isLiteral: Bool
            switch token.kind {
            case .singleQuoted, .doubleQuoted, .prefixedLiteral:
                isLiteral = true
            case .word:
                let first = bytes[token.start]
                let second = token.end - token.start > 2 ? bytes[token.start + 1] | 0x20 : 0
                isLiteral = first == UInt8(ascii: "0") && (second == UInt8(ascii: "x") || second == UInt8(ascii: "b"))
            default:
                isLiteral = false
            }
            let isAccountNamePart = tokenizer.isPunctuation(previous, "@") || tokenizer.isPunctuation(following, "@")
            if isLiteral && !isAccountNamePart {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<token.start]))
                output.append(contentsOf: replacement)
                copied = token.end
            }
            previous = token
            token = following
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<bytes.count]))
        return String(decoding: output, as: UTF8.self)
    }
}

/// The recursive-descent reader behind `StatementParser`: reads only as far into the statement
/// as it needs (a CREATE TABLE's column list is never lexed).
struct StatementReader {
    private var tokens: SQLTokenizer
    private let session: String

    init(_ tokens: SQLTokenizer, session: String) {
        self.tokens = tokens
        self.session = session
    }

    mutating func statement() -> Statement {
        let first = tokens.next()
        guard first.kind == .word else { return .other(OtherStatement(verb: first.kind == .end ? "" : tokens.text(first))) }
        let verb = tokens.text(first, uppercased: true)
        switch verb {
        case "BEGIN":
            if accept("NOT") { return .other(OtherStatement(verb: verb)) }  // BEGIN NOT ATOMIC: a compound statement
            _ = accept("WORK")
            return StatementParser.begin
        case "START":
            guard accept("TRANSACTION") else { return .other(OtherStatement(verb: verb)) }
            return .transaction(.begin(startOptions()))
        case "COMMIT":
            _ = accept("WORK")
            return .transaction(.commit(completion()))
        case "ROLLBACK":
            _ = accept("WORK")
            if accept("TO") {
                _ = accept("SAVEPOINT")
                return .transaction(.rollbackToSavepoint(name() ?? ""))
            }
            return .transaction(.rollback(completion()))
        case "SAVEPOINT":
            return .transaction(.savepoint(name() ?? ""))
        case "RELEASE":
            guard accept("SAVEPOINT") else { return .other(OtherStatement(verb: verb)) }
            return .transaction(.releaseSavepoint(name() ?? ""))
        case "XA":
            return xa()
        case "CREATE":
            return create()
        case "ALTER":
            return alter()
        case "DROP":
            return drop()
        case "RENAME":
            if accept("USER") { return account(.renameUser) }
            guard accept("TABLE") || accept("TABLES") else { return .other(OtherStatement(verb: verb)) }
            var tables: [TableName] = []
            repeat {
                guard let old = tableName() else { break }
                tables.append(old)
                guard accept("TO"), let new = tableName() else { break }
                tables.append(new)
            } while acceptPunctuation(",")
            return ddl(.rename, .table, tables: tables)
        case "TRUNCATE":
            _ = accept("TABLE")
            return ddl(.truncate, .table, tables: tableName().map { [$0] } ?? [])
        case "GRANT":
            return account(.grant)
        case "REVOKE":
            return account(.revoke)
        case "SET":
            if accept("PASSWORD") { return account(.setPassword) }
            if accept("DEFAULT") && accept("ROLE") { return account(.setDefaultRole) }
            if accept("STATEMENT"), skip(toKeyword: "FOR") { return statement() }
            return .other(OtherStatement(verb: verb))
        case "OPTIMIZE", "ANALYZE", "REPAIR", "CHECK", "CHECKSUM":
            _ = accept("NO_WRITE_TO_BINLOG") || accept("LOCAL")
            guard accept("TABLE") || accept("TABLES") else { return .other(OtherStatement(verb: verb)) }
            return .other(OtherStatement(verb: verb, tables: tableList()))
        case "INSERT", "REPLACE":
            while accept("LOW_PRIORITY") || accept("DELAYED") || accept("HIGH_PRIORITY") || accept("IGNORE") {}
            _ = accept("INTO")
            return .other(OtherStatement(verb: verb, tables: tableName().map { [$0] } ?? []))
        case "UPDATE":
            while accept("LOW_PRIORITY") || accept("IGNORE") {}
            guard let table = tableName(), isKeyword(tokens.peek(), "SET") else { return .other(OtherStatement(verb: verb)) }
            return .other(OtherStatement(verb: verb, tables: [table]))
        case "DELETE":
            while accept("LOW_PRIORITY") || accept("QUICK") || accept("IGNORE") {}
            guard accept("FROM"), let table = tableName() else { return .other(OtherStatement(verb: verb)) }
            let next = tokens.peek()
            let single = next.kind == .end || ["WHERE", "ORDER", "LIMIT", "PARTITION", "RETURNING"].contains { isKeyword(next, $0) }
            return .other(OtherStatement(verb: verb, tables: single ? [table] : []))
        default:
            return .other(OtherStatement(verb: verb))
        }
    }

    // MARK: Transactions and XA

    private mutating func startOptions() -> TransactionStartOptions {
        var options: TransactionStartOptions = []
        while true {
            if accept("WITH") {
                _ = accept("CONSISTENT")
                _ = accept("SNAPSHOT")
                options.insert(.withConsistentSnapshot)
            } else if accept("READ") {
                if accept("ONLY") { options.insert(.readOnly) } else if accept("WRITE") { options.insert(.readWrite) }
            } else if !acceptPunctuation(",") {
                return options
            }
        }
    }

    private mutating func completion() -> TransactionCompletion {
        var completion = TransactionCompletion()
        if accept("AND") {
            completion.chain = !accept("NO")
            _ = accept("CHAIN")
        }
        if accept("NO") {
            if accept("RELEASE") { completion.release = false }
        } else if accept("RELEASE") {
            completion.release = true
        }
        return completion
    }

    private mutating func xa() -> Statement {
        let verbToken = tokens.next()
        let action: XAStatement.Action
        if isKeyword(verbToken, "START") || isKeyword(verbToken, "BEGIN") {
            let xid = xid()
            let join = accept("JOIN")
            return .xa(XAStatement(action: .start(join: join, resume: !join && accept("RESUME")), xid: xid))
        } else if isKeyword(verbToken, "END") {
            let xid = xid()
            let suspend = accept("SUSPEND")
            let migrate = suspend && accept("FOR") && accept("MIGRATE")
            return .xa(XAStatement(action: .end(suspend: suspend, forMigrate: migrate), xid: xid))
        } else if isKeyword(verbToken, "PREPARE") {
            action = .prepare
        } else if isKeyword(verbToken, "COMMIT") {
            let xid = xid()
            let onePhase = accept("ONE") && accept("PHASE")
            return .xa(XAStatement(action: .commit(onePhase: onePhase), xid: xid))
        } else if isKeyword(verbToken, "ROLLBACK") {
            action = .rollback
        } else if isKeyword(verbToken, "RECOVER") {
            return .xa(XAStatement(action: .recover, xid: nil))
        } else {
            return .other(OtherStatement(verb: "XA"))
        }
        return .xa(XAStatement(action: action, xid: xid()))
    }

    /// gtrid[, bqual[, formatID]], each string a '…' or "…" string, X'…', B'…', 0x… or 0b….
    private mutating func xid() -> XID? {
        guard let gtrid = xidPart() else { return nil }
        var xid = XID(gtrid: gtrid)
        guard acceptPunctuation(",") else { return xid }
        guard let bqual = xidPart() else { return nil }
        xid.bqual = bqual
        guard acceptPunctuation(",") else { return xid }
        let number = tokens.next()
        guard number.kind == .word, let formatID = Self.integer(tokens.text(number)) else { return nil }
        xid.formatID = formatID
        return xid
    }

    private mutating func xidPart() -> [UInt8]? {
        let token = tokens.peek()
        let value: [UInt8]?
        switch token.kind {
        case .singleQuoted, .doubleQuoted:
            value = tokens.unquoted(token)
        case .prefixedLiteral:
            let content = tokens.unquoted(token)
            switch tokens.bytes[token.start] | 0x20 {
            case UInt8(ascii: "x"): value = content.count % 2 == 0 ? Self.hexBytes(content[...]) : nil
            case UInt8(ascii: "b"): value = Self.bitBytes(content[...])
            default: value = content
            }
        case .word:
            let text = Array(tokens.text(token).utf8)
            guard text.count >= 2, text[0] == UInt8(ascii: "0") else { return nil }
            switch text[1] {
            case UInt8(ascii: "x"): value = Self.hexBytes((text.count % 2 == 0 ? [] : [UInt8(ascii: "0")]) + text[2...])
            case UInt8(ascii: "b"): value = Self.bitBytes(text[2...])
            default: value = nil
            }
        default:
            value = nil
        }
        if value != nil { _ = tokens.next() }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func hexBytes(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// B'0110…' and 0b0110…: bits, right-aligned into bytes.
    private static func bitBytes(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var current: UInt8 = 0
        var bitsInCurrent = (8 - digits.count % 8) % 8
        for digit in digits {
            guard digit == UInt8(ascii: "0") || digit == UInt8(ascii: "1") else { return nil }
            current = current << 1 | (digit - UInt8(ascii: "0"))
            bitsInCurrent += 1
            if bitsInCurrent == 8 {
                out.append(current)
                current = 0
                bitsInCurrent = 0
            }
        }
        return out
    }

    /// A decimal or 0x… formatID.
    private static func integer(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0"), bytes[1] | 0x20 == UInt8(ascii: "x") {
            return Int64(String(decoding: bytes[2...], as: UTF8.self), radix: 16)
        }
        return Int64(text)
    }

    // MARK: CREATE, ALTER, DROP

    private mutating func create() -> Statement {
        let temporary = skipModifiers()
        let object = tokens.next()
        if isKeyword(object, "TABLE") || isKeyword(object, "SEQUENCE") {
            skipIf(exists: false)
            return ddl(.create, isKeyword(object, "TABLE") ? .table : .sequence, temporary: temporary, tables: tableName().map { [$0] } ?? [])
        } else if isKeyword(object, "DATABASE") || isKeyword(object, "SCHEMA") {
            skipIf(exists: false)
            return DDLStatement(action: .create, object: .database, database: name() ?? session, tables: []).statement
        } else if isKeyword(object, "VIEW") {
            skipIf(exists: false)
            return ddl(.create, .view, tables: tableName().map { [$0] } ?? [])
        } else if isKeyword(object, "INDEX") {
            skipIf(exists: false)
            let index = name()
            let table = skip(toKeyword: "ON") ? tableName() : nil
            return ddl(.create, .index, tables: table.map { [$0] } ?? [], objectName: index)
        } else if isKeyword(object, "TRIGGER") {
            skipIf(exists: false)
            let trigger = qualifiedName()
            guard skip(toKeyword: "ON"), let table = qualifiedName() else {
                return ddl(.create, .trigger, tables: [], objectName: trigger?.name, database: trigger?.database)
            }
            let database = table.database ?? trigger?.database ?? session
            return ddl(.create, .trigger, tables: [TableName(database: database, table: table.name)], objectName: trigger?.name)
        } else if let routine = routineObject(object) {
            skipIf(exists: false)
            let routineName = qualifiedName()
            return ddl(.create, routine, tables: [], objectName: routineName?.name, database: routineName?.database)
        } else if isKeyword(object, "USER") {
            return account(.createUser)
        } else if isKeyword(object, "ROLE") {
            return account(.createRole)
        } else if isKeyword(object, "SERVER") {
            return account(.createServer)
        }
        return .other(OtherStatement(verb: "CREATE"))
    }

    private mutating func alter() -> Statement {
        _ = skipModifiers()
        let object = tokens.next()
        if isKeyword(object, "TABLE") || isKeyword(object, "SEQUENCE") {
            skipIf(exists: true)
            guard let table = tableName() else { return ddl(.alter, .table, tables: []) }
            var tables = [table]
            if isKeyword(object, "TABLE"), let renamed = renameTarget() { tables.append(renamed) }
            return ddl(.alter, isKeyword(object, "TABLE") ? .table : .sequence, tables: tables)
        } else if isKeyword(object, "DATABASE") || isKeyword(object, "SCHEMA") {
            let next = tokens.peek()
            let optionWords: [StaticString] = ["DEFAULT", "CHARACTER", "CHARSET", "COLLATE", "ENCRYPTION", "READ", "COMMENT"]
            let namesDatabase = tokens.isName(next) && !optionWords.contains { isKeyword(next, $0) }
            return DDLStatement(action: .alter, object: .database, database: namesDatabase ? name() ?? session : session, tables: []).statement
        } else if isKeyword(object, "VIEW") {
            return ddl(.alter, .view, tables: tableName().map { [$0] } ?? [])
        } else if let routine = routineObject(object) {
            let routineName = qualifiedName()
            return ddl(.alter, routine, tables: [], objectName: routineName?.name, database: routineName?.database)
        } else if isKeyword(object, "USER") {
            return account(.alterUser)
        } else if isKeyword(object, "SERVER") {
            return account(.alterServer)
        }
        return .other(OtherStatement(verb: "ALTER"))
    }

    private mutating func drop() -> Statement {
        let temporary = accept("TEMPORARY")
        let object = tokens.next()
        if isKeyword(object, "TABLE") || isKeyword(object, "TABLES") || isKeyword(object, "SEQUENCE") {
            skipIf(exists: true)
            return ddl(.drop, isKeyword(object, "SEQUENCE") ? .sequence : .table, temporary: temporary, tables: tableList())
        } else if isKeyword(object, "DATABASE") || isKeyword(object, "SCHEMA") {
            skipIf(exists: true)
            return DDLStatement(action: .drop, object: .database, database: name() ?? session, tables: []).statement
        } else if isKeyword(object, "VIEW") {
            skipIf(exists: true)
            return ddl(.drop, .view, tables: tableList())
        } else if isKeyword(object, "INDEX") {
            while accept("ONLINE") || accept("OFFLINE") {}
            skipIf(exists: true)
            let index = name()
            let table = accept("ON") ? tableName() : nil
            return ddl(.drop, .index, tables: table.map { [$0] } ?? [], objectName: index)
        } else if isKeyword(object, "TRIGGER") {
            skipIf(exists: true)
            let trigger = qualifiedName()
            return ddl(.drop, .trigger, tables: [], objectName: trigger?.name, database: trigger?.database)
        } else if let routine = routineObject(object) {
            skipIf(exists: true)
            let routineName = qualifiedName()
            return ddl(.drop, routine, tables: [], objectName: routineName?.name, database: routineName?.database)
        } else if isKeyword(object, "USER") {
            return account(.dropUser)
        } else if isKeyword(object, "ROLE") {
            return account(.dropRole)
        } else if isKeyword(object, "SERVER") {
            return account(.dropServer)
        }
        return .other(OtherStatement(verb: "DROP"))
    }

    private func routineObject(_ token: SQLToken) -> DDLStatement.Object? {
        if isKeyword(token, "PROCEDURE") { return .procedure }
        if isKeyword(token, "FUNCTION") { return .function }
        if isKeyword(token, "EVENT") { return .event }
        return nil
    }

    /// The new name of ALTER TABLE … RENAME [TO|AS] new (not RENAME COLUMN/INDEX/KEY), looked for
    /// outside parentheses.
    private mutating func renameTarget() -> TableName? {
        while skip(toKeyword: "RENAME") {
            let next = tokens.peek()
            if ["COLUMN", "INDEX", "KEY", "CONSTRAINT"].contains(where: { isKeyword(next, $0) }) { continue }
            _ = accept("TO") || accept("AS")
            return tableName()
        }
        return nil
    }

    /// Skips what may stand between CREATE/ALTER and the object's keyword; true when TEMPORARY was among it.
    private mutating func skipModifiers() -> Bool {
        var temporary = false
        while true {
            if accept("OR") {
                _ = accept("REPLACE")
            } else if accept("TEMPORARY") {
                temporary = true
            } else if accept("ALGORITHM") {
                _ = acceptPunctuation("=")
                _ = tokens.next()
            } else if accept("DEFINER") {
                _ = acceptPunctuation("=")
                let user = tokens.next()
                if acceptPunctuation("@") {
                    _ = tokens.next()
                } else if isKeyword(user, "CURRENT_USER") || isKeyword(user, "CURRENT_ROLE"), acceptPunctuation("(") {
                    _ = acceptPunctuation(")")
                }
            } else if accept("SQL") {
                _ = accept("SECURITY")
                _ = tokens.next()
            } else if !(accept("UNIQUE") || accept("FULLTEXT") || accept("SPATIAL") || accept("ONLINE")
                        || accept("OFFLINE") || accept("IGNORE") || accept("AGGREGATE")) {
                return temporary
            }
        }
    }

    /// IF NOT EXISTS (`exists: false`) or IF EXISTS.
    private mutating func skipIf(exists: Bool) {
        guard isKeyword(tokens.peek(), "IF") else { return }
        _ = tokens.next()
        if !exists { _ = accept("NOT") }
        _ = accept("EXISTS")
    }

    // MARK: Names

    private mutating func name() -> String? {
        let token = tokens.peek()
        guard tokens.isName(token) else { return nil }
        _ = tokens.next()
        return tokens.identifier(token)
    }

    /// name or qualifier.name.
    private mutating func qualifiedName() -> (database: String?, name: String)? {
        guard let first = name() else { return nil }
        guard acceptPunctuation(".") else { return (nil, first) }
        guard let second = name() else { return (nil, first) }
        return (first, second)
    }

    private mutating func tableName() -> TableName? {
        qualifiedName().map { TableName(database: $0.database ?? session, table: $0.name) }
    }

    private mutating func tableList() -> [TableName] {
        var tables: [TableName] = []
        repeat {
            guard let table = tableName() else { break }
            tables.append(table)
        } while acceptPunctuation(",")
        return tables
    }

    // MARK: Results

    private func ddl(_ action: DDLStatement.Action, _ object: DDLStatement.Object, temporary: Bool = false,
                     tables: [TableName], objectName: String? = nil, database: String? = nil) -> Statement {
        DDLStatement(action: action, object: object, isTemporary: temporary,
                     database: database ?? tables.first?.database ?? session, tables: tables, objectName: objectName).statement
    }

    private func account(_ kind: AccountStatement.Kind) -> Statement {
        .account(AccountStatement(kind: kind, redacted: StatementParser.redactingLiterals(in: tokens.bytes, backslashEscapes: tokens.backslashEscapes)))
    }

    // MARK: Token helpers

    private func isKeyword(_ token: SQLToken, _ keyword: StaticString) -> Bool {
        tokens.isKeyword(token, keyword)
    }

    private mutating func accept(_ keyword: StaticString) -> Bool {
        guard tokens.isKeyword(tokens.peek(), keyword) else { return false }
        _ = tokens.next()
        return true
    }

    private mutating func acceptPunctuation(_ character: Unicode.Scalar) -> Bool {
        guard tokens.isPunctuation(tokens.peek(), character) else { return false }
        _ = tokens.next()
        return true
    }

    /// Moves past the next `keyword` outside parentheses; false (at the end) when there is none.
    private mutating func skip(toKeyword keyword: StaticString) -> Bool {
        var depth = 0
        while true {
            let token = tokens.next()
            switch token.kind {
            case .end:
                return false
            case .punctuation where tokens.isPunctuation(token, "("):
                depth += 1
            case .punctuation where tokens.isPunctuation(token, ")"):
                depth = max(0, depth - 1)
            case .word where depth == 0 && tokens.isKeyword(token, keyword):
                return true
            default:
                break
            }
        }
    }
}

extension DDLStatement {
    var statement: Statement { .ddl(self) }
}
