/// Where a binlog dump starts, as the source decided from its position or configured start.
enum DumpStart: CustomStringConvertible {
    /// A binlog file and byte offset (COM_BINLOG_DUMP).
    case file(BinlogReplicationStream.Start)
    /// After MariaDB GTIDs (`@slave_connect_state`).
    case mariaDBGTID(String)
    /// MySQL: the first transaction not in this set (COM_BINLOG_DUMP_GTID).
    case mysqlGTIDs(MySQLGTIDSet)

    /// Opens the dump on `connection`.
    func open(on connection: MySQLConnection, serverID: UInt32, heartbeatSeconds: Double) throws(MySQLError) -> BinlogReplicationStream {
        switch self {
        case .file(let start):
            try BinlogReplicationStream(connection: connection, serverID: serverID, start: start, heartbeatSeconds: heartbeatSeconds)
        case .mariaDBGTID(let gtid):
            try BinlogReplicationStream(connection: connection, serverID: serverID, start: .init(file: ""),
                                        heartbeatSeconds: heartbeatSeconds, mariaDBGTID: gtid)
        case .mysqlGTIDs(let set):
            try BinlogReplicationStream(connection: connection, serverID: serverID, start: .init(file: ""),
                                        heartbeatSeconds: heartbeatSeconds, mysqlGTIDs: set)
        }
    }

    var description: String {
        switch self {
        case .file(let start): "\(start.file):\(start.position)"
        case .mariaDBGTID(let gtid): "gtid \(gtid)"
        case .mysqlGTIDs(let set): "after gtid set \(set.isEmpty ? "(empty)" : "\(set)")"
        }
    }
}
