import Foundation
import Testing

/// systemd/binlogo.service against what the docs tell an operator to install and configure: every
/// path the daemon writes is writable under ProtectSystem=strict, and Documentation= points at a
/// file the documented installation puts there.
@Suite struct SystemdUnitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func text(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    private func values(_ unit: String, _ key: String) -> [String] {
        unit.split(separator: "\n").filter { $0.hasPrefix("\(key)=") }.flatMap { $0.dropFirst(key.count + 1).split(separator: " ").map(String.init) }
    }

    /// The absolute paths the unit makes writable: its state, logs and cache directories and ReadWritePaths.
    private func writablePaths(_ unit: String) -> [String] {
        values(unit, "StateDirectory").map { "/var/lib/\($0)" } + values(unit, "LogsDirectory").map { "/var/log/\($0)" }
            + values(unit, "ReadWritePaths").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "-")) }
    }

    @Test func theDocumentedLogFileAndStateDirectoryAreWritable() throws {
        let unit = try text("systemd/binlogo.service")
        #expect(values(unit, "ProtectSystem") == ["strict"])
        let example = try text("config/binlogo.yaml")
        let logFile = try #require(example.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "file: ") else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }.first)
        let stateDirectory = try #require(example.split(separator: "\n").first { $0.hasPrefix("state_dir: ") }.map { String($0.dropFirst(11).split(separator: " ")[0]) })
        let writable = writablePaths(unit)
        for path in [logFile, stateDirectory] {
            #expect(writable.contains { path == $0 || path.hasPrefix($0 + "/") }, "\(path) is read-only under ProtectSystem=strict (writable: \(writable))")
        }
        let operations = try text("Docs/operations.md")
        #expect(operations.contains("ReadWritePaths="), "the docs say how to make a non-default state_dir or log folder writable")
    }

    @Test func documentationPointsAtAFileTheInstallationInstalls() throws {
        let unit = try text("systemd/binlogo.service")
        let references = values(unit, "Documentation")
        #expect(!references.isEmpty)
        let operations = try text("Docs/operations.md")
        for reference in references {
            #expect(reference.hasPrefix("file://") || reference.hasPrefix("man:"), "no network hosts: \(reference)")
            guard reference.hasPrefix("file://") else { continue }
            let path = String(reference.dropFirst("file://".count))
            let installs = operations.split(separator: "\n").filter { $0.hasPrefix("install ") && $0.contains(path) }
            #expect(!installs.isEmpty, "nothing in the documented installation installs \(path)")
            for line in installs {
                let source = try #require(line.split(separator: " ").first { $0.hasPrefix("Docs/") || $0.hasPrefix("systemd/") || $0.hasPrefix("config/") })
                #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(String(source)).path), "\(source) is not in the repository")
            }
        }
    }
}
