import Foundation
import TestBench

/// In turn: MariaDB restarted; the replication connection killed (`KILL` of its Binlog Dump thread);
/// the server unreachable for `outageSeconds` (mariadbd stopped with SIGSTOP: connections hang
/// rather than being refused, as behind a dead network); the binlog rotated (`FLUSH BINARY LOGS`).
struct DatabaseFaults: CampaignFaults {
    let outageSeconds: Double

    mutating func round(_ index: Int, on bench: CampaignBench, random: inout SeededGenerator) throws {
        switch index % 4 {
        case 0:
            try bench.restartServer()
        case 1:
            let root = try bench.sandbox.connect()
            let dumps = try root.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'binlogo_campaign' AND COMMAND LIKE 'Binlog Dump%'")
            for row in dumps { if let id = row[0] { try? root.execute("KILL \(id)") } }
            bench.options.progress("  killed \(dumps.count) replication connection(s)")
        case 2:
            let pid = try bench.serverPID()
            kill(pid, SIGSTOP)
            Thread.sleep(forTimeInterval: outageSeconds)
            kill(pid, SIGCONT)
        default:
            try bench.sandbox.connect().execute("FLUSH BINARY LOGS")
        }
        Thread.sleep(forTimeInterval: Double.random(in: 1.0...3.0, using: &random))
    }
}
