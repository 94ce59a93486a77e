@testable import BinlogDecoder
import MySQLSource
import TestBench
import Testing

/// A table with JSON columns on a MySQL server, changed statement by statement in a session with
/// `binlog_row_value_options=PARTIAL_JSON` (and other session settings), so that MySQL logs its JSON
/// updates as PARTIAL_UPDATE_ROWS events. Every statement bumps the row's `revision`, and after each
/// one the server's own text of every JSON column (SELECT) is kept by row id and revision: the oracle
/// for the row images binlogo decodes.
struct PartialJSONTable {
    let database: TestDatabase
    let connection: MySQLConnection
    let name: String
    let jsonColumns: [String]
    let start: BinlogReplicationStream.Start
    /// "id/revision" → the JSON columns' text as SELECT returns it (nil for NULL).
    private(set) var expected: [String: [String?]] = [:]
    private(set) var statements = 0

    /// Creates `name` (which must have `id INT PRIMARY KEY` and `revision INT NOT NULL` columns) with
    /// `rows` inserted, in a session with PARTIAL_JSON and `session` settings.
    init(_ name: String, definition: String, jsonColumns: [String], rows: [String], session: [String] = [],
         on sandbox: SandboxServer? = nil) throws {
        database = try TestDatabase.create(prefix: "partial", on: sandbox ?? SandboxServer.shared(.mysql))
        connection = try database.connect()
        self.name = name
        self.jsonColumns = jsonColumns
        for setting in ["SET SESSION time_zone = '+00:00'", "SET SESSION binlog_row_value_options = 'PARTIAL_JSON'"] + session {
            try connection.execute(setting)
        }
        start = try connection.currentBinlogPosition()
        try connection.execute("CREATE TABLE `\(name)` (\(definition))")
        for row in rows { try connection.execute("INSERT INTO `\(name)` VALUES \(row)") }
        try snapshot()
    }

    /// `UPDATE … SET revision = revision + 1, ASSIGNMENTS WHERE …`, then the new state from SELECT.
    mutating func update(_ assignments: String, where condition: String = "TRUE") throws {
        try connection.execute("UPDATE `\(name)` SET revision = revision + 1, \(assignments) WHERE \(condition)")
        statements += 1
        try snapshot()
    }

    private mutating func snapshot() throws {
        let columns = jsonColumns.map { "`\($0)`" }.joined(separator: ", ")
        for row in try connection.query("SELECT id, revision, \(columns) FROM `\(name)`") {
            expected["\(row[0]!)/\(row[1]!)"] = Array(row.dropFirst(2))
        }
    }

    /// How many row updates the statements made (each one a revision of a row).
    var rowUpdates: Int { expected.keys.filter { !$0.hasSuffix("/0") }.count }

    /// The current JSON value of a column of a row, as the server prints it.
    func current(_ column: String, id: Int) throws -> String? {
        try connection.queryValue("SELECT `\(column)` FROM `\(name)` WHERE id = \(id)")
    }

    /// Deletes every row (so that each last state is also decoded from a full before image) and
    /// returns the table's changes as binlogo decodes them.
    func finish() throws -> [Change] {
        try connection.execute("DELETE FROM `\(name)`")
        return try SandboxChanges.read(database, from: start).filter {
            if case .row = $0 { return true } else { return false }
        }
    }

    /// What the decoded changes said, checked against the server.
    struct Outcome {
        /// Update row images whose JSON columns were compared with SELECT.
        var updatesChecked = 0
        /// JSON values binlogo built from an old document and diffs.
        var documentsFromDiffs = 0
        /// PARTIAL_UPDATE_ROWS events among the changes.
        var partialEvents = 0
    }

    /// Checks every row image's JSON columns against SELECT (as JSON values: members in the server's
    /// order, strings and integers exact, doubles the same double), and checks that each new value of
    /// a partial update renders byte for byte as binlogo renders the same value when the server logs it
    /// whole: as the row's old value in its next update or its delete. With `everyColumn` false (MINIMAL
    /// and NOBLOB images) a column an image leaves out is not looked for, and the row's id may come
    /// from the other image.
    func verify(_ changes: [Change], everyColumn: Bool = true) throws -> Outcome {
        var outcome = Outcome()
        let matcher = CatalogueColumn.json("doc", "JSON")
        var seenEvents = Set<ObjectIdentifier>()
        // "id/revision" → column → the rendered bytes in a before image (the whole-document path).
        var renderedWhole: [String: [String: [UInt8]]] = [:]
        var renderedFromDiffs: [(key: String, columns: [String: [UInt8]], what: String)] = []
        let writer = JSONWriter()
        for change in changes {
            guard case let .row(event, row, placement) = change else { continue }
            if seenEvents.insert(ObjectIdentifier(event)).inserted {
                outcome.documentsFromDiffs += event.documentsFromJSONDiffs
                if event.eventType == BinlogEventType.partialUpdateRows { outcome.partialEvents += 1 }
            }
            writer.reset()
            try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: MessageContext(pipelineName: "test"), to: writer)
            let message = try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self))
            let images: [(RowsEvent.Image, String)] = event.kind == .update ? [(.after, "new"), (.before, "old")]
                : [(event.kind == .insert ? .after : .before, event.kind == .insert ? "new" : "old")]
            for (image, field) in images {
                let values = message["data"]?[field]
                guard let id = values?["id"]?.numberText ?? message["data"]?["old"]?["id"]?.numberText,
                      let revision = values?["revision"]?.numberText else {
                    Issue.record("\(event.kind) without id and revision: \(message)")
                    continue
                }
                let key = "\(id)/\(revision)"
                guard let expected = expected[key] else {
                    Issue.record("\(key): no SELECT for this revision")
                    continue
                }
                var rendered: [String: [UInt8]] = [:]
                for (column, text) in zip(jsonColumns, expected) {
                    let index = event.table.columns.firstIndex { $0.name == column }!
                    guard let value = values?[column] else {
                        if everyColumn { Issue.record("\(key) \(field).\(column) missing from \(message)") }
                        continue
                    }
                    if let text {
                        #expect(matcher.matches(value, text), "\(key) \(field).\(column): got \(value), SELECT says \(text)")
                    } else {
                        #expect(value == .null, "\(key) \(field).\(column): got \(value), SELECT says NULL")
                    }
                    writer.reset()
                    try event.writeValue(row: row, image: image, column: index, to: writer)
                    rendered[column] = writer.bytes
                }
                if image == .before {
                    renderedWhole[key] = rendered
                } else if event.kind == .update {
                    outcome.updatesChecked += 1
                    if event.eventType == BinlogEventType.partialUpdateRows { renderedFromDiffs.append((key, rendered, "\(message)")) }
                }
            }
        }
        for (key, columns, what) in renderedFromDiffs {
            for (column, fromDiffs) in columns {
                guard let fromWhole = renderedWhole[key]?[column] else {
                    if everyColumn { Issue.record("\(key) \(column): never logged whole afterwards") }
                    continue
                }
                #expect(fromDiffs == fromWhole, "\(key) \(column): \(String(decoding: fromDiffs, as: UTF8.self)) from diffs, \(String(decoding: fromWhole, as: UTF8.self)) whole, in \(what)")
            }
        }
        return outcome
    }
}

extension String {
    /// The text as a single-quoted SQL string literal (backslashes and quotes escaped).
    var sqlLiteral: String {
        "'" + replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
    }
}
