import CMariaDB

/// A binlog dump session over a `MySQLConnection`: libmariadb's `MARIADB_RPL` for a
/// COM_BINLOG_DUMP from a file position or after MariaDB GTIDs, or a COM_BINLOG_DUMP_GTID
/// that binlogo sends itself for a MySQL GTID set.
///
/// Registers as a replica that understands checksums, MariaDB GTIDs and
/// ANNOTATE_ROWS, then hands out each event's raw bytes, from the 19-byte common
/// header to the checksum, exactly as they are in the binlog file. `next` blocks
/// reading the socket: call it from a thread of its own, never from Swift's
/// cooperative pool.
public final class BinlogReplicationStream {
    /// Where a dump starts: a binlog file and byte offset (4 is the first event).
    public struct Start: Sendable, Equatable {
        public var file: String
        public var position: UInt32
        public init(file: String, position: UInt32 = 4) {
            self.file = file
            self.position = position
        }
    }

    private let connection: MySQLConnection
    /// libmariadb's handle of a COM_BINLOG_DUMP; nil for a COM_BINLOG_DUMP_GTID, which binlogo sends itself.
    private let replication: UnsafeMutablePointer<MARIADB_RPL>?

    /// Opens the dump.
    /// - Parameters:
    ///   - serverID: the replica id this client registers with; unique among the server's replicas.
    ///   - heartbeatSeconds: the server sends a heartbeat after this much quiet, so a silent server is told from a dead one.
    ///   - nonBlocking: end the stream at the current end of the binlog instead of waiting for more.
    ///   - mariaDBGTID: start after these MariaDB GTIDs (`@slave_connect_state`) instead of at `start`.
    ///   - mysqlGTIDs: (MySQL) start with the first transaction not in this set (COM_BINLOG_DUMP_GTID): the
    ///     server finds the file and skips the transactions the set holds; `start` is ignored.
    public init(
        connection: MySQLConnection,
        serverID: UInt32,
        start: Start,
        heartbeatSeconds: Double = 5,
        nonBlocking: Bool = false,
        mariaDBGTID: String? = nil,
        mysqlGTIDs: MySQLGTIDSet? = nil
    ) throws(MySQLError) {
        self.connection = connection
        try connection.execute("SET @master_binlog_checksum = @@global.binlog_checksum, @source_binlog_checksum = @@global.binlog_checksum")
        // 4 = MARIA_SLAVE_CAPABILITY_GTID: the server sends GTID events and ANNOTATE_ROWS as they are.
        try connection.execute("SET @mariadb_slave_capability = 4")
        let heartbeatNanoseconds = UInt64(heartbeatSeconds * 1_000_000_000)
        try connection.execute("SET @master_heartbeat_period = \(heartbeatNanoseconds), @source_heartbeat_period = \(heartbeatNanoseconds)")
        if let mysqlGTIDs {
            replication = nil
            try Self.sendDumpGTID(connection, serverID: serverID, gtids: mysqlGTIDs, nonBlocking: nonBlocking)
            return
        }
        var start = start
        if let gtid = mariaDBGTID {
            try connection.execute("SET @slave_connect_state = '\(gtid)'")
            try connection.execute("SET @slave_gtid_strict_mode = 0")
            try connection.execute("SET @slave_gtid_ignore_duplicates = 0")
            start = Start(file: "", position: 4)
        }

        guard let replication = cmariadb_rpl_init(connection.handle) else {
            throw connection.lastError(context: "start replication from \(connection.options.endpointDescription)")
        }
        self.replication = replication
        var flags = UInt32(MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS)
        if nonBlocking { flags |= UInt32(MARIADB_RPL_BINLOG_DUMP_NON_BLOCK) }
        cmariadb_rpl_set_server_id(replication, serverID)
        cmariadb_rpl_set_flags(replication, flags)
        cmariadb_rpl_set_start_position(replication, UInt(start.position))
        _ = start.file.withCString { cmariadb_rpl_set_filename(replication, $0, strlen($0)) }
        guard mariadb_rpl_open(replication) == 0 else {
            // Not closed here: every stored property is set, so deinit runs and closes it (closing it here
            // too freed it twice when a stop shut the socket down under the dump request).
            throw connection.lastError(
                context: "open the binlog dump at \(start.file):\(start.position) on \(connection.options.endpointDescription)")
        }
    }

    /// COM_BINLOG_DUMP_GTID: command 0x1e, flags (2 bytes: 0x04 BINLOG_THROUGH_GTID, 0x01 non-blocking),
    /// server id (4), file name length (4, here 0), file name, position (8, here 4), the encoded set's
    /// length (4) and the set; little-endian.
    private static func sendDumpGTID(_ connection: MySQLConnection, serverID: UInt32, gtids: MySQLGTIDSet,
                                     nonBlocking: Bool) throws(MySQLError) {
        let set = gtids.encoded
        var packet: [UInt8] = []
        func append<Value: FixedWidthInteger>(_ value: Value) {
            withUnsafeBytes(of: value.littleEndian) { packet += $0 }
        }
        append(UInt16(0x04 | (nonBlocking ? 0x01 : 0)))
        append(serverID)
        append(UInt32(0))
        append(UInt64(4))
        append(UInt32(set.count))
        packet += set
        let sent = packet.withUnsafeBufferPointer { cmariadb_send_command(connection.handle, 0x1e, $0.baseAddress, $0.count) }
        guard sent == 0 else {
            throw connection.lastError(context: "open the binlog dump after GTID set \(gtids) on \(connection.options.endpointDescription)")
        }
    }

    deinit {
        if let replication { mariadb_rpl_close(replication) }
    }

    /// Waits for the next event and passes its bytes to `body`; the bytes are valid only during the call.
    /// Returns nil when the server ended the stream (a non-blocking dump that reached the end).
    ///
    /// Events are read straight from the connection's packet buffer (`cmariadb_read_packet`):
    /// `mariadb_rpl_fetch` would allocate, copy and parse each one, which binlogo's decoder does itself.
    public func next<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        var packet: UnsafePointer<UInt8>?
        let length = cmariadb_read_packet(connection.handle, &packet)
        guard length >= 0, let packet else {
            throw connection.lastError(context: "read the binlog from \(connection.options.endpointDescription)")
        }
        switch packet[0] {
        case 0x00 where length > 1:
            // A status byte, then the event from its common header on.
            return try body(UnsafeRawBufferPointer(start: packet + 1, count: length - 1))
        case 0xFE where length < 9:
            // An EOF packet ends a non-blocking dump.
            return nil
        default:
            throw MySQLError(code: UInt32(CR_MALFORMED_PACKET), message: "a packet of \(length) bytes starting with \(packet[0])",
                             context: "read the binlog from \(connection.options.endpointDescription)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
