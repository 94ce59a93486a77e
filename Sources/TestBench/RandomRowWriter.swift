import Foundation
import Synchronization

/// Changes the rows of `table`, keyed by `id INT` with a column `v INT NOT NULL` (others nullable), on a thread of its own until stopped, each change
/// its own transaction: `UPDATE … SET v = v + 1`, `DELETE` and `INSERT` of a new id, a third each, on
/// ids drawn from the seed, for tests where the table must change the whole time something reads it.
public final class RandomRowWriter: Sendable {
    private let database: TestDatabase
    private let table: String
    private let firstNewID: Int
    private let seed: UInt64
    private let pause: Double
    private let running = Atomic<Bool>(true)
    private let writes = Atomic<Int>(0)
    private let done = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - firstNewID: the first id it inserts (ids below it may exist).
    ///   - pause: seconds between two changes.
    public init(database: TestDatabase, table: String, firstNewID: Int, seed: UInt64, pause: Double = 0) {
        self.database = database
        self.table = table
        self.firstNewID = firstNewID
        self.seed = seed
        self.pause = pause
    }

    public func start() {
        Thread { [self] in
            defer { done.signal() }
            guard let connection = try? database.connect() else { return }
            var generator = SeededGenerator(seed: seed)
            var nextID = firstNewID
            while running.load(ordering: .relaxed) {
                let id = Int.random(in: 1...nextID, using: &generator)
                let statement: String
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: statement = "UPDATE \(table) SET v = v + 1 WHERE id = \(id)"
                case 1: statement = "DELETE FROM \(table) WHERE id = \(id)"
                default:
                    statement = "INSERT INTO \(table) (id, v) VALUES (\(nextID), 0)"
                    nextID += 1
                }
                if (try? connection.execute(statement)) != nil { writes.add(1, ordering: .relaxed) }
                if pause > 0 { Thread.sleep(forTimeInterval: pause) }
            }
        }.start()
    }

    /// Stops after the change in progress; returns how many changes succeeded.
    @discardableResult
    public func stop() -> Int {
        running.store(false, ordering: .relaxed)
        done.wait()
        return writes.load(ordering: .relaxed)
    }
}
