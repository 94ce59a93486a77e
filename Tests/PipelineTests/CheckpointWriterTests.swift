@testable import Pipeline
import Foundation
import Logging
import Metrics
import MySQLSource
import Testing

/// Where a pipeline without a checkpoint starts reading is on disk before it reads its first event, and
/// the start never replaces a position written since.
@Suite struct CheckpointWriterTests {
    private func writer(directory: String) throws -> (CheckpointWriter, CheckpointStore) {
        try CheckpointStore.prepare(directory: directory)
        let store = CheckpointStore(directory: directory, pipeline: "p")
        let writer = CheckpointWriter(store: store, loaded: try store.load(), logger: Logger(label: "test"),
                                      failures: Counter(label: "binlogo_test_checkpoint_failures"), onSaved: { _ in })
        return (writer, store)
    }

    @Test func theStartIsStoredBeforeWriteStartReturns() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-ckptw-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (writer, store) = try writer(directory: directory)
        let start = SourcePosition(file: "binlog.000003", position: 4, gtid: "0-1-10")
        writer.writeStart(start)
        #expect(try store.load() == start, "the start is on disk once writeStart returns")

        // A second dump start (a reconnect) does not move it; an acknowledged position does.
        writer.writeStart(SourcePosition(file: "binlog.000003", position: 900, gtid: "0-1-12"))
        #expect(try store.load() == start)
        let acknowledged = SourcePosition(file: "binlog.000003", position: 500, gtid: "0-1-11")
        writer.write(acknowledged: acknowledged)
        #expect(try store.load() == acknowledged)
        writer.writeStart(start)
        #expect(try store.load() == acknowledged, "a start never replaces a position written since")

        // A restarted pipeline that loaded a checkpoint keeps it.
        let (restarted, _) = try self.writer(directory: directory)
        restarted.writeStart(SourcePosition(file: "binlog.000009", position: 4, gtid: "0-1-90"))
        #expect(try store.load() == acknowledged)
    }
}
