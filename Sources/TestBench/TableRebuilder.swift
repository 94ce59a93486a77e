import Foundation

/// Rebuilds tables from consumed change messages (applied per key in offset order) for comparison
/// with `SELECT *` on the source.
public struct TableRebuilder {
    public init() {}

    /// table → primary key text → row as column → value text (NULLs left out).
    public private(set) var tables: [String: [String: [String: String]]] = [:]
    public private(set) var ddl: [String] = []
    public private(set) var messages = 0

    public mutating func apply(_ consumed: [ConsumedMessage]) throws {
        for message in consumed.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let object = try JSONSerialization.jsonObject(with: Data(message.value)) as! [String: Any]
            let head = object["head"] as! [String: Any]
            let data = object["data"] as! [String: Any]
            messages += 1
            let type = head["type"] as! String
            if type == "ddl" {
                ddl.append(data["sql"] as! String)
                continue
            }
            let table = "\(head["database"]!).\(head["table"]!)"
            if let old = data["old"] as? [String: Any] { tables[table, default: [:]][Self.key(old)] = nil }
            if let new = data["new"] as? [String: Any] { tables[table, default: [:]][Self.key(new)] = Self.texts(new) }
        }
    }

    static func key(_ row: [String: Any]) -> String { "\((row["id"] as! NSNumber).intValue)" }

    /// Column → text, NULLs left out (a column added later is absent from older messages, which is the same).
    static func texts(_ row: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for (column, value) in row where !(value is NSNull) {
            result[column] = (value as? NSNumber).map { normalise("\($0.doubleValue)") } ?? normalise("\(value)")
        }
        return result
    }

    /// Numbers compared by value (`12.50` and `12.5`), other text as it is.
    static func normalise(_ text: String) -> String {
        guard text.first.map({ $0.isNumber || $0 == "-" }) == true, let number = Double(text) else { return text }
        return "\(number)"
    }

    /// The source's rows as column → text (NULLs left out), keyed by id.
    public static func select(_ rows: [[String?]], columns: [String]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for row in rows {
            var values: [String: String] = [:]
            for (index, column) in columns.enumerated() {
                if let text = row[index] { values[column] = normalise(text) }
            }
            result[row[0]!] = values
        }
        return result
    }

    /// The first rows that differ, for a readable failure (nil when equal).
    public static func firstDifferences(_ actual: [String: [String: String]], _ expected: [String: [String: String]]) -> String? {
        let keys = Set(actual.keys).union(expected.keys).sorted()
        let differing = keys.filter { actual[$0] != expected[$0] }.prefix(3)
        guard !differing.isEmpty else { return nil }
        return differing.map { "id \($0): published \(String(describing: actual[$0])), source \(String(describing: expected[$0]))" }
            .joined(separator: "; ") + " (\(keys.filter { actual[$0] != expected[$0] }.count) rows differ)"
    }
}
