import Foundation
import MySQLSource

extension MariaDBSandbox {
    /// A source configuration for this server as root, starting at `start`.
    public func sourceConfiguration(start: StartPosition, serverID: UInt32 = UInt32.random(in: 10_000...4_000_000),
                             user: String = "root", password: PasswordSource = .none,
                             maximumAttempts: Int? = nil) -> SourceConfiguration {
        var options = connectionOptions()
        options.user = user
        return SourceConfiguration(connection: options, password: password, serverID: serverID, start: start,
                                   heartbeatSeconds: 1,
                                   reconnect: ReconnectPolicy(initialDelaySeconds: 0.1, maximumDelaySeconds: 1, maximumAttempts: maximumAttempts))
    }
}

extension KafkaMockProcess {
    /// A topic of its own on this cluster.
    public func newTopic(_ prefix: String, partitions: Int = 3) throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try control("create-topic \(name) \(partitions) 1")
        return name
    }
}
