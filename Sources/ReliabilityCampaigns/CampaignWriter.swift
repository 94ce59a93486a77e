import Dispatch
import Foundation
import MySQLSource
import Synchronization

/// Applies the campaign's continuous workload on a thread of its own and records every change it
/// knows to be committed in `ledger`.
///
/// When a statement or COMMIT fails (the server restarted, the connection killed, the server
/// unreachable), the writer drops the connection, reconnects, `KILL`s the old connection if the
/// server still runs it (a COMMIT may still sit in its socket buffer), waits until it is gone (its
/// transaction committed or rolled back by then), and reads the touched rows to learn whether the
/// COMMIT happened: the transaction goes to the ledger only if it did. A row state that matches
/// neither side stops the writer with an error, since the campaign could no longer say what was
/// committed.
public final class CampaignWriter: Sendable {
    public let ledger = ChangeLedger()
    private let options: MySQLConnectionOptions
    private let changesPerSecond: Int
    private let seed: UInt64
    private let existingRows: Int
    private let stopRequested = Atomic<Bool>(false)
    /// Set when the campaign ends early: the writer gives up at once, even on an unresolved transaction.
    private let abandoned = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)
    private let retries = Atomic<Int>(0)
    /// Rows of a large transaction asked for and not yet planned (0: none).
    private let largeRequested = Atomic<Int>(0)
    /// Large transactions committed so far.
    private let largeCommitted = Atomic<Int>(0)

    /// `options`: a connection to the campaign's database, where `items` exists, with rows 1…`existingRows`.
    public init(options: MySQLConnectionOptions, changesPerSecond: Int, seed: UInt64, existingRows: Int = 0) {
        self.options = options
        self.changesPerSecond = changesPerSecond
        self.seed = seed
        self.existingRows = existingRows
    }

    /// Asks for one transaction of `rows` inserted rows next; returns how many large ones were committed
    /// before it (wait for `largeTransactionsCommitted` to pass that).
    @discardableResult
    public func requestLargeTransaction(rows: Int) -> Int {
        largeRequested.store(rows, ordering: .relaxed)
        return largeCommitted.load(ordering: .relaxed)
    }

    public var largeTransactionsCommitted: Int { largeCommitted.load(ordering: .relaxed) }

    /// Transactions whose connection failed and were resolved by reading the table back.
    public var resolvedAfterFailure: Int { retries.load(ordering: .relaxed) }

    public func start() {
        started.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            do {
                try run()
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }
        thread.name = "campaign-writer"
        thread.start()
    }

    /// Stops after the transaction in progress; throws what stopped the writer early, if anything.
    public func stop() throws {
        stopRequested.store(true, ordering: .relaxed)
        guard started.load(ordering: .relaxed) else { return }
        finished.wait()
        if let failure = failure.withLock({ $0 }) { throw CampaignError("the writer stopped: \(failure)") }
    }

    /// Makes the thread end without waiting for it, for a campaign that failed midway.
    public func abandon() {
        abandoned.store(true, ordering: .relaxed)
        stopRequested.store(true, ordering: .relaxed)
    }

    /// A connection and the server's id for it (to `KILL` it once it is lost).
    private struct Session {
        let connection: MySQLConnection
        let id: String
    }

    private func connect() -> Session? {
        guard let connection = try? MySQLConnection(options),
              let id = try? connection.queryValue("SELECT CONNECTION_ID()") else { return nil }
        return Session(connection: connection, id: id)
    }

    private func run() throws {
        var planner = WorkloadPlanner(seed: seed, existingRows: existingRows)
        var session = connect()
        let began = Date()
        var written = 0
        while !stopRequested.load(ordering: .relaxed) {
            let large = largeRequested.exchange(0, ordering: .relaxed)
            let transaction = large > 0 ? planner.planLarge(count: large) : planner.plan()
            if let current = session, (try? apply(transaction, on: current.connection)) != nil {
                commit(transaction, planner: &planner)
                if large > 0 { largeCommitted.add(1, ordering: .relaxed) }
            } else {
                let lost = session?.id
                session = nil
                let (reconnected, committed) = try resolve(transaction, lostConnection: lost)
                session = reconnected
                retries.add(1, ordering: .relaxed)
                if committed { commit(transaction, planner: &planner) } else { planner.rollBack(transaction) }
            }
            written += transaction.changes.count
            let due = Double(written) / Double(changesPerSecond) - Date().timeIntervalSince(began)
            if due > 0 { Thread.sleep(forTimeInterval: min(due, 1)) }
        }
    }

    private func apply(_ transaction: WorkloadPlanner.Transaction, on connection: MySQLConnection) throws(MySQLError) {
        try connection.execute("BEGIN")
        for statement in transaction.statements { try connection.execute(statement) }
        try connection.execute("COMMIT")
    }

    private func commit(_ transaction: WorkloadPlanner.Transaction, planner: inout WorkloadPlanner) {
        planner.commit(transaction)
        ledger.record(transaction.changes)
    }

    /// Reconnects (for up to 5 minutes), ends the lost connection for good, and reads the
    /// transaction's rows back: whether it committed.
    private func resolve(_ transaction: WorkloadPlanner.Transaction, lostConnection: String?) throws -> (Session, Bool) {
        let deadline = Date().addingTimeInterval(300)
        while true {
            if abandoned.load(ordering: .relaxed) { throw CampaignError("abandoned") }
            if let session = connect(), (try? endConnection(lostConnection, using: session.connection)) == true,
               let rows = try? session.connection.query(
                   "SELECT id, seq FROM items WHERE id IN (\(transaction.after.keys.map(String.init).joined(separator: ",")))") {
                var found: [Int64: Int32] = [:]
                for row in rows {
                    if let id = row[0].flatMap({ Int64($0) }), let seq = row[1].flatMap({ Int32($0) }) { found[id] = seq }
                }
                let now = transaction.after.keys.reduce(into: [Int64: Int32]()) { $0[$1] = found[$1] ?? 0 }
                if now == transaction.after { return (session, true) }
                if now == transaction.before { return (session, false) }
                throw CampaignError("rows \(now) match neither the transaction's before \(transaction.before) nor after \(transaction.after)")
            }
            guard Date() < deadline else { throw CampaignError("the database stayed unreachable for 5 minutes") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// `KILL`s the connection `id` if the server still runs it and waits (up to a minute) until it is
    /// gone; true once it is.
    private func endConnection(_ id: String?, using connection: MySQLConnection) throws -> Bool {
        guard let id else { return true }
        let listed = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = \(id)"
        if try connection.queryValue(listed) != "0" { try? connection.execute("KILL \(id)") }
        for _ in 0..<600 {
            if try connection.queryValue(listed) == "0" { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
