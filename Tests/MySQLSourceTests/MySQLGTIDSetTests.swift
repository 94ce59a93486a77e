import MySQLSource
import TestBench
import Testing

/// MySQL GTID sets (no MySQL server here): parsing, normalising and containment, which decide
/// the binlog file a GTID-set start reads from and which transactions it skips.
@Suite struct MySQLGTIDSetTests {
    let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
    let other = "abababab-abab-abab-abab-abababababab"

    @Test func parsesMergesAndPrints() throws {
        let set = try MySQLGTIDSet(parsing: "\(uuid.uppercased()):1-5:7:6, \(other):100-200,\(uuid):20")
        #expect(set.description == "\(uuid):1-7:20,\(other):100-200")
        #expect(set.contains(uuid: uuid, number: 6))
        #expect(!set.contains(uuid: uuid, number: 8))
        #expect(set.contains(uuid: other.uppercased(), number: 150))
        #expect(try StartPosition(parsing: "\(uuid):1-5") == .mysqlGTIDSet(try MySQLGTIDSet(parsing: "\(uuid):1-5")))
    }

    @Test func containment() throws {
        let big = try MySQLGTIDSet(parsing: "\(uuid):1-100,\(other):1-10")
        #expect(big.contains(try MySQLGTIDSet(parsing: "\(uuid):5-50:60")))
        #expect(big.contains(try MySQLGTIDSet(parsing: "")))
        #expect(!big.contains(try MySQLGTIDSet(parsing: "\(uuid):90-101")))
        #expect(!big.contains(try MySQLGTIDSet(parsing: "\(other):11")))
        #expect(!big.contains(try MySQLGTIDSet(parsing: "cccccccc-cccc-cccc-cccc-cccccccccccc:1")))
    }

    @Test func taggedSetsParseAndPrintAsMySQLDoes() throws {
        // As in MySQL, the intervals after a tag are that tag's.
        let set = try MySQLGTIDSet(parsing: "\(uuid):1-2:Tag_B:3-4:tag_a:7,\(uuid):tag_b:5")
        #expect(set.description == "\(uuid):1-2:tag_a:7:tag_b:3-5")
        #expect(set.contains(uuid: uuid, tag: "TAG_B", number: 5))
        #expect(!set.contains(uuid: uuid, number: 5), "an untagged GTID is not a tagged one")
        var grown = set
        grown.insert(.init(uuid: uuid, tag: "tag_a"), number: 8)
        grown.insert(.init(uuid: uuid), number: 3)
        #expect(grown.description == "\(uuid):1-3:tag_a:7-8:tag_b:3-5")
        #expect(grown.contains(set) && !set.contains(grown))
    }

    @Test func rejectsMalformedSets() {
        for bad in ["\(uuid)", "\(uuid):0", "\(uuid):5-3", "nonsense:1", "\(uuid):x", "\(uuid):tag", "\(uuid):1:tag",
                    "\(uuid):tag:tag2:1", "\(uuid):t-ag:1", "\(uuid):\(String(repeating: "t", count: 33)):1"] {
            #expect(throws: MySQLGTIDSet.Invalid.self, "\(bad)") { try MySQLGTIDSet(parsing: bad) }
        }
    }

    @Test func aMySQLGTIDSetCannotStartAMariaDBServer() throws {
        let sandbox = try MariaDBSandbox.shared(.mariadb)
        let recorder = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .mysqlGTIDSet(try MySQLGTIDSet(parsing: "\(uuid):1-5"))),
                                      database: "none")
        #expect(recorder.waitUntilStopped())
        #expect(recorder.stopError?.kind == .configuration)
        #expect(recorder.stopError?.description.contains("is MariaDB") == true)
    }
}
