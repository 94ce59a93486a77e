/// A mistake in a configuration file: one line with the file, the line, the key path and the fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int?
    /// The dotted path of the key, e.g. `pipelines[0].output.kafka.profile`.
    public let keyPath: String
    public let message: String

    public init(file: String, line: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(keyPath.isEmpty ? "" : "\(keyPath): ")\(message)"
    }
}
