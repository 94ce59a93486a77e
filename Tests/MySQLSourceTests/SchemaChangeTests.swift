import Foundation
import MySQLSource
import TestBench
import Testing

/// ALTER TABLE between writes: every row change carries the column names true when it was
/// written, whether the server logs them (binlog_row_metadata=FULL) or binlogo reads them from
/// information_schema (MINIMAL), as long as the source keeps up with the writes.
@Suite(.serialized) struct SchemaChangeTests {
    private func run(on sandbox: MariaDBSandbox) throws {
        let database = try TestDatabase.create(prefix: "alter", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT UNSIGNED)")
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .current), database: database.name)
        defer { recorder.stop() }
        Thread.sleep(forTimeInterval: 0.5)

        let steps: [(alter: String?, insert: String, expected: String)] = [
            (nil, "INSERT INTO t VALUES (1, 'x', 4294967295)", "{\"id\":1,\"a\":\"x\",\"b\":4294967295}"),
            ("ALTER TABLE t ADD COLUMN c ENUM('p','q') AFTER a", "INSERT INTO t VALUES (2, 'y', 'q', 7)",
             "{\"id\":2,\"a\":\"y\",\"c\":\"q\",\"b\":7}"),
            ("ALTER TABLE t DROP COLUMN a", "INSERT INTO t VALUES (3, 'p', 8)", "{\"id\":3,\"c\":\"p\",\"b\":8}"),
            ("ALTER TABLE t MODIFY COLUMN b INT UNSIGNED FIRST", "INSERT INTO t (id, c, b) VALUES (4, 'q', 9)",
             "{\"b\":9,\"id\":4,\"c\":\"q\"}"),
        ]
        for (index, step) in steps.enumerated() {
            if let alter = step.alter { try connection.execute(alter) }
            try connection.execute(step.insert)
            #expect(recorder.wait { $0.count >= index + 1 }, "step \(index + 1)")
        }
        #expect(recorder.changes.map(\.row) == steps.map(\.expected))
        #expect(recorder.ddl.filter { $0.hasPrefix("ALTER TABLE") }.count == 3, "DDL is reported downstream")
    }

    @Test func withFullRowMetadata() throws {
        try run(on: try MariaDBSandbox.shared())
    }

    @Test func withMinimalRowMetadataFromInformationSchema() throws {
        let sandbox = try MariaDBSandbox.start(options: ["--binlog-row-metadata=MINIMAL"])
        defer { try? sandbox.stop() }
        try run(on: sandbox)
    }

    /// What can go wrong without FULL metadata: a source behind an ALTER finds information_schema
    /// describing a table the old events do not match. With a different column count it names
    /// columns @1, @2, … rather than guess (see Docs/operations.md).
    @Test func staleInformationSchemaNamesColumnsByPosition() throws {
        let sandbox = try MariaDBSandbox.start(options: ["--binlog-row-metadata=MINIMAL"])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "stale", on: sandbox)
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT)")
        let start = try connection.currentBinlogPosition()
        try connection.execute("INSERT INTO t VALUES (1, 'x', 2)")
        try connection.execute("ALTER TABLE t DROP COLUMN a")
        try connection.execute("INSERT INTO t VALUES (2, 3)")
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .file(start.file, position: start.position)),
                                      database: database.name)
        defer { recorder.stop() }
        #expect(recorder.wait { $0.count >= 2 })
        #expect(recorder.changes.map(\.row) == ["{\"@1\":1,\"@2\":\"x\",\"@3\":2}", "{\"id\":2,\"b\":3}"])
    }
}
