/// What the SQL text of a binlog QUERY event does, as far as routing, filtering and transaction
/// tracking need to know. Made by `StatementParser.parse(_:sessionDatabase:)`.
public enum Statement: Sendable, Equatable {
    /// BEGIN, COMMIT, ROLLBACK and savepoints.
    case transaction(TransactionControl)
    /// An XA statement, with its transaction's xid.
    case xa(XAStatement)
    /// Account management (users, roles, grants, passwords, federated servers): may carry a
    /// secret in clear, so it must never be published as is; `AccountStatement.redacted` is safe.
    case account(AccountStatement)
    /// A schema change, with the tables (or the database) it changes.
    case ddl(DDLStatement)
    /// Anything else (FLUSH, OPTIMIZE TABLE, SET, INSTALL PLUGIN, DML logged as a statement, …).
    case other(OtherStatement)
}

/// A table (or view or sequence) named by a statement: its database is the statement's qualifier
/// when the name is qualified, else the session database of the QUERY event (which may be "").
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    public var database: String
    public var table: String

    public init(database: String, table: String) {
        self.database = database
        self.table = table
    }

    public var description: String { "\(database).\(table)" }
}

/// Transaction control statements.
public enum TransactionControl: Sendable, Equatable {
    /// BEGIN [WORK], or START TRANSACTION with its options.
    case begin(TransactionStartOptions)
    /// COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE].
    case commit(TransactionCompletion)
    /// ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]: the whole transaction is undone.
    case rollback(TransactionCompletion)
    /// SAVEPOINT name.
    case savepoint(String)
    /// RELEASE SAVEPOINT name.
    case releaseSavepoint(String)
    /// ROLLBACK [WORK] TO [SAVEPOINT] name: only the work after the savepoint is undone, the
    /// transaction goes on.
    case rollbackToSavepoint(String)
}

/// The options of START TRANSACTION (none for BEGIN).
public struct TransactionStartOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let withConsistentSnapshot = TransactionStartOptions(rawValue: 1)
    public static let readOnly = TransactionStartOptions(rawValue: 2)
    public static let readWrite = TransactionStartOptions(rawValue: 4)
}

/// The AND [NO] CHAIN and [NO] RELEASE clauses of COMMIT and ROLLBACK; nil where the statement
/// does not say (the server's completion_type then decides).
public struct TransactionCompletion: Sendable, Hashable {
    public var chain: Bool?
    public var release: Bool?

    public init(chain: Bool? = nil, release: Bool? = nil) {
        self.chain = chain
        self.release = release
    }
}

/// An XA transaction identifier, normalised: `XA START 'a'`, `XA START X'61',X'',1` and
/// `XA START 0x61` name the same transaction and compare equal.
public struct XID: Sendable, Hashable, CustomStringConvertible {
    /// The global transaction id's bytes.
    public var gtrid: [UInt8]
    /// The branch qualifier's bytes (empty when the statement gives none).
    public var bqual: [UInt8]
    /// The format id (1 when the statement gives none).
    public var formatID: Int64

    public init(gtrid: [UInt8], bqual: [UInt8] = [], formatID: Int64 = 1) {
        self.gtrid = gtrid
        self.bqual = bqual
        self.formatID = formatID
    }

    /// The form servers write into the binlog: `X'6731',X'',1` (lower-case hex).
    public var description: String {
        "X'\(Self.hex(gtrid))',X'\(Self.hex(bqual))',\(formatID)"
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An XA statement.
public struct XAStatement: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// XA START|BEGIN xid [JOIN|RESUME].
        case start(join: Bool, resume: Bool)
        /// XA END xid [SUSPEND [FOR MIGRATE]].
        case end(suspend: Bool, forMigrate: Bool)
        /// XA PREPARE xid.
        case prepare
        /// XA COMMIT xid [ONE PHASE].
        case commit(onePhase: Bool)
        /// XA ROLLBACK xid.
        case rollback
        /// XA RECOVER [CONVERT XID] (no xid).
        case recover
    }

    public var action: Action
    /// nil for XA RECOVER, and when the text after the verb is not a valid xid.
    public var xid: XID?

    public init(action: Action, xid: XID?) {
        self.action = action
        self.xid = xid
    }
}

/// An account-management statement. Its text may hold a password or a password hash in clear.
public struct AccountStatement: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case createUser, alterUser, dropUser, renameUser
        case createRole, dropRole
        case grant, revoke
        case setPassword, setDefaultRole
        /// CREATE/ALTER/DROP SERVER (federated and Spider connections, with OPTIONS (PASSWORD …)).
        case createServer, alterServer, dropServer
    }

    public var kind: Kind
    /// The statement with every literal that could be a secret replaced by `'<redacted>'`
    /// (see `StatementParser.redactingLiterals(in:)`): safe to log or publish.
    public var redacted: String

    public init(kind: Kind, redacted: String) {
        self.kind = kind
        self.redacted = redacted
    }
}

/// A schema change and what it changes.
public struct DDLStatement: Sendable, Equatable {
    public enum Action: Sendable, Equatable { case create, alter, drop, rename, truncate }

    public enum Object: Sendable, Equatable {
        case table, database, view, index, trigger, procedure, function, event, sequence
    }

    public var action: Action
    public var object: Object
    /// CREATE/DROP TEMPORARY TABLE.
    public var isTemporary: Bool
    /// The database the statement is about: for CREATE/ALTER/DROP DATABASE the database itself;
    /// for routines, events and a DROP TRIGGER their (qualified or session) database; otherwise
    /// the database of the first table. May be "" when nothing names one and no USE was in effect.
    public var database: String
    /// The tables (or views, sequences) changed, in statement order. RENAME TABLE and
    /// ALTER TABLE … RENAME list each old name followed by its new name. Indexes and triggers list
    /// their table. Empty for database, routine and event statements, and for DROP TRIGGER,
    /// which names only the trigger.
    public var tables: [TableName]
    /// The name of the index, trigger, procedure, function or event; nil for the others.
    public var objectName: String?

    public init(action: Action, object: Object, isTemporary: Bool = false, database: String,
                tables: [TableName], objectName: String? = nil) {
        self.action = action
        self.object = object
        self.isTemporary = isTemporary
        self.database = database
        self.tables = tables
        self.objectName = objectName
    }
}

/// A statement that is neither transaction control, XA, account management nor DDL.
public struct OtherStatement: Sendable, Equatable {
    /// The first keyword, upper-cased ("FLUSH", "OPTIMIZE", "INSERT", …; "" for empty text).
    public var verb: String
    /// The tables it names, where that is easy to tell: the list of OPTIMIZE/ANALYZE/REPAIR/CHECK
    /// TABLE, the target of INSERT/REPLACE/UPDATE/DELETE with a single table; else empty.
    public var tables: [TableName]

    public init(verb: String, tables: [TableName] = []) {
        self.verb = verb
        self.tables = tables
    }
}
