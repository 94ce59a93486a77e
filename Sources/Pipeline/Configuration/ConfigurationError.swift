/// A mistake in a configuration file: one line with the file, the line, the key path and the fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    /// The dotted path of the key, e.g. `pipelines[0].output.kafka.profile`.
    public let keyPath: String
    public let message: String

    /// Line breaks and other control characters in the key path and message (values quoted from
    /// the file) are escaped, so the error stays one line.
    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = Self.oneLine(keyPath)
        self.message = Self.oneLine(message)
    }

    private static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.properties.generalCategory == .control: escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(keyPath.isEmpty ? "" : "\(keyPath): ")\(message)"
    }
}
