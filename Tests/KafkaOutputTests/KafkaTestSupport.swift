import BinlogDecoder
import Foundation
import KafkaOutput
import MySQLSource
import Synchronization
import TestBench

/// A delivery tracker with a Sendable box, plus waiting helpers for tests.
final class TrackedDeliveries: Sendable {
    let tracker: DeliveryTracker<Int>
    private let errors = Mutex<[KafkaError]>([])

    init(acceptsLoss: Bool = false) {
        tracker = DeliveryTracker<Int>(acceptsLoss: acceptsLoss)
    }

    var onDelivery: @Sendable (UInt64, KafkaError?) -> Void {
        { [self] token, error in
            if let error {
                errors.withLock { $0.append(error) }
                tracker.fail(token, error)
            } else {
                tracker.acknowledge(token)
            }
        }
    }

    var reportedErrors: [KafkaError] { errors.withLock { $0 } }

    /// Waits until nothing is in flight, at most `seconds`.
    func waitUntilSettled(seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if tracker.inFlight == 0 { return true }
            if tracker.failure != nil && tracker.inFlight <= tracker.failedCount { return true }
            usleep(10_000)
        }
        return false
    }
}

/// The changes of one database, read from the shared sandbox's binlog.
enum SandboxChanges {
    static func read(_ database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> [TransactionTracker.Change] {
        let connection = try database.sandbox.connect()
        let stream = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: .crc32)
        var tracker = TransactionTracker()
        var changes: [TransactionTracker.Change] = []
        let collect: (TransactionTracker.Change) -> Void = { change in
            if case .row(let event, _, _) = change, event.table.database == database.name { changes.append(change) }
        }
        while let decoded = try stream.next({ try decoder.decode($0) }) {
            tracker.consume(decoded, emit: collect)
        }
        tracker.finish(xid: nil, emit: collect)
        return changes
    }
}
