import Yams

/// A YAML node with where it came from, for strict reading: every accessor checks the type and
/// every error names the file, the line and the key path.
struct ConfigNode {
    let node: Node
    let file: String
    let path: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, keyPath: path, message: message)
    }

    private func child(_ node: Node, _ key: String) -> ConfigNode {
        ConfigNode(node: node, file: file, path: path.isEmpty ? key : "\(path).\(key)")
    }

    /// The mapping's entries; an unknown or repeated key is an error.
    func mapping(allowed: Set<String>) throws(ConfigurationError) -> [String: ConfigNode] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of keys, got \(kind)") }
        var entries: [String: ConfigNode] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw ConfigNode(node: keyNode, file: file, path: path).error("keys must be strings") }
            let entry = child(value, key)
            guard allowed.contains(key) else {
                throw ConfigNode(node: keyNode, file: file, path: entry.path)
                    .error("unknown key (known here: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard entries[key] == nil else { throw ConfigNode(node: keyNode, file: file, path: entry.path).error("key given twice") }
            entries[key] = entry
        }
        return entries
    }

    /// A mapping with free-form keys (per-table settings, librdkafka properties).
    func dictionary() throws(ConfigurationError) -> [(String, ConfigNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(kind)") }
        var seen: Set<String> = []
        var entries: [(String, ConfigNode)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error("keys must be strings") }
            guard seen.insert(key).inserted else { throw ConfigNode(node: keyNode, file: file, path: "\(path).\(key)").error("key given twice") }
            entries.append((key, child(value, key)))
        }
        return entries
    }

    func sequence() throws(ConfigurationError) -> [ConfigNode] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, got \(kind)") }
        return sequence.enumerated().map { index, item in ConfigNode(node: item, file: file, path: "\(path)[\(index)]") }
    }

    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a string, got \(kind)") }
        return scalar.string
    }

    /// A scalar's text, for values that may be written as numbers or booleans (librdkafka properties).
    func scalarText() throws(ConfigurationError) -> String { try string() }

    func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else { throw error("expected a whole number, got \(kind)") }
        guard range.contains(value) else { throw error("\(value) is out of range \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string) else { throw error("expected a number, got \(kind)") }
        guard range.contains(value) else { throw error("\(value) is out of range \(range.lowerBound)…\(range.upperBound)") }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar(let scalar) = node else { throw error("expected true or false, got \(kind)") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \(scalar.string)")
        }
    }

    func stringList() throws(ConfigurationError) -> [String] {
        var values: [String] = []
        for item in try sequence() { values.append(try item.string()) }
        return values
    }

    /// A size such as `64MiB`, `512KiB`, `1GiB` or a plain number of bytes.
    func byteSize() throws(ConfigurationError) -> Int {
        let text = try string().filter { !$0.isWhitespace }
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)), number > 0 else { break }
            return number * factor
        }
        guard let bytes = Int(text), bytes > 0 else { throw error("expected a size such as 64MiB, 512KiB or a number of bytes, got \(text)") }
        return bytes
    }

    private var kind: String {
        switch node {
        case .scalar(let scalar): return "\"\(scalar.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
