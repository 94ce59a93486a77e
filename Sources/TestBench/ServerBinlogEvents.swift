import Foundation
import MySQLSource

extension MySQLConnection {
    /// The server's own list of a binlog file's events, `SHOW BINLOG EVENTS IN file [FROM position]`: one row
    /// per event (Log_name, Pos, Event_type, Server_id, End_log_pos, Info).
    ///
    /// MySQL 9 reads the active file up to its physical end, so while other tests write to the same server it
    /// can meet an event half written and fail with error 1220 ("binlog truncated in the middle of event").
    /// The writer finishes that event within milliseconds: the statement is asked again, up to 20 times.
    public func serverBinlogEvents(in file: String, from position: UInt32? = nil) throws -> [[String?]] {
        let statement = "SHOW BINLOG EVENTS IN '\(file)'" + (position.map { " FROM \($0)" } ?? "")
        for _ in 1..<20 {
            do {
                return try query(statement)
            } catch {
                guard error.code == 1220, error.message.contains("truncated") else { throw error }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try query(statement)
    }
}
