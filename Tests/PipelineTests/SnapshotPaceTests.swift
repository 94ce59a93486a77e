@testable import Pipeline
import Foundation
import Testing

/// `rows_per_second` holds a snapshot to its rate, and time it spent not reading is not made up with a burst.
@Suite struct SnapshotPaceTests {
    @Test func aStallIsNotMadeUpWithABurst() {
        var pace = SnapshotPace(rowsPerSecond: 10_000)
        pace.wait(after: 100, isStopping: { false })
        Thread.sleep(forTimeInterval: 1.5)  // the server was gone
        pace.wait(after: 100, isStopping: { false })  // behind by more than a second: the schedule starts again
        let began = Date()
        for _ in 0..<3 { pace.wait(after: 1_000, isStopping: { false }) }
        let seconds = Date().timeIntervalSince(began)
        #expect(seconds >= 0.25, "3,000 rows at 10,000 a second took \(seconds) s after the stall")
    }
}
