import BinlogDecoder
import MySQLSource

/// The changes of one database (its rows and its DDL), read from a sandbox server's binlog through
/// the replication stream and assembled into transactions exactly as binlogo does; table maps logged
/// without column names (binlog_row_metadata MINIMAL or NO_LOG) are completed from
/// information_schema as the source completes them.
public enum SandboxChanges {
    public static func read(_ database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> [Change] {
        let connection = try database.sandbox.connect()
        let checksum: FormatDescription.Checksum = try connection.queryValue("SELECT @@global.binlog_checksum") == "CRC32" ? .crc32 : .none
        let replication = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: checksum)
        var stream = ChangeStream()
        var changes: [Change] = []
        let schema = SchemaCache(connectionOptions: database.sandbox.connectionOptions())
        let collect: (Change) -> Void = { change in
            switch change {
            case let .row(event, _, _): if event.table.database == database.name { changes.append(change) }
            case let .ddl(schemaChange, _):
                if schemaChange.targets.contains(where: { $0.database == database.name }) { changes.append(change) }
            }
        }
        while let outer = try replication.next({ try decoder.decode($0) }) {
            // A compressed transaction is read as the events inside it, as the source reads it.
            var next: DecodedEvent? = outer.event.isTransactionPayload ? try decoder.nextPayloadEvent() : outer
            while let decoded = next {
                switch decoded.event {
                case .tableMap(var table) where !table.hasColumnNames && table.database == database.name:
                    if try schema.complete(&table) { decoder.updateTable(table) }
                case .query(let query):
                    if case .ddl = StatementParser.parse(query.statement, sessionDatabase: query.database) { schema.invalidate() }
                default:
                    break
                }
                try stream.consume(decoded, emit: collect)
                next = try decoder.nextPayloadEvent()
            }
        }
        stream.finish(emit: collect)
        return changes
    }
}
