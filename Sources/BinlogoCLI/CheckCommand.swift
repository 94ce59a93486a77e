import ArgumentParser
import Pipeline

/// `binlogo check --config F`: validates the configuration and exits non-zero on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a configuration.")

    @Option(help: "The main configuration file.")
    var config: String = "/etc/binlogo/binlogo.yaml"

    func run() throws {
        do {
            let configuration = try ConfigurationLoader.load(path: config)
            print("\(config): OK, \(configuration.pipelines.count) pipeline(s): \(configuration.pipelines.map(\.name).joined(separator: ", "))")
        } catch {
            throw CommandFailure("binlogo check: \(error)")
        }
    }
}
