import Pipeline

/// Loads the configuration file at `path` and finds pipeline `name` in it, for a command working on one
/// pipeline; the errors are one line, starting with `command` (`binlogo position`, `binlogo snapshot`).
func configuredPipeline(_ name: String, in path: String, command: String) throws -> (daemon: DaemonConfiguration, pipeline: PipelineConfiguration) {
    let configuration: DaemonConfiguration
    do {
        configuration = try ConfigurationLoader.load(path: path)
    } catch {
        throw CommandFailure("\(command): \(error)")
    }
    guard let pipeline = configuration.pipelines.first(where: { $0.name == name }) else {
        let known = configuration.pipelines.map(\.name).joined(separator: ", ")
        throw CommandFailure("\(command): no pipeline \(name) in \(path) (pipelines: \(known.isEmpty ? "none" : known))")
    }
    return (configuration, pipeline)
}
