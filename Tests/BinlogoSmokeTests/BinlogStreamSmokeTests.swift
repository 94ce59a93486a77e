import Testing
import MySQLSource
import TestBench

/// libmariadb's replication API, driven from Swift against the sandbox MariaDB: the raw events
/// of a few writes come back with their table, statements and row values in them.
@Suite struct BinlogStreamSmokeTests {
    @Test func rawEventsOfInsertsComeBackThroughTheReplicationAPI() throws {
        let database = try TestDatabase.create(prefix: "smoke")
        let connection = try database.connect()
        let start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE fruit (id INT PRIMARY KEY, name VARCHAR(20))")
        try connection.execute("INSERT INTO fruit VALUES (1, 'apple'), (2, 'banana')")
        try connection.execute("INSERT INTO fruit VALUES (3, 'cherry')")

        let replication = try database.sandbox.connect()
        let stream = try BinlogReplicationStream(
            connection: replication, serverID: 4001, start: start, nonBlocking: true)
        // Up to this test's second commit: other suites write to the same server meanwhile.
        var events: [[UInt8]] = []
        var commitsSeen = 0
        while commitsSeen < 2, let event = try stream.next({ Array($0) }) {
            events.append(event)
            if event[4] == 16, events.dropLast().last(where: { $0[4] == 19 }).map({ contains($0, database.name) }) == true {
                commitsSeen += 1
            }
        }

        // Every event is whole: its header's length field matches the bytes handed over.
        for event in events {
            #expect(event.count >= 19)
            #expect(Int(littleEndian32(event, at: 9)) == event.count)
        }
        let types = events.map { $0[4] }
        let queries = events.filter { $0[4] == 2 }.map { String(decoding: $0, as: UTF8.self) }
        // Only the transactions of this test's table count: each a table map naming it, its rows, and the
        // XID that commits them.
        var tableMaps: [[UInt8]] = [], writeRows: [[UInt8]] = [], xids = 0
        var inOurs = false
        for event in events {
            switch event[4] {
            case 19:
                inOurs = contains(event, database.name)
                if inOurs { tableMaps.append(event) }
            case 23, 30 where inOurs: writeRows.append(event)
            case 16 where inOurs:
                xids += 1
                inOurs = false
            default: break
            }
        }

        #expect(types.first == 4, "a dump starts with a (fake) ROTATE event")
        #expect(queries.contains { $0.contains("CREATE TABLE fruit") })
        #expect(tableMaps.count == 2)
        #expect(tableMaps.allSatisfy { contains($0, "fruit") })
        #expect(writeRows.count == 2)
        #expect(writeRows.contains { contains($0, "apple") && contains($0, "banana") })
        #expect(writeRows.contains { contains($0, "cherry") && !contains($0, "apple") })
        #expect(xids == 2, "one XID event per committed insert")
    }

    private func littleEndian32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    private func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
