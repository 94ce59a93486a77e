@testable import BinlogDecoder
import MySQLSource
import TestBench
import Testing

/// MySQL's partial JSON updates (`binlog_row_value_options=PARTIAL_JSON`, PARTIAL_UPDATE_ROWS_EVENT)
/// against the real MySQL 9 sandbox: every new document binlogo builds from the old one and the
/// logged diffs is what SELECT returns after the statement, and renders byte for byte as the same
/// value does when the server logs it whole.
@Suite struct PartialJSONUpdateTests {
    /// A padding member keeps documents large, so that MySQL prefers diffs to whole documents.
    static let pad = "REPEAT('p', 400)"

    static let definition = """
        id INT PRIMARY KEY, revision INT NOT NULL, label VARCHAR(20), doc JSON, amount DECIMAL(8,2), other JSON, note TEXT
        """

    static let objectDocument = """
        JSON_OBJECT('name', 'Zoë', 'pad', \(pad), 'n', 1, 'list', JSON_ARRAY(1, 2, 3, JSON_ARRAY(4, 5), JSON_OBJECT('k', 'v')),
          'nested', JSON_OBJECT('a', JSON_OBJECT('b', JSON_OBJECT('c', JSON_ARRAY(TRUE, FALSE, NULL)))), 'num', 3.25e0,
          'big', 18446744073709551615, 'neg', -9223372036854775808, 'text', 'line\\nbreak "quoted" ü😀',
          'key with space', 1, 'ключ', 'значение')
        """

    static let arrayDocument = "JSON_ARRAY(\(pad), JSON_OBJECT('a', 1, 'bb', JSON_ARRAY()), 3, 'three', NULL)"

    @Test func changesOfEveryKindAtNestedPathsMatchSelect() throws {
        var table = try PartialJSONTable("docs", definition: Self.definition, jsonColumns: ["doc", "other"], rows: [
            "(1, 0, 'one', \(Self.objectDocument), 1.50, JSON_ARRAY(\(Self.pad), 1, 2, JSON_OBJECT('x', 1)), 'first')",
            "(2, 0, 'two', \(Self.arrayDocument), NULL, JSON_OBJECT('pad', \(Self.pad), 'm', 1), NULL)",
            "(3, 0, 'three', NULL, 0, \(Self.objectDocument), '')",
        ])
        let one = "id = 1", two = "id = 2"
        try table.update("doc = JSON_SET(doc, '$.n', 2)", where: one)
        try table.update("doc = JSON_SET(doc, '$.name', 'Ünïcödé 😀 \"q\" \\\\ tab\\t')", where: one)
        try table.update("doc = JSON_SET(doc, '$.added', JSON_OBJECT('deep', JSON_ARRAY(1, 2.5, 'x')))", where: one)
        try table.update("doc = JSON_REPLACE(doc, '$.list[1]', 'two')", where: one)
        try table.update("doc = JSON_SET(doc, '$.list[10]', 'appended')", where: one)
        try table.update("doc = JSON_SET(doc, '$.list[3][0]', 40, '$.nested.a.b.c[2]', 'was null')", where: one)
        try table.update("doc = JSON_REMOVE(doc, '$.list[0]')", where: one)
        try table.update("doc = JSON_REMOVE(doc, '$.nested.a.b')", where: one)
        try table.update("doc = JSON_SET(doc, '$.num', 1.5e300, '$.z', NULL, '$.t', TRUE, '$.f', FALSE, '$.i', -40000, '$.u', 4294967295)", where: one)
        try table.update("doc = JSON_SET(doc, '$.\"key with space\"', 'spaced', '$.\"ключ\"', 'новое', '$.\"quote\\\\\"d\"', 1)", where: one)
        try table.update("""
            doc = JSON_SET(doc, '$.dec', CAST(12.345 AS DECIMAL(10,3)), '$.when', CAST('2026-11-25 09:30:00.123456' AS DATETIME(6)),
              '$.day', CAST('2026-11-25' AS DATE), '$.clock', CAST('-12:34:56.5' AS TIME(1)), '$.bytes', CAST(X'00FF' AS BINARY))
            """, where: one)
        // Two JSON columns in one statement, and `last`.
        try table.update("doc = JSON_SET(doc, '$.list[last]', 'last one'), other = JSON_SET(other, '$[1]', 'changed')", where: one)
        try table.update("doc = JSON_REMOVE(doc, '$.list[last]', '$.added.deep[0]')", where: one)
        // Functions that cannot update in place: the server logs the whole document.
        try table.update("other = JSON_ARRAY_APPEND(other, '$', 'x')", where: one)
        try table.update("doc = JSON_ARRAY_INSERT(doc, '$.list[0]', 'first')", where: one)
        // A key shorter than the others goes first in MySQL's order.
        try table.update("doc = JSON_SET(doc, '$.a', 1, '$.zzzzzzzzzzzz', 2)", where: one)
        // Auto-wrapping: a cell leg on a scalar makes it an array.
        try table.update("doc = JSON_SET(doc, '$.n[1]', 'wrapped')", where: one)
        // No JSON column changes: FULL images log them as empty diff lists.
        try table.update("amount = amount + 1", where: one)
        try table.update("label = 'relabel', note = 'n'")
        // Array documents.
        try table.update("doc = JSON_SET(doc, '$[1].a', 'one', '$[1].bb[0]', 'inserted', '$[5]', 'appended')", where: two)
        try table.update("doc = JSON_REMOVE(doc, '$[2]'), other = JSON_SET(other, '$.m', JSON_ARRAY(1, 2), '$.new', JSON_OBJECT())", where: two)
        try table.update("doc = JSON_REPLACE(doc, '$[last]', 'end', '$[last-1]', 'before end')", where: two)
        // Several rows in one event, one of them with a NULL document (JSON_SET of NULL is NULL).
        try table.update("doc = JSON_SET(doc, '$.multi', id), other = JSON_REMOVE(other, '$.nope')")
        // A whole new document, then changes to it.
        try table.update("doc = JSON_OBJECT('whole', 'document', 'pad', \(Self.pad))", where: one)
        try table.update("doc = JSON_SET(doc, '$.whole', 'changed again')", where: one)
        try table.update("doc = JSON_SET(doc, '$.x', 1)", where: "id = 3")
        try table.update("doc = NULL", where: two)

        let outcome = try table.verify(try table.finish())
        #expect(outcome.updatesChecked == table.rowUpdates && table.rowUpdates == 31, "update row images checked: \(outcome.updatesChecked)")
        #expect(outcome.partialEvents >= 25, "PARTIAL_UPDATE_ROWS events: \(outcome.partialEvents)")
        #expect(outcome.documentsFromDiffs >= 20, "documents built from diffs: \(outcome.documentsFromDiffs)")
    }

    /// `binlog_row_image=MINIMAL` leaves the old document out of the before image, so the diffs cannot
    /// be applied: the new value is left out of `data.new` (and nothing is guessed), and the changes MySQL
    /// logged are in `data.json_diffs`, in order: the operation (replace where the server had a value at
    /// the path before, insert where it had none), the path as given, the value the server holds there
    /// after. A function that cannot update in place still logs, and publishes, the whole document.
    @Test func minimalImagesCarryTheLoggedChangesInsteadOfAGuess() throws {
        var table = try PartialJSONTable("minimal", definition: Self.definition, jsonColumns: ["doc", "other"], rows: [
            "(1, 0, 'one', \(Self.objectDocument), 1, \(Self.arrayDocument), 'n')",
        ], session: ["SET SESSION binlog_row_image = 'MINIMAL'"])
        let connection = table.connection
        func holds(_ column: String, _ path: String) throws -> Bool {
            try connection.queryValue("SELECT JSON_CONTAINS_PATH(`\(column)`, 'one', \(path.sqlLiteral)) FROM minimal WHERE id = 1") == "1"
        }
        func value(_ column: String, _ path: String) throws -> String {
            try connection.queryValue("SELECT JSON_EXTRACT(`\(column)`, \(path.sqlLiteral)) FROM minimal WHERE id = 1") ?? "null"
        }
        /// One statement's changes as the server states them: column → [(op, path, value text)].
        typealias Changes = [(column: String, diffs: [(op: String, path: String, value: String?)])]
        var statements: [Changes] = []
        func change(_ assignments: String, sets: [(String, String)] = [], removes: [(String, String)] = []) throws {
            let replaced = try sets.map { try holds($0.0, $0.1) }
            for (column, path) in removes { #expect(try holds(column, path), "\(column) \(path) is there to remove") }
            try table.update(assignments, where: "id = 1")
            var changes: Changes = []
            for column in ["doc", "other"] {
                var diffs: [(op: String, path: String, value: String?)] = []
                for ((setColumn, path), wasThere) in zip(sets, replaced) where setColumn == column {
                    diffs.append((wasThere ? "replace" : "insert", path, try value(column, path)))
                }
                for (removeColumn, path) in removes where removeColumn == column { diffs.append(("remove", path, nil)) }
                if !diffs.isEmpty { changes.append((column, diffs)) }
            }
            statements.append(changes)
        }
        try change("doc = JSON_SET(doc, '$.n', 2, '$.fresh', 'new ü😀 \"q\"')", sets: [("doc", "$.n"), ("doc", "$.fresh")])
        try change("doc = JSON_REMOVE(doc, '$.list[0]'), other = JSON_SET(other, '$[1].a', JSON_OBJECT('k', 1.5e0, 'd', CAST(2.50 AS DECIMAL(4,2))))",
                   sets: [("other", "$[1].a")], removes: [("doc", "$.list[0]")])
        try change("other = JSON_REPLACE(other, '$[2]', CAST('2026-11-25 10:00:00.5' AS DATETIME(1)))", sets: [("other", "$[2]")])
        try change("doc = JSON_ARRAY_APPEND(doc, '$.list', 9)")  // logged whole
        try change("amount = 5")

        let matcher = CatalogueColumn.json("value", "JSON")
        let updates = try table.finish().compactMap { change -> TestJSON? in
            guard case let .row(event, row, placement) = change, event.kind == .update else { return nil }
            let writer = JSONWriter()
            try ChangeMessageEncoder.writeRow(event, row: row, placement: placement, context: MessageContext(pipelineName: "t"), to: writer)
            return try TestJSON.parse(String(decoding: writer.bytes, as: UTF8.self))
        }
        #expect(updates.count == statements.count)
        for (index, (message, changes)) in zip(updates, statements).enumerated() {
            let data = message["data"]
            #expect(data?["old"] == .object([("id", .number("1"))]), "\(index): MINIMAL's before image is the key")
            guard case .object(let diffsByColumn)? = data?["json_diffs"] ?? .object([]) else {
                Issue.record("\(index): json_diffs is not an object: \(message)")
                continue
            }
            #expect(diffsByColumn.map(\.0) == changes.map(\.column), "\(index): columns with diffs in \(message)")
            for (column, diffs) in changes {
                #expect(data?["new"]?[column] == nil, "\(index): no guessed \(column) in \(message)")
                guard case .array(let logged)? = data?["json_diffs"]?[column], logged.count == diffs.count else {
                    Issue.record("\(index): \(column) diffs \(String(describing: data?["json_diffs"]?[column])), the server says \(diffs)")
                    continue
                }
                for (entry, diff) in zip(logged, diffs) {
                    #expect(entry["op"] == .string(diff.op) && entry["path"] == .string(diff.path), "\(index): \(entry) for \(diff)")
                    if let expected = diff.value {
                        #expect(entry["value"].map { matcher.matches($0, expected) } == true, "\(index): \(entry), the server holds \(expected)")
                    } else {
                        #expect(entry["value"] == nil, "\(index): \(entry)")
                    }
                }
            }
        }
        // The whole document the third statement logged is the new value, as SELECT shows it.
        let whole = try #require(updates.count > 3 ? updates[3]["data"]?["new"]?["doc"] : nil)
        #expect(matcher.matches(whole, try #require(table.expected["1/4"]?[0] ?? nil)), "\(whole)")
        #expect(updates.count > 4 && updates[4]["data"]?["new"]?["doc"] == nil && updates[4]["data"]?["json_diffs"] == nil)
    }

    /// MINIMAL on a table without a primary key, and NOBLOB: MySQL logs the old document in the before
    /// image, and the new one is built from it, as SELECT shows it.
    @Test(arguments: ["MINIMAL", "NOBLOB"]) func otherImagesWithTheOldDocumentBuildTheNewOne(image: String) throws {
        let withoutKey = image == "MINIMAL"
        var table = try PartialJSONTable("img", definition: withoutKey ? "id INT NOT NULL, revision INT NOT NULL, doc JSON, other JSON" : Self.definition,
                                         jsonColumns: ["doc", "other"], rows: withoutKey ? [
            "(1, 0, \(Self.objectDocument), \(Self.arrayDocument))", "(2, 0, \(Self.arrayDocument), NULL)",
        ] : [
            "(1, 0, 'one', \(Self.objectDocument), 1, \(Self.arrayDocument), 'n')", "(2, 0, 'two', \(Self.arrayDocument), 2, NULL, NULL)",
        ], session: ["SET SESSION binlog_row_image = '\(image)'"])
        try table.update("doc = JSON_SET(doc, '$.n', 2, '$.fresh', 'ü')", where: "id = 1")
        try table.update("doc = JSON_REMOVE(doc, '$.list[0]'), other = JSON_SET(other, '$[1].a', 'x')", where: "id = 1")
        try table.update("doc = JSON_SET(doc, '$[1].a', 'one', '$[9]', 'appended')", where: "id = 2")
        try table.update("other = JSON_SET(other, '$[0]', 'short')", where: "id = 1")
        let outcome = try table.verify(try table.finish(), everyColumn: false)
        #expect(outcome.updatesChecked == table.rowUpdates && table.rowUpdates == 4)
        #expect(outcome.documentsFromDiffs >= 4, "documents built from diffs: \(outcome.documentsFromDiffs)")
    }

    /// A few hundred statements drawn by a seeded generator from the documents as SELECT shows them:
    /// JSON_SET, JSON_REPLACE and JSON_REMOVE (alone and nested) at existing and new members, array
    /// cells inside and past the end, `last`, quoted and unicode member names, values of every kind;
    /// now and then a function MySQL cannot log as diffs, or both JSON columns at once.
    @Test func seededRandomPathsAndOperationsMatchSelect() throws {
        var table = try PartialJSONTable("random", definition: Self.definition, jsonColumns: ["doc", "other"], rows: [
            "(1, 0, 'one', \(Self.objectDocument), 1, \(Self.arrayDocument), 'n')",
            "(2, 0, 'two', \(Self.arrayDocument), 2, JSON_OBJECT('pad', \(Self.pad), 'list', JSON_ARRAY(1, 2, 3)), NULL)",
            "(3, 0, 'three', JSON_OBJECT('pad', \(Self.pad)), 3, JSON_OBJECT('pad', \(Self.pad), 'o', JSON_OBJECT()), 'x')",
        ])
        var random = RandomJSONChanges(generator: SeededGenerator(seed: 0x9a27_1a15))
        for _ in 0..<300 {
            let id = random.int(1...3)
            var assignments: [String] = []
            for column in random.int(0...5) == 0 ? ["doc", "other"] : [random.int(0...1) == 0 ? "doc" : "other"] {
                guard let text = try table.current(column, id: id) else { continue }
                assignments.append("\(column) = \(random.change(of: column, current: try TestJSON.parse(text)))")
            }
            if assignments.isEmpty { assignments.append("label = 'touched'") }
            try table.update(assignments.joined(separator: ", "), where: "id = \(id)")
        }
        let outcome = try table.verify(try table.finish())
        #expect(outcome.updatesChecked == table.rowUpdates && table.rowUpdates == 300, "update row images checked: \(outcome.updatesChecked)")
        #expect(outcome.documentsFromDiffs >= 150, "documents built from diffs: \(outcome.documentsFromDiffs)")
    }
}

/// Draws JSON changes as SQL: a JSON function over the column with paths taken from its current document.
struct RandomJSONChanges {
    var generator: SeededGenerator

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

    static let keys = ["a", "b2", "key", "longer_key_name", "ключ", "with space", "quote\"d", "back\\slash", "😀", "", "dot.ted",
                       "br[ack]et", "$dollar", "tab\tkey", "n", "list"]
    static let strings = ["plain", "ü日本😀", "quote \" and backslash \\", "line\nbreak", "\u{2028}", "", String(repeating: "x", count: 70), "tab\t"]

    /// A path leg for a member: `.name` for an ECMAScript-like identifier, else quoted with JSON escapes.
    static func member(_ name: String) -> String {
        let isIdentifier = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "_" || $0 == "$" || ("0"..."9").contains($0) }
            && !("0"..."9").contains(name.unicodeScalars.first!)
        guard !isIdentifier || name.unicodeScalars.contains(where: { !$0.isASCII }) else { return "." + name }
        var quoted = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\t": quoted += "\\t"
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return ".\(quoted)\""
    }

    /// Every value of a document with its path (the root's is `$`), leaving out the long padding strings.
    static func places(_ value: TestJSON, _ path: String = "$", into places: inout [(path: String, value: TestJSON)]) {
        if case .string(let text) = value, text.count >= 300 { return }
        places.append((path, value))
        switch value {
        case .object(let members):
            for (key, element) in members { Self.places(element, path + member(key), into: &places) }
        case .array(let elements):
            for (index, element) in elements.enumerated() { Self.places(element, path + "[\(index)]", into: &places) }
        default:
            break
        }
    }

    /// A JSON value as SQL: scalars of every kind, and objects and arrays of them (up to `depth` deep).
    mutating func value(depth: Int = 2) -> String {
        switch int(0...11) {
        case 0: return String(int(-40...40))
        case 1: return pick(["9223372036854775807", "-9223372036854775808", "18446744073709551615", "4294967295", "-2147483649", "65535"])
        case 2: return pick(["1.5e0", "-2.25e-7", "3.141592653589793e0", "1e300", "0.1e0"])
        case 3: return pick(["1.25", "CAST(-0.001 AS DECIMAL(10,3))", "CAST(123456789.5 AS DECIMAL(20,2))"])
        case 4, 5: return pick(Self.strings).sqlLiteral
        case 6: return pick(["NULL", "TRUE", "FALSE"])
        case 7: return pick(["CAST('2026-02-28' AS DATE)", "CAST('2026-02-28 23:59:59.999999' AS DATETIME(6))", "CAST('838:59:59' AS TIME)"])
        case 8 where depth > 0:
            let members = (0..<int(0...3)).map { _ in "\(pick(Self.keys).sqlLiteral), \(value(depth: depth - 1))" }
            return "JSON_OBJECT(\(members.joined(separator: ", ")))"
        case 9 where depth > 0:
            return "JSON_ARRAY(\((0..<int(0...3)).map { _ in value(depth: depth - 1) }.joined(separator: ", ")))"
        case 10: return "CAST(\(pick(["[]", "{}", "[1, [2, [3]]]", "{\"k\": {\"k\": null}}"]).sqlLiteral) AS JSON)"
        default: return String(int(-1_000_000...1_000_000))
        }
    }

    /// A new value for `column` whose document is `current`, as an SQL expression.
    mutating func change(of column: String, current: TestJSON) -> String {
        var places: [(path: String, value: TestJSON)] = []
        Self.places(current, into: &places)
        let inner = places.dropFirst()  // not the root
        let containers = places.filter { if case .object = $0.value { return true }; if case .array = $0.value { return true }; return false }
        func newPath() -> String {
            let (path, value) = pick(containers.isEmpty ? [("$", current)] : containers)
            switch value {
            case .object: return path + Self.member(pick(Self.keys))
            case .array(let elements):
                switch int(0...3) {
                case 0: return path + "[last]"
                case 1 where elements.count > 1: return path + "[last-1]"
                default: return path + "[\(elements.count + int(0...2))]"
                }
            default: return path + "[1]"  // auto-wrapped
            }
        }
        func existingPath() -> String { inner.isEmpty ? newPath() : pick(Array(inner)).path }
        let size = current.description.utf8.count
        switch int(0...12) {
        case 0, 1, 2: return "JSON_SET(\(column), \(existingPath().sqlLiteral), \(value()))"
        case 3, 4: return "JSON_SET(\(column), \(newPath().sqlLiteral), \(value()))"
        case 5: return "JSON_REPLACE(\(column), \(existingPath().sqlLiteral), \(value()), \(existingPath().sqlLiteral), \(value()))"
        case 6 where !inner.isEmpty, 7 where !inner.isEmpty: return "JSON_REMOVE(\(column), \(existingPath().sqlLiteral))"
        case 8:
            return "JSON_REMOVE(JSON_SET(\(column), \(newPath().sqlLiteral), \(value()), \(existingPath().sqlLiteral), \(value())), \(existingPath().sqlLiteral))"
        case 9 where size > 3000:
            return "JSON_REMOVE(\(column), \(existingPath().sqlLiteral), \(existingPath().sqlLiteral))"
        case 10: return "JSON_SET(\(column), \(newPath().sqlLiteral), \(value()), \(newPath().sqlLiteral), \(value()))"
        case 11:
            let path = pick(containers.isEmpty ? [("$", current)] : containers).path
            return pick(["JSON_ARRAY_APPEND(\(column), \(path.sqlLiteral), \(value()))", "JSON_ARRAY_INSERT(\(column), \((path + "[0]").sqlLiteral), \(value()))"])
        default: return "JSON_SET(\(column), \(existingPath().sqlLiteral), \(value()))"
        }
    }
}
