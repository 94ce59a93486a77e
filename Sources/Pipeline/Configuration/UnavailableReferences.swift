import Foundation
import KafkaOutput
import MySQLSource

extension DaemonConfiguration {
    /// librdkafka properties that name a file binlogo's user must be able to read.
    static let kafkaFileProperties = ["ssl.ca.location", "ssl.certificate.location", "ssl.key.location", "ssl.keystore.location",
                                      "ssl.crl.location", "sasl.kerberos.keytab"]

    /// What the configuration refers to that is not there for this process: a password file or
    /// certificate it cannot read, a password variable that is not set. One line per problem, naming
    /// the pipeline, the key and the fix; empty when all is there. `binlogo check` and `binlogo run`
    /// refuse a configuration with any (without connecting anywhere); the values are never shown.
    public var unavailableReferences: [String] {
        var problems: [String] = []
        for pipeline in pipelines {
            let source = pipeline.source
            switch source.password {
            case .file(let path):
                if let reason = Self.unreadable(path) { problems.append("pipeline \(pipeline.name): mysql.password_file \(path) cannot be read: \(reason)") }
            case .environment(let name):
                if getenv(name) == nil {
                    problems.append("pipeline \(pipeline.name): mysql.password_env \(name) is not set in binlogo's environment: set it (under systemd: Environment= or EnvironmentFile= in a drop-in)")
                }
            case .none, .inline:
                break
            }
            if let tls = source.connection.tls {
                for (key, path) in [("ca", tls.caFile), ("cert", tls.certificateFile), ("key", tls.keyFile)] {
                    guard let path, let reason = Self.unreadable(path) else { continue }
                    problems.append("pipeline \(pipeline.name): mysql.tls.\(key) \(path) cannot be read: \(reason)")
                }
            }
            if let keyFile = source.connection.serverPublicKeyFile, let reason = Self.unreadable(keyFile) {
                problems.append("pipeline \(pipeline.name): mysql.server_public_key_file \(keyFile) cannot be read: \(reason)")
            }
            if case .kafka(let kafka) = pipeline.output {
                for key in Self.kafkaFileProperties {
                    guard let path = kafka.properties[key], path != "probe", let reason = Self.unreadable(path) else { continue }
                    problems.append("pipeline \(pipeline.name): output.kafka.properties \(key) \(path) cannot be read: \(reason)")
                }
            }
        }
        return problems
    }

    /// Why `path` cannot be opened for reading by this process, or nil when it can.
    private static func unreadable(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        close(descriptor)
        return nil
    }
}
