import ArgumentParser

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print binlogo's version.")
    func run() { print("binlogo \(BinlogoVersion.current)") }
}

enum BinlogoVersion {
    static let current = "0.1.0-dev"
}
