import BinlogDecoder
import MySQLSource
import TestBench

/// The change messages of one database, read back from the sandbox server's binlog through the
/// replication stream, decoded and encoded exactly as binlogo does, then parsed for assertions.
enum CapturedChanges {
    static func read(_ database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> [TestJSON] {
        let connection = try database.sandbox.connect()
        let checksum: FormatDescription.Checksum = try connection.queryValue("SELECT @@global.binlog_checksum") == "CRC32" ? .crc32 : .none
        let stream = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 10_000...1_000_000),
                                                 start: start, nonBlocking: true)
        var decoder = BinlogDecoder(binlogFile: start.file, checksum: checksum)
        var tracker = TransactionTracker()
        var messages: [TestJSON] = []
        let writer = JSONWriter()
        let context = MessageContext(pipelineName: "test")
        let emit: (TransactionTracker.Change) throws -> Void = { change in
            writer.reset()
            switch change {
            case let .row(event, row, placement):
                guard event.table.database == database.name else { return }
                try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: context, to: writer)
            case let .ddl(query, file, position, placement):
                guard query.database == database.name else { return }
                ChangeMessageEncoder.writeDDL(query, file: file, position: position, placement: placement, context: context, to: writer)
            }
            messages.append(try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self)))
        }
        while let decoded = try stream.next({ bytes in try decoder.decode(bytes) }) {
            try tracker.consume(decoded, emit: emit)
        }
        try tracker.finish(xid: nil, emit: emit)
        return messages
    }
}
