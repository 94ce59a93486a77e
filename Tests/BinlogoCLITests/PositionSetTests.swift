import Foundation
import TestBench
import Testing

/// `binlogo position set FILE:POSITION` asks the pipeline's server first: a position inside an event
/// or a file the server does not have is refused in one line; a server that cannot be asked is said.
@Suite struct PositionSetTests {
    @Test func aPositionIsCheckedAgainstTheServerBeforeItIsStored() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let database = try TestDatabase.create(prefix: "position_set")
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO t VALUES (1), (2)")
        let end = try connection.currentBinlogPosition()
        // The server's own list of where events start in that file.
        let boundaries = try connection.serverBinlogEvents(in: end.file).compactMap { $0[1].flatMap { UInt32($0) } }
        let boundary = try #require(boundaries.last { $0 > 4 })
        #expect(!boundaries.contains(boundary + 1))

        let daemon = try DaemonProcess(pipelines: [
            DaemonProcess.pipeline(name: "p", serverID: 7811, sandbox: sandbox, database: database.name, topic: "unused", cluster: cluster),
            "  - name: down\n    mysql: {host: 127.0.0.1, port: 1, user: root, server_id: 7812}\n    output: {stdout: {}}",
        ])
        try FileManager.default.createDirectory(atPath: daemon.stateDirectory, withIntermediateDirectories: true)
        func set(_ pipeline: String, _ position: String) throws -> CommandResult {
            try runProduct("binlogo", ["position", "set", "--config", daemon.configPath, "--pipeline", pipeline, position])
        }
        func stored(_ pipeline: String) throws -> String {
            try runProduct("binlogo", ["position", "show", "--config", daemon.configPath, "--pipeline", pipeline]).standardOutput
        }

        let valid = try set("p", "\(end.file):\(boundary)")
        #expect(valid.status == 0 && valid.standardError.isEmpty, "\(valid.standardError)")
        #expect(try stored("p").contains("\(end.file):\(boundary)"))
        let atEnd = try set("p", "\(end.file):\(end.position)")
        #expect(atEnd.status == 0, "the end of the file is where the next event goes: \(atEnd.standardError)")

        for (position, expected) in [("\(end.file):\(boundary + 1)", "not an event boundary"),
                                     ("binlog.999999:4", "has no binlog binlog.999999"),
                                     ("\(end.file):\(UInt32.max - 1)", "past the end")] {
            let refused = try set("p", position)
            #expect(refused.status != 0, "\(position) was stored")
            #expect(refused.standardError.split(separator: "\n").count == 1 && refused.standardError.contains(expected),
                    "\(refused.standardError)")
        }
        #expect(try stored("p").contains("\(end.file):\(end.position)"), "a refused position leaves the stored one")

        let unreachable = try set("down", "binlog.000001:4")
        #expect(unreachable.status == 0)
        #expect(unreachable.standardError.contains("not checked against the server"), "\(unreachable.standardError)")
    }
}
