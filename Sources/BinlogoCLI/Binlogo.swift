import ArgumentParser

@main
struct Binlogo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binlogo",
        abstract: "Stream MySQL/MariaDB row changes to Kafka as JSON.",
        subcommands: [RunCommand.self, CheckCommand.self, StatusCommand.self, PositionCommand.self, DumpCommand.self, VersionCommand.self]
    )
}
