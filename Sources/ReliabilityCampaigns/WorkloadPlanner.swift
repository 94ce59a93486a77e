import TestBench

/// Plans the campaign writer's transactions over `items (id BIGINT PRIMARY KEY, seq INT, note VARCHAR)`
/// and keeps the committed state of every row, so that each change is known before it is made.
///
/// A transaction mixes inserts of new ids, updates and deletes of live rows (1–4 statements), and
/// now and then one multi-row INSERT of 20–50 rows. Ids are never reused and a transaction never
/// deletes a row it inserted, so every transaction changes the state of each row it touches and
/// its outcome can be read back from the table after a lost connection.
struct WorkloadPlanner {
    struct Transaction {
        var statements: [String] = []
        var changes: [RowChange] = []
        /// Each touched row's `seq` before and after the transaction (0: no such row).
        var before: [Int64: Int32] = [:]
        var after: [Int64: Int32] = [:]
    }

    private var random: SeededGenerator
    private var nextID: Int64 = 1
    private var liveIDs: [Int64] = []
    private var liveIndex: [Int64: Int] = [:]
    private var seqs: [Int64: Int32] = [:]

    /// `existingRows`: rows 1…n already in the table with `seq` 1 (the snapshot campaign's), which the
    /// workload updates and deletes like its own.
    init(seed: UInt64, existingRows: Int = 0) {
        random = SeededGenerator(seed: seed)
        if existingRows > 0 {
            liveIDs = Array(1...Int64(existingRows))
            liveIndex.reserveCapacity(existingRows)
            seqs.reserveCapacity(existingRows)
            for (index, id) in liveIDs.enumerated() {
                liveIndex[id] = index
                seqs[id] = 1
            }
            nextID = Int64(existingRows) + 1
        }
    }

    /// The rows `init(existingRows:)` assumes, for `INSERT INTO items … SELECT seq, … FROM numbers(…)`.
    static func existingRow(id: String) -> String { "\(id), 1, CONCAT('existing ', \(id))" }

    static let createTable = "CREATE TABLE items (id BIGINT PRIMARY KEY, seq INT NOT NULL, note VARCHAR(64) NOT NULL)"

    mutating func plan() -> Transaction {
        var transaction = Transaction()
        if Int.random(in: 0..<20, using: &random) == 0 {
            let count = Int.random(in: 20...50, using: &random)
            var values: [String] = []
            for _ in 0..<count {
                let id = newID(&transaction)
                values.append("(\(id), 1, 'bulk \(id)')")
            }
            transaction.statements.append("INSERT INTO items (id, seq, note) VALUES " + values.joined(separator: ", "))
            return transaction
        }
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 50 || liveIDs.isEmpty {
                let id = newID(&transaction)
                transaction.statements.append("INSERT INTO items (id, seq, note) VALUES (\(id), 1, 'new \(id)')")
            } else if roll < 85 {
                let id = liveIDs[Int.random(in: 0..<liveIDs.count, using: &random)]
                let seq = (transaction.after[id] ?? seqs[id]!) + 1
                if transaction.before[id] == nil { transaction.before[id] = seqs[id]! }
                transaction.after[id] = seq
                transaction.changes.append(RowChange(id: id, seq: seq, kind: .update))
                transaction.statements.append("UPDATE items SET seq = \(seq), note = 'update \(seq)' WHERE id = \(id)")
            } else {
                // Live rows are committed ones, so never a row this transaction inserted or already deleted.
                let id = liveIDs[Int.random(in: 0..<liveIDs.count, using: &random)]
                let seq = transaction.after[id] ?? seqs[id]!
                if transaction.before[id] == nil { transaction.before[id] = seqs[id]! }
                transaction.after[id] = 0
                transaction.changes.append(RowChange(id: id, seq: seq, kind: .delete))
                transaction.statements.append("DELETE FROM items WHERE id = \(id)")
                removeLive(id)
            }
        }
        return transaction
    }

    /// One multi-row INSERT of `count` new rows with notes of 60 characters: a transaction larger than
    /// the campaign's 1 MiB look-ahead once `count` passes about 15,000.
    mutating func planLarge(count: Int) -> Transaction {
        var transaction = Transaction()
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            let id = newID(&transaction)
            values.append("(\(id), 1, 'large \(id) \(String(repeating: "x", count: 40))')")
        }
        transaction.statements.append("INSERT INTO items (id, seq, note) VALUES " + values.joined(separator: ", "))
        return transaction
    }

    /// The transaction committed: its rows take their new state. (Walks `changes`, not the
    /// dictionaries, so that the live rows' order, and with it the workload, follows the seed alone.)
    mutating func commit(_ transaction: Transaction) {
        for change in transaction.changes {
            switch change.kind {
            case .insert:
                addLive(change.id)
                seqs[change.id] = change.seq
            case .update:
                seqs[change.id] = change.seq
            case .delete:
                seqs[change.id] = nil
            }
        }
    }

    /// The transaction did not commit: rows it deleted are live again.
    mutating func rollBack(_ transaction: Transaction) {
        for change in transaction.changes where change.kind == .delete {
            addLive(change.id)
        }
    }

    private mutating func newID(_ transaction: inout Transaction) -> Int64 {
        let id = nextID
        nextID += 1
        transaction.before[id] = 0
        transaction.after[id] = 1
        transaction.changes.append(RowChange(id: id, seq: 1, kind: .insert))
        return id
    }

    private mutating func addLive(_ id: Int64) {
        liveIndex[id] = liveIDs.count
        liveIDs.append(id)
    }

    private mutating func removeLive(_ id: Int64) {
        guard let index = liveIndex.removeValue(forKey: id) else { return }
        let last = liveIDs.removeLast()
        if last != id {
            liveIDs[index] = last
            liveIndex[last] = index
        }
    }
}
