/// Binlog event type codes (MySQL's and MariaDB's `Log_event_type`).
public enum BinlogEventType {
    public static let query: UInt8 = 2
    public static let stop: UInt8 = 3
    public static let rotate: UInt8 = 4
    public static let intvar: UInt8 = 5
    public static let rand: UInt8 = 13
    public static let userVar: UInt8 = 14
    public static let formatDescription: UInt8 = 15
    public static let xid: UInt8 = 16
    public static let tableMap: UInt8 = 19
    public static let writeRowsV1: UInt8 = 23
    public static let updateRowsV1: UInt8 = 24
    public static let deleteRowsV1: UInt8 = 25
    public static let incident: UInt8 = 26
    public static let heartbeat: UInt8 = 27
    public static let ignorable: UInt8 = 28
    public static let rowsQuery: UInt8 = 29
    public static let writeRowsV2: UInt8 = 30
    public static let updateRowsV2: UInt8 = 31
    public static let deleteRowsV2: UInt8 = 32
    public static let mysqlGTID: UInt8 = 33
    public static let anonymousGTID: UInt8 = 34
    public static let previousGTIDs: UInt8 = 35
    public static let transactionContext: UInt8 = 36
    public static let viewChange: UInt8 = 37
    public static let xaPrepare: UInt8 = 38
    public static let partialUpdateRows: UInt8 = 39
    public static let transactionPayload: UInt8 = 40
    public static let heartbeatV2: UInt8 = 41
    public static let gtidTagged: UInt8 = 42
    public static let annotateRows: UInt8 = 160
    public static let binlogCheckpoint: UInt8 = 161
    public static let mariadbGTID: UInt8 = 162
    public static let gtidList: UInt8 = 163
    public static let startEncryption: UInt8 = 164
    public static let queryCompressed: UInt8 = 165
    public static let writeRowsCompressedV1: UInt8 = 166
    public static let updateRowsCompressedV1: UInt8 = 167
    public static let deleteRowsCompressedV1: UInt8 = 168
    public static let writeRowsCompressed: UInt8 = 169
    public static let updateRowsCompressed: UInt8 = 170
    public static let deleteRowsCompressed: UInt8 = 171

    private static let names: [UInt8: String] = [
        1: "START_EVENT_V3", 2: "QUERY_EVENT", 3: "STOP_EVENT", 4: "ROTATE_EVENT", 5: "INTVAR_EVENT",
        13: "RAND_EVENT", 14: "USER_VAR_EVENT", 15: "FORMAT_DESCRIPTION_EVENT", 16: "XID_EVENT",
        17: "BEGIN_LOAD_QUERY_EVENT", 18: "EXECUTE_LOAD_QUERY_EVENT", 19: "TABLE_MAP_EVENT",
        23: "WRITE_ROWS_EVENT_V1", 24: "UPDATE_ROWS_EVENT_V1", 25: "DELETE_ROWS_EVENT_V1", 26: "INCIDENT_EVENT",
        27: "HEARTBEAT_LOG_EVENT", 28: "IGNORABLE_LOG_EVENT", 29: "ROWS_QUERY_LOG_EVENT",
        30: "WRITE_ROWS_EVENT", 31: "UPDATE_ROWS_EVENT", 32: "DELETE_ROWS_EVENT", 33: "GTID_LOG_EVENT",
        34: "ANONYMOUS_GTID_LOG_EVENT", 35: "PREVIOUS_GTIDS_LOG_EVENT", 36: "TRANSACTION_CONTEXT_EVENT",
        37: "VIEW_CHANGE_EVENT", 38: "XA_PREPARE_LOG_EVENT", 39: "PARTIAL_UPDATE_ROWS_EVENT",
        40: "TRANSACTION_PAYLOAD_EVENT", 41: "HEARTBEAT_LOG_EVENT_V2", 42: "GTID_TAGGED_LOG_EVENT",
        160: "ANNOTATE_ROWS_EVENT", 161: "BINLOG_CHECKPOINT_EVENT", 162: "GTID_EVENT", 163: "GTID_LIST_EVENT",
        164: "START_ENCRYPTION_EVENT", 165: "QUERY_COMPRESSED_EVENT", 166: "WRITE_ROWS_COMPRESSED_EVENT_V1",
        167: "UPDATE_ROWS_COMPRESSED_EVENT_V1", 168: "DELETE_ROWS_COMPRESSED_EVENT_V1",
        169: "WRITE_ROWS_COMPRESSED_EVENT", 170: "UPDATE_ROWS_COMPRESSED_EVENT", 171: "DELETE_ROWS_COMPRESSED_EVENT",
    ]

    /// The server's name for a type code, e.g. `WRITE_ROWS_EVENT_V1`.
    public static func name(of code: UInt8) -> String { names[code] ?? "event type \(code)" }
}
