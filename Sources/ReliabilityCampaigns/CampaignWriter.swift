import Dispatch
import Foundation
import MySQLSource
import Synchronization

/// Applies the campaign's continuous workload on a thread of its own and records every change it
/// knows to be committed in `ledger`.
///
/// When a statement or COMMIT fails (the server restarted, the connection killed, the server
/// unreachable), the writer drops the connection (the server rolls an open transaction back),
/// reconnects, and reads the touched rows to learn whether the COMMIT happened: the transaction
/// goes to the ledger only if it did. A row state that matches neither side stops the writer with
/// an error, since the campaign could no longer say what was committed.
public final class CampaignWriter: Sendable {
    public let ledger = ChangeLedger()
    private let options: MySQLConnectionOptions
    private let changesPerSecond: Int
    private let seed: UInt64
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)
    private let retries = Atomic<Int>(0)

    /// `options`: a connection to the campaign's database, where `items` exists.
    public init(options: MySQLConnectionOptions, changesPerSecond: Int, seed: UInt64) {
        self.options = options
        self.changesPerSecond = changesPerSecond
        self.seed = seed
    }

    /// Transactions whose connection failed and were resolved by reading the table back.
    public var resolvedAfterFailure: Int { retries.load(ordering: .relaxed) }

    public func start() {
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
        finished.wait()
        if let failure = failure.withLock({ $0 }) { throw CampaignError("the writer stopped: \(failure)") }
    }

    private func run() throws {
        var planner = WorkloadPlanner(seed: seed)
        var connection: MySQLConnection? = try? MySQLConnection(options)
        let began = Date()
        var written = 0
        while !stopRequested.load(ordering: .relaxed) {
            let transaction = planner.plan()
            if let current = connection, (try? apply(transaction, on: current)) != nil {
                commit(transaction, planner: &planner)
            } else {
                connection = nil
                let (reconnected, committed) = try resolve(transaction)
                connection = reconnected
                retries.add(1, ordering: .relaxed)
                if committed { commit(transaction, planner: &planner) } else { planner.rollBack(transaction) }
            }
            written += transaction.changes.count
            let due = Double(written) / Double(changesPerSecond) - Date().timeIntervalSince(began)
            if due > 0 { usleep(UInt32(min(due, 1) * 1_000_000)) }
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

    /// Reconnects (for up to 5 minutes) and reads the transaction's rows back: whether it committed.
    private func resolve(_ transaction: WorkloadPlanner.Transaction) throws -> (MySQLConnection, Bool) {
        let deadline = Date().addingTimeInterval(300)
        while true {
            if let connection = try? MySQLConnection(options),
               let rows = try? connection.query("SELECT id, seq FROM items WHERE id IN (\(transaction.after.keys.map(String.init).joined(separator: ",")))") {
                var found: [Int64: Int32] = [:]
                for row in rows {
                    if let id = row[0].flatMap({ Int64($0) }), let seq = row[1].flatMap({ Int32($0) }) { found[id] = seq }
                }
                let now = transaction.after.keys.reduce(into: [Int64: Int32]()) { $0[$1] = found[$1] ?? 0 }
                if now == transaction.after { return (connection, true) }
                if now == transaction.before { return (connection, false) }
                throw CampaignError("rows \(now) match neither the transaction's before \(transaction.before) nor after \(transaction.after)")
            }
            guard Date() < deadline else { throw CampaignError("the database stayed unreachable for 5 minutes") }
            usleep(200_000)
        }
    }
}
