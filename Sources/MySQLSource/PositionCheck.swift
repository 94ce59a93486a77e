import BinlogDecoder

/// Whether a server can resume a pipeline from `FILE:POSITION`: the file is among the server's binlogs
/// and an event starts exactly there (or the position is the file's end). `binlogo position set` runs it
/// before storing a position, so that a typo is refused instead of breaking the next start.
public enum PositionCheck {
    public enum Outcome: Sendable, Equatable {
        case valid
        /// The server says no; the text names what and the fix.
        case invalid(String)
        /// The server could not be asked (unreachable, refused the login); the text says why.
        case unchecked(String)
    }

    /// Asks the pipeline's server. Reads at most one event, through a dump registered with a server id
    /// of its own (a high random one), so that it never displaces a running replica.
    public static func check(file: String, position: UInt32, source: SourceConfiguration) -> Outcome {
        let connection: MySQLConnection
        do {
            connection = try MySQLConnection(try source.resolvedConnection())
        } catch {
            return .unchecked("\(error)")
        }
        let server = connection.options.endpointDescription
        do {
            let logs = try connection.query("SHOW BINARY LOGS")
            guard let log = logs.first(where: { $0.first == file }) else {
                let names = logs.compactMap { $0.first ?? nil }
                let held = names.isEmpty ? "none" : "\(names.first!) to \(names.last!)"
                return .invalid("\(server) has no binlog \(file) (it has \(held)): give one that SHOW BINARY LOGS lists")
            }
            let size = log.count > 1 ? log[1].flatMap { UInt64($0) } : nil
            guard position >= 4 else { return .invalid("position \(position) is before the first event of \(file) (4)") }
            if let size {
                if UInt64(position) > size {
                    return .invalid("position \(position) is past the end of \(file) (\(size) bytes on \(server))")
                }
                if UInt64(position) == size { return .valid }
            }
            let checksum: FormatDescription.Checksum = try connection.queryValue("SELECT @@global.binlog_checksum") == "CRC32" ? .crc32 : .none
            let stream = try BinlogReplicationStream(connection: connection, serverID: UInt32.random(in: 0x8000_0000...0xFFFF_FFF0),
                                                     start: .init(file: file, position: position), nonBlocking: true)
            var decoder = BinlogDecoder(binlogFile: file, checksum: checksum)
            while true {
                let decoded: DecodedEvent?
                do {
                    decoded = try stream.next { bytes in try decoder.decode(bytes) }
                } catch let error as BinlogDecodingError {
                    return .invalid("\(file):\(position) is not an event boundary (\(error.reason)): take a position SHOW BINLOG EVENTS IN '\(file)' lists")
                }
                guard let decoded else { return .valid }  // the end of the binlog
                if decoded.header.isArtificial || decoded.header.nextPosition == 0 { continue }
                if case .formatDescription = decoded.event, decoded.position != UInt64(position) { continue }
                return decoded.position == UInt64(position)
                    ? .valid
                    : .invalid("\(file):\(position) is not an event boundary: take a position SHOW BINLOG EVENTS IN '\(file)' lists")
            }
        } catch let error as MySQLError {
            if error.code == 1236 {
                // The file exists and the position is inside it: the server cannot read an event there.
                return .invalid("\(file):\(position) is not an event boundary (\(server) says: \(error.message)): take a position SHOW BINLOG EVENTS IN '\(file)' lists")
            }
            return .unchecked("\(error)")
        } catch {
            return .unchecked("\(error)")
        }
    }
}
