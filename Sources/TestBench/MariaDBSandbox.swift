import Foundation
import Synchronization
import MySQLSource

/// A throwaway MariaDB server in a folder of its own, started by `scripts/mariadb-sandbox.sh`.
///
/// The shared sandbox of a test run comes from `BINLOGO_MYSQL_*` variables set by
/// `scripts/test.sh`; tests that need a server of their own (other settings, restarts)
/// start one with `start(options:)` and stop it when done.
public final class MariaDBSandbox: Sendable {
    public let directory: String
    public let host: String
    public let port: UInt32
    public let socketPath: String
    /// TLS for the TCP connections tests make, for a server that requires it.
    public let tls: TLSOptions?
    /// False for the shared sandbox, which the test script stops.
    private let ownsServer: Bool

    init(directory: String, host: String, port: UInt32, socketPath: String, ownsServer: Bool, tls: TLSOptions? = nil) {
        self.directory = directory
        self.host = host
        self.port = port
        self.socketPath = socketPath
        self.ownsServer = ownsServer
        self.tls = tls
    }

    /// The same server, reached over TLS trusting `caFile`; stopping it stays with the original.
    public func withTLS(caFile: String) -> MariaDBSandbox {
        MariaDBSandbox(directory: directory, host: host, port: port, socketPath: socketPath, ownsServer: false,
                       tls: TLSOptions(caFile: caFile))
    }

    /// Starts a new server in a new temporary folder; extra mariadbd options override the sandbox defaults.
    public static func start(options: [String] = []) throws -> MariaDBSandbox {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("binlogo-mariadb-\(UUID().uuidString.prefix(8))").path
        return try start(in: directory, options: options, ownsServer: true)
    }

    private static func start(in directory: String, options: [String], ownsServer: Bool) throws -> MariaDBSandbox {
        let script = PackagePaths.scripts.appendingPathComponent("mariadb-sandbox.sh").path
        try runCommand("/bin/bash", [script, "start", directory] + options)
        let values = try readAssignments(directory + "/env")
        guard let portText = values["BINLOGO_MYSQL_PORT"], let port = UInt32(portText),
              let socket = values["BINLOGO_MYSQL_SOCKET"] else {
            throw TestBenchError("the sandbox in \(directory) wrote no usable env file")
        }
        return MariaDBSandbox(directory: directory, host: values["BINLOGO_MYSQL_HOST"] ?? "127.0.0.1",
                              port: port, socketPath: socket, ownsServer: ownsServer)
    }

    /// Restarts the server in place (same data, same binlogs, same port).
    public func restart(options: [String] = []) throws -> MariaDBSandbox {
        try MariaDBSandbox.start(in: directory, options: options, ownsServer: ownsServer)
    }

    /// Stops a server this process started; the shared one is left to the test script.
    public func stop() throws {
        guard ownsServer else { return }
        let script = PackagePaths.scripts.appendingPathComponent("mariadb-sandbox.sh").path
        try runCommand("/bin/bash", [script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Where a client reaches this server as root over TCP.
    public func connectionOptions(database: String? = nil) -> MySQLConnectionOptions {
        MySQLConnectionOptions(host: host, port: port, user: "root", database: database, tls: tls)
    }

    /// A new root connection over TCP.
    public func connect(database: String? = nil) throws -> MySQLConnection {
        try MySQLConnection(connectionOptions(database: database))
    }

    /// The server every test of this run shares: from the environment, else started once for this process.
    public static func shared() throws -> MariaDBSandbox {
        try SharedMariaDB.instance.get()
    }
}

private enum SharedMariaDB {
    static let instance: Result<MariaDBSandbox, any Error> = Result {
        let environment = ProcessInfo.processInfo.environment
        if let portText = environment["BINLOGO_MYSQL_PORT"], let port = UInt32(portText),
           let socket = environment["BINLOGO_MYSQL_SOCKET"] {
            return MariaDBSandbox(directory: URL(fileURLWithPath: socket).deletingLastPathComponent().path,
                                  host: environment["BINLOGO_MYSQL_HOST"] ?? "127.0.0.1",
                                  port: port, socketPath: socket, ownsServer: false)
        }
        let sandbox = try MariaDBSandbox.start()
        SharedMariaDBCleanup.directory.withLock { $0 = sandbox.directory }
        atexit { SharedMariaDBCleanup.stop() }
        return sandbox
    }
}

/// Stops a sandbox that this process started for itself when the process exits.
///
/// Runs from `atexit`, where Foundation's Process can no longer be used, so it calls `system`.
private enum SharedMariaDBCleanup {
    static let directory = Mutex<String?>(nil)

    static func stop() {
        guard let directory = directory.withLock({ $0 }) else { return }
        let script = PackagePaths.scripts.appendingPathComponent("mariadb-sandbox.sh").path
        _ = system("bash '\(script)' stop '\(directory)' >/dev/null 2>&1; rm -rf '\(directory)'")
    }
}
