import Foundation
import MySQLSource
import TestBench
import Testing

/// One column of a catalogue table: its SQL type, the SQL expression whose text result is the
/// oracle for its value, and how that text becomes the JSON value binlogo must produce.
struct CatalogueColumn: Sendable {
    let name: String
    let sqlType: String
    /// The oracle expression for a column of this name (so that the column can be renamed).
    let oracleOf: @Sendable (String) -> String
    let matches: @Sendable (TestJSON, String) -> Bool

    var oracle: String { oracleOf("`\(name)`") }

    /// The same column under another name (to put columns of several catalogue tables in one table).
    func renamed(_ newName: String) -> CatalogueColumn {
        CatalogueColumn(name: newName, sqlType: sqlType, oracleOf: oracleOf, matches: matches)
    }

    /// The oracle's text is the JSON number itself (integers, DECIMAL, YEAR, BIT as `col+0`).
    static func number(_ name: String, _ sqlType: String, oracle: (@Sendable (String) -> String)? = nil) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: oracle ?? { $0 }) { json, text in json == .number(text) }
    }

    /// The oracle's text is the JSON string (text columns, DATE, DATETIME, TIME, WKT, base64).
    static func string(_ name: String, _ sqlType: String, oracle: (@Sendable (String) -> String)? = nil) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: oracle ?? { $0 }) { json, text in json == .string(text) }
    }

    /// TIMESTAMP: the server prints `YYYY-MM-DD HH:MM:SS[.f]` in the session's zone (UTC here); binlogo writes ISO-8601 with Z.
    static func timestamp(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { $0 }) { json, text in
            if text.hasPrefix("0000-00-00") { return json == .string(text) }
            return json == .string(text.replacingOccurrences(of: " ", with: "T") + "Z")
        }
    }

    /// Binary columns: the oracle is base64 from the server.
    static func base64(_ name: String, _ sqlType: String) -> CatalogueColumn {
        .string(name, sqlType, oracle: { "REPLACE(TO_BASE64(\($0)), '\\n', '')" })
    }

    /// FLOAT: the same single-precision value; the oracle widens it to double exactly.
    static func float(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { "\($0) + 0e0" }) { json, text in
            guard let number = json.numberText, let value = Float(number), let expected = Double(text) else { return false }
            return value == Float(expected)
        }
    }

    static func double(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { $0 }) { json, text in
            guard let number = json.numberText, let value = Double(number), let expected = Double(text) else { return false }
            return value == expected
        }
    }

    /// MySQL's binary JSON: binlogo embeds the document, the server prints it as JSON text; they
    /// must be the same JSON value: members in the server's order, integers digit for digit, doubles
    /// the same double (MySQL prints `1e-7` as `0.0000001`, binlogo as `1e-07`).
    static func json(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { $0 }) { json, text in
            guard let expected = try? TestJSON.parse(text) else { return false }
            return sameJSONValue(json, expected)
        }
    }

    private static func sameJSONValue(_ value: TestJSON, _ expected: TestJSON) -> Bool {
        switch (value, expected) {
        case let (.number(text), .number(expectedText)):
            let isInteger = { (text: String) in !text.contains { ".eE".contains($0) } }
            if isInteger(text) && isInteger(expectedText) { return text == expectedText }
            guard let number = Double(text), let expectedNumber = Double(expectedText) else { return false }
            return number == expectedNumber
        case let (.array(values), .array(expectedValues)):
            return values.count == expectedValues.count && zip(values, expectedValues).allSatisfy(sameJSONValue)
        case let (.object(members), .object(expectedMembers)):
            return members.count == expectedMembers.count
                && zip(members, expectedMembers).allSatisfy { $0.0 == $1.0 && sameJSONValue($0.1, $1.1) }
        default:
            return value == expected
        }
    }

    /// VECTOR (MySQL 9): the server prints `[1.00000e+00,2.50000e+00]`; binlogo writes an array of
    /// numbers that must be the same single-precision values.
    static func vector(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { "VECTOR_TO_STRING(\($0))" }) { json, text in
            guard case .array(let elements) = json, let expected = try? TestJSON.parse(text),
                  case .array(let expectedElements) = expected, elements.count == expectedElements.count else { return false }
            return zip(elements, expectedElements).allSatisfy { element, expectedElement in
                guard let value = element.numberText.flatMap(Float.init),
                      let expectedValue = expectedElement.numberText.flatMap(Float.init) else { return false }
                return value == expectedValue
            }
        }
    }

    /// SET: the server prints `a,b`; binlogo writes `["a","b"]`.
    static func set(_ name: String, _ sqlType: String) -> CatalogueColumn {
        CatalogueColumn(name: name, sqlType: sqlType, oracleOf: { $0 }) { json, text in
            json == .array(text.isEmpty ? [] : text.split(separator: ",").map { .string(String($0)) })
        }
    }
}

/// How a catalogue run's session logs its writes: as they are, or (MySQL 8.4+) each transaction
/// compressed into a TRANSACTION_PAYLOAD_EVENT and given a tagged GTID.
struct CatalogueSession: Sendable {
    var statements: [String] = []
    /// The tag every transaction's GTID must carry.
    var gtidTag: String?
    /// Whether every row change must come inside a TRANSACTION_PAYLOAD_EVENT.
    var compressed = false

    static let plain = CatalogueSession()
    static let compressedAndTagged = CatalogueSession(
        statements: ["SET SESSION binlog_transaction_compression = ON", "SET gtid_next = 'AUTOMATIC:catalogue'"],
        gtidTag: "catalogue", compressed: true)
}

/// A table of one type family with edge-value rows, driven through INSERT, UPDATE and DELETE on
/// the sandbox server; the decoded messages are compared with what SELECT returns.
struct CatalogueTable: Sendable {
    let name: String
    let columns: [CatalogueColumn]
    /// SQL literals, one per column, per row.
    let rows: [[String]]

    /// Runs the table through the shared sandbox, or through `sandbox` (a server with other settings),
    /// its writes logged as `session` says. With `partialJSON` (MySQL) the session logs JSON updates as
    /// diffs (`binlog_row_value_options=PARTIAL_JSON`) and, after the updates above, each JSON column is
    /// changed in place with JSON_SET and JSON_REMOVE; returns how many new documents binlogo built from diffs.
    @discardableResult
    func verify(on sandbox: MariaDBSandbox? = nil, session: CatalogueSession = .plain, partialJSON: Bool = false) throws -> Int {
        let database = try TestDatabase.create(prefix: "types", on: sandbox ?? MariaDBSandbox.shared(.mariadb))
        let connection = try database.connect()
        for statement in ["SET SESSION time_zone = '+00:00'", "SET SESSION sql_mode = ''"] + session.statements
            + (partialJSON ? ["SET SESSION binlog_row_value_options = 'PARTIAL_JSON'"] : []) {
            try connection.execute(statement)
        }
        let start = try connection.currentBinlogPosition()
        let columnList = columns.map { "`\($0.name)` \($0.sqlType)" }.joined(separator: ", ")
        try connection.execute("CREATE TABLE `\(name)` (id INT PRIMARY KEY, revision INT NOT NULL, \(columnList))")

        let names = columns.map { "`\($0.name)`" }.joined(separator: ", ")
        for (index, row) in rows.enumerated() {
            try connection.execute("INSERT INTO `\(name)` (id, revision, \(names)) VALUES (\(index + 1), 0, \(row.joined(separator: ", ")))")
        }
        var states = try snapshot(connection)
        // Each row takes the next row's values, so every value is seen as both old and new.
        for index in rows.indices {
            let source = rows[(index + 1) % rows.count]
            let assignments = zip(columns, source).map { "`\($0.name)` = \($1)" }.joined(separator: ", ")
            try connection.execute("UPDATE `\(name)` SET revision = revision + 1, \(assignments) WHERE id = \(index + 1)")
        }
        states.merge(try snapshot(connection)) { old, _ in old }
        if partialJSON {
            for column in columns where column.sqlType == "JSON" {
                let target = "`\(column.name)`"
                try connection.execute("""
                    UPDATE `\(name)` SET revision = revision + 1, \(target) = JSON_REMOVE(JSON_SET(\(target), '$.partial',
                      JSON_ARRAY(1, 2.5e0, 'ü😀', NULL, TRUE, CAST(1.50 AS DECIMAL(5,2)), CAST('2026-01-02' AS DATE)), '$.a', 'changed'), '$.b')
                    WHERE JSON_TYPE(\(target)) = 'OBJECT'
                    """)
                try connection.execute("""
                    UPDATE `\(name)` SET revision = revision + 1, \(target) = JSON_SET(\(target), '$[0]', 'first', '$[last]', JSON_OBJECT('k', 1.5e0))
                    WHERE JSON_TYPE(\(target)) = 'ARRAY'
                    """)
                states.merge(try snapshot(connection)) { old, _ in old }
            }
        }
        try connection.execute("DELETE FROM `\(name)`")

        let changes = try SandboxChanges.read(database, from: start)
        let captured = try CapturedChanges.messages(changes)
        if let tag = session.gtidTag {
            let untagged = captured.filter { $0["head"]?["position"]?["gtid_set"]?.stringValue?.contains(":\(tag):") != true }
            #expect(untagged.isEmpty, "\(name): \(untagged.count) messages without the GTID tag \(tag), e.g. \(untagged.prefix(2).map { $0["head"]?["position"]?["gtid_set"] })")
        }
        if session.compressed {
            // Each INSERT and UPDATE is a transaction of its own, the DELETE one more.
            #expect(try payloadEvents(on: database, from: start) == rows.count * 2 + 1, "\(name): compressed transactions")
        }
        let messages = captured.filter { $0["head"]?["type"] != .string("ddl") }
        let inserts = messages.filter { $0["head"]?["type"] == .string("insert") }
        let updates = messages.filter { $0["head"]?["type"] == .string("update") }
        let deletes = messages.filter { $0["head"]?["type"] == .string("delete") }
        #expect(inserts.count == rows.count, "\(name): inserts")
        #expect(updates.count == states.count - rows.count, "\(name): updates")
        #expect(deletes.count == rows.count, "\(name): deletes")
        for message in inserts { check(message["data"]?["new"], against: states, "\(name) insert new") }
        for message in updates {
            check(message["data"]?["old"], against: states, "\(name) update old")
            check(message["data"]?["new"], against: states, "\(name) update new")
        }
        for message in deletes { check(message["data"]?["old"], against: states, "\(name) delete old") }
        return CapturedChanges.documentsFromJSONDiffs(changes)
    }

    /// How many TRANSACTION_PAYLOAD_EVENTs since `start` hold this table's rows, by the server's SHOW BINLOG
    /// EVENTS (which lists a payload's events after it, each at the payload's end position).
    private func payloadEvents(on database: TestDatabase, from start: BinlogReplicationStream.Start) throws -> Int {
        var payloadEnd: String?
        var holdingThisTable: Set<String> = []
        for row in try database.sandbox.connect().serverBinlogEvents(in: start.file, from: start.position) {
            if row[2] == "Transaction_payload" {
                payloadEnd = row[4]
            } else if let end = payloadEnd, row[1] == end, row[4] == end {
                if row[2] == "Table_map", row[5]?.contains("(\(database.name).\(name))") == true { holdingThisTable.insert(end) }
            } else {
                payloadEnd = nil
            }
        }
        return holdingThisTable.count
    }

    /// "id/revision" → oracle texts per column (nil for NULL).
    private func snapshot(_ connection: MySQLConnection) throws -> [String: [String?]] {
        let oracles = columns.map(\.oracle).joined(separator: ", ")
        var result: [String: [String?]] = [:]
        for row in try connection.query("SELECT id, revision, \(oracles) FROM `\(name)` ORDER BY id") {
            result["\(row[0]!)/\(row[1]!)"] = Array(row.dropFirst(2))
        }
        return result
    }

    private func check(_ image: TestJSON?, against snapshot: [String: [String?]], _ what: String) {
        guard let image, let id = image["id"]?.numberText, let revision = image["revision"]?.numberText,
              let expected = snapshot["\(id)/\(revision)"] else {
            Issue.record("\(what): no row image or unknown id in \(String(describing: image))")
            return
        }
        for (column, oracle) in zip(columns, expected) {
            guard let value = image[column.name] else {
                Issue.record("\(what) id \(id): column \(column.name) missing")
                continue
            }
            if let oracle {
                #expect(column.matches(value, oracle), "\(what) id \(id) \(column.name) \(column.sqlType): got \(value), server says \(oracle)")
            } else {
                #expect(value == .null, "\(what) id \(id) \(column.name): got \(value), server says NULL")
            }
        }
    }
}
