import BinlogDecoder
import MySQLSource
import TestBench

/// The change messages of one database, read back from the sandbox server's binlog through the
/// replication stream, decoded and encoded exactly as binlogo does, then parsed for assertions.
enum CapturedChanges {
    static func read(_ database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> [TestJSON] {
        try messages(SandboxChanges.read(database, from: start))
    }

    /// The changes as parsed messages.
    static func messages(_ changes: [Change]) throws -> [TestJSON] {
        let writer = JSONWriter()
        let context = MessageContext(pipelineName: "test")
        return try changes.map { change in
            writer.reset()
            switch change {
            case let .row(event, row, placement):
                try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: context, to: writer)
            case let .ddl(schemaChange, placement):
                ChangeMessageEncoder.writeDDL(schemaChange, placement: placement, context: context, to: writer)
            }
            return try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self))
        }
    }

    /// How many new JSON documents binlogo built from an old document and MySQL's diffs in these changes' events.
    static func documentsFromJSONDiffs(_ changes: [Change]) -> Int {
        var seen = Set<ObjectIdentifier>()
        return changes.reduce(0) { total, change in
            guard case let .row(event, _, _) = change, seen.insert(ObjectIdentifier(event)).inserted else { return total }
            return total + event.documentsFromJSONDiffs
        }
    }
}
