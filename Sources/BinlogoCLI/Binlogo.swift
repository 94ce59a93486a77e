import ArgumentParser

@main
struct Binlogo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binlogo",
        abstract: "Stream MySQL/MariaDB row changes to Kafka as JSON.",
        subcommands: [RunCommand.self, CheckCommand.self, StatusCommand.self, PositionCommand.self, SnapshotCommand.self, DumpCommand.self, VersionCommand.self]
    )

    /// As ArgumentParser's own `main`, except that a wrong argument is one line on stderr (the
    /// mistake and where to read the usage) rather than the usage text; exit code 64 as before.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let line = Array("Error: \(message(for: error)) (see `binlogo --help`)\n".utf8)
            line.withUnsafeBytes { _ = writeAll($0, to: 2) }
            exit(withError: ExitCode.validationFailure)
        }
    }
}
