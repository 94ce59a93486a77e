import ArgumentParser
import BinlogDecoder
#if canImport(Glibc)
import Glibc
#endif

/// `binlogo dump`: decodes a local binlog file and prints one JSON message per row change
/// (and per DDL statement) on stdout, in the same format as the Kafka output.
struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Decode a local binlog file and print one JSON message per row change and DDL statement."
    )

    @Option(help: "The binlog file to read (as mariadb-binlog reads it).")
    var binlogFile: String

    @Option(help: "Byte offset of the first event to print (an event boundary; default: the first event).")
    var startPosition: Int = 4

    @Option(help: "The pipeline name to put in each message's position.")
    var pipelineName: String = "dump"

    func run() throws {
        do {
            try dump()
        } catch let error as BinlogDecodingError {
            throw CommandFailure("binlogo dump: \(error)")
        } catch let error as BinlogFileReader.Failure {
            throw CommandFailure("binlogo dump: \(error)")
        }
    }

    /// Prints every message up to a failure, then lets the failure through (printed as one line).
    private func dump() throws {
        let reader = try BinlogFileReader(path: binlogFile, startPosition: startPosition)
        var decoder = BinlogDecoder(binlogFile: reader.fileName)
        if startPosition > 4 {
            // Events past the start need the file's format description (checksum, post-header lengths).
            _ = try reader.withFormatDescriptionEvent { bytes in try decoder.decode(bytes, filePosition: 4) }
        }
        let context = MessageContext(pipelineName: pipelineName)
        var changes = ChangeStream()
        // Messages are written straight into one output buffer, flushed to stdout every megabyte.
        let writer = JSONWriter(capacity: 1 << 21)
        let headCache = RowHeadCache()
        let emit: (Change) throws -> Void = { change in
            let start = writer.count
            do {
                switch change {
                case let .row(event, row, placement):
                    try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: context, headCache: headCache,
                                                      to: writer)
                case let .ddl(schemaChange, placement):
                    ChangeMessageEncoder.writeDDL(schemaChange, placement: placement, context: context, to: writer)
                }
            } catch {
                writer.truncate(to: start)  // no half message before the error line
                throw error
            }
            writer.byte(UInt8(ascii: "\n"))
            if writer.count >= 1 << 20 { StandardOutput.write(writer) }
        }
        do {
            let notice: (String) -> Void = { note in StandardError.write("binlogo dump: \(note)") }
            // A compressed transaction (TRANSACTION_PAYLOAD_EVENT) is read as the events inside it.
            while try reader.next({ bytes, offset in
                try decoder.decodeEach(bytes, filePosition: offset) { try changes.consume($0, emit: emit, notice: notice) }
            }) != nil {}
            try changes.finish(emit: emit)
            for xid in changes.preparedXATransactions {
                StandardError.write("binlogo dump: XA transaction \(xid) is prepared and its outcome is not in this file: its rows are not printed")
            }
        } catch {
            // The messages before the failure are printed; the row of a transaction cut off is printed unmarked.
            try? changes.finish(emit: emit)
            StandardOutput.write(writer)
            throw error
        }
        StandardOutput.write(writer)
    }
}

/// Writes whole buffers to file descriptor 1.
enum StandardOutput {
    /// Writes the writer's bytes and empties it.
    static func write(_ writer: JSONWriter) {
        _ = writer.withBytes { writeAll($0, to: 1) }
        writer.reset()
    }
}

/// Writes one line to file descriptor 2.
enum StandardError {
    static func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        _ = bytes.withUnsafeBytes { writeAll($0, to: 2) }
    }
}

/// A failure a person can act on: printed as one line on stderr, exit status 1, no stack trace.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
