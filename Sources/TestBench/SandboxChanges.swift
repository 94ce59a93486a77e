import BinlogDecoder
import MySQLSource

/// The changes of one database (its rows and its DDL), read from a sandbox server's binlog through
/// the replication stream and tracked into transactions exactly as binlogo does; table maps logged
/// without column names (binlog_row_metadata MINIMAL or NO_LOG) are completed from
/// information_schema as the source completes them.
public enum SandboxChanges {
    public static func read(_ database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> [TransactionTracker.Change] {
        let connection = try database.sandbox.connect()
        let checksum: FormatDescription.Checksum = try connection.queryValue("SELECT @@global.binlog_checksum") == "CRC32" ? .crc32 : .none
        let stream = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: checksum)
        var tracker = TransactionTracker()
        var changes: [TransactionTracker.Change] = []
        let schema = SchemaCache(connectionOptions: database.sandbox.connectionOptions())
        let collect: (TransactionTracker.Change) -> Void = { change in
            switch change {
            case let .row(event, _, _): if event.table.database == database.name { changes.append(change) }
            case let .ddl(query, _, _, _): if query.database == database.name { changes.append(change) }
            }
        }
        while let decoded = try stream.next({ try decoder.decode($0) }) {
            switch decoded.event {
            case .tableMap(var table) where !table.hasColumnNames && table.database == database.name:
                if try schema.complete(&table) { decoder.updateTable(table) }
            case .query(let query) where TransactionTracker.classify(query.statement) == .ddl:
                schema.invalidate()
            default:
                break
            }
            tracker.consume(decoded, emit: collect)
        }
        tracker.finish(xid: nil, emit: collect)
        return changes
    }
}
