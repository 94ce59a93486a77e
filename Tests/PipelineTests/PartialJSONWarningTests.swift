@testable import BinlogDecoder
import Foundation
import KafkaOutput
import Logging
@testable import Pipeline
import Synchronization
import TestBench
import Testing

/// A pipeline reading MySQL's partial JSON updates logged without the old document
/// (`binlog_row_image=MINIMAL`) says so in its log once per table, and publishes the changes MySQL logged.
@Suite struct PartialJSONWarningTests {
    @Test func diffsWithoutTheOldDocumentAreNamedOncePerTable() throws {
        let database = try TestDatabase.create(prefix: "pjwarn", on: SandboxServer.shared(.mysql))
        let connection = try database.connect()
        try connection.execute("SET SESSION binlog_row_value_options = 'PARTIAL_JSON'")
        let start = try connection.currentBinlogPosition()
        for table in ["minimal_a", "minimal_b", "full"] {
            try connection.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, doc JSON)")
            try connection.execute("INSERT INTO \(table) VALUES (1, JSON_OBJECT('pad', REPEAT('p', 300), 'n', 1)), (2, JSON_OBJECT('pad', REPEAT('p', 300), 'n', 2))")
        }
        for table in ["minimal_a", "minimal_b", "full"] {
            try connection.execute("SET SESSION binlog_row_image = '\(table == "full" ? "FULL" : "MINIMAL")'")
            for round in 1...3 { try connection.execute("UPDATE \(table) SET doc = JSON_SET(doc, '$.n', \(round * 10))") }
        }
        let events = try SandboxChanges.read(database, from: start).compactMap { change -> RowsEvent? in
            guard case let .row(event, row, _) = change, row == 0, event.kind == .update else { return nil }
            return event
        }
        #expect(events.count == 9 && events.filter { !$0.unappliedJSONDiffs.isEmpty }.count == 6)

        let sink = LogLines()
        let logger = Logger(label: "test") { _ in CapturingHandler(sink: sink) }
        let router = ChangeRouter(pipeline: "pj", topic: try TopicTemplate("t"), key: .primaryKey, headers: false,
                                  context: MessageContext(pipelineName: "pj"))
        var reader = PipelineReader(filter: try ChangeFilter(include: ["\(database.name).*"]), router: router,
                                    metrics: PipelineMetrics(pipeline: "pj"), logger: logger)
        var token: UInt64 = 0
        var values: [String] = []
        for event in events {
            var steps = TransactionSteps()
            steps.append(.rows(event, TransactionContext(gtid: "", rowsBefore: 0, timestamp: 0, serverID: 1)))
            steps.append(.commit(TransactionEnd(xid: nil)))
            values += try reader.messages(for: steps) { token += 1; return token }.map { String(decoding: $0.value, as: UTF8.self) }
        }
        let warnings = sink.lines.withLock { $0 }.filter { $0.level == .warning }
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.map { $0.metadata["table"]?.description } == ["\(database.name).minimal_a", "\(database.name).minimal_b"])
        #expect(warnings.allSatisfy { $0.message.contains("data.json_diffs") && $0.message.contains("SET PERSIST binlog_row_image = 'FULL'") })
        #expect(values.count == 18)
        #expect(values.filter { $0.contains(#""json_diffs":{"doc":[{"op":"replace","path":"$.n","value":"#) }.count == 12, "\(values)")
    }
}
