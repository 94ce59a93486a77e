import Foundation
import Synchronization
import MySQLSource

/// The name tests used for a sandbox before MySQL joined the bench; a sandbox of either flavor.
public typealias MariaDBSandbox = SandboxServer

/// A throwaway MariaDB or MySQL server in a folder of its own, started by `scripts/mariadb-sandbox.sh`
/// or `scripts/mysql-sandbox.sh`.
///
/// The shared sandboxes of a test run come from `BINLOGO_MYSQL_*` (MariaDB) and `BINLOGO_MYSQL9_*`
/// (MySQL) variables set by `scripts/test.sh`; tests that need a server of their own (other settings,
/// restarts) start one with `start(_:options:)` and stop it when done.
public final class SandboxServer: Sendable {
    public let flavor: ServerFlavor
    public let directory: String
    public let host: String
    public let port: UInt32
    public let socketPath: String
    /// TLS for the TCP connections tests make, for a server that requires it.
    public let tls: TLSOptions?
    /// The server's RSA public key for password logins over plain TCP (`mysql.server_public_key_file`):
    /// a world-readable copy of the one MySQL generated (`BINLOGO_MYSQL_PUBLIC_KEY` in its env file);
    /// nil for MariaDB, whose logins need none.
    public let serverPublicKeyFile: String?
    /// False for the shared sandbox, which the test script stops.
    private let ownsServer: Bool

    init(flavor: ServerFlavor, directory: String, host: String, port: UInt32, socketPath: String, ownsServer: Bool,
         tls: TLSOptions? = nil, serverPublicKeyFile: String? = nil) {
        self.serverPublicKeyFile = serverPublicKeyFile
        self.flavor = flavor
        self.directory = directory
        self.host = host
        self.port = port
        self.socketPath = socketPath
        self.ownsServer = ownsServer
        self.tls = tls
    }

    /// The same server, reached over TLS trusting `caFile`; stopping it stays with the original.
    public func withTLS(caFile: String) -> SandboxServer {
        SandboxServer(flavor: flavor, directory: directory, host: host, port: port, socketPath: socketPath,
                      ownsServer: false, tls: TLSOptions(caFile: caFile), serverPublicKeyFile: serverPublicKeyFile)
    }

    /// Starts a new server in a new temporary folder; extra server options override the sandbox defaults.
    /// - Parameter flavor: nil for the server under test (`ServerFlavor.underTest`).
    public static func start(_ flavor: ServerFlavor? = nil, options: [String] = []) throws -> SandboxServer {
        let flavor = try flavor ?? ServerFlavor.underTest
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("binlogo-\(flavor.rawValue)-\(UUID().uuidString.prefix(8))").path
        return try start(flavor, in: directory, options: options, ownsServer: true)
    }

    private static func start(_ flavor: ServerFlavor, in directory: String, options: [String], ownsServer: Bool) throws -> SandboxServer {
        let script = PackagePaths.scripts.appendingPathComponent(flavor.script).path
        try runCommand("/bin/bash", [script, "start", directory] + options)
        let values = try readAssignments(directory + "/env")
        guard let portText = values["BINLOGO_MYSQL_PORT"], let port = UInt32(portText),
              let socket = values["BINLOGO_MYSQL_SOCKET"] else {
            throw TestBenchError("the sandbox in \(directory) wrote no usable env file")
        }
        return SandboxServer(flavor: flavor, directory: directory, host: values["BINLOGO_MYSQL_HOST"] ?? "127.0.0.1",
                             port: port, socketPath: socket, ownsServer: ownsServer,
                             serverPublicKeyFile: values["BINLOGO_MYSQL_PUBLIC_KEY"])
    }

    /// Restarts the server in place (same data, same binlogs, same port).
    public func restart(options: [String] = []) throws -> SandboxServer {
        try SandboxServer.start(flavor, in: directory, options: options, ownsServer: ownsServer)
    }

    /// Stops a server this process started; the shared one is left to the test script.
    public func stop() throws {
        guard ownsServer else { return }
        let script = PackagePaths.scripts.appendingPathComponent(flavor.script).path
        try runCommand("/bin/bash", [script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }


    /// Where a client reaches this server as root over TCP (on MySQL with its public key, so that
    /// password logins over plain TCP work as the operations guide tells operators to set them up).
    public func connectionOptions(database: String? = nil) -> MySQLConnectionOptions {
        MySQLConnectionOptions(host: host, port: port, user: "root", database: database, tls: tls,
                               serverPublicKeyFile: serverPublicKeyFile)
    }

    /// The YAML of `mysql.server_public_key_file` for a pipeline on this server (with a leading `, `),
    /// or nothing for MariaDB.
    public var serverPublicKeyYAML: String {
        serverPublicKeyFile.map { ", server_public_key_file: \"\($0)\"" } ?? ""
    }

    /// A new root connection over TCP.
    public func connect(database: String? = nil) throws -> MySQLConnection {
        try MySQLConnection(connectionOptions(database: database))
    }

    /// The server of this flavor every test of this run shares: from the environment, else started
    /// once for this process. Nil: the server under test (`ServerFlavor.underTest`).
    public static func shared(_ flavor: ServerFlavor? = nil) throws -> SandboxServer {
        switch try flavor ?? ServerFlavor.underTest {
        case .mariadb: try SharedSandbox.mariadb.get()
        case .mysql: try SharedSandbox.mysql.get()
        }
    }
}

private enum SharedSandbox {
    static let mariadb = find(.mariadb)
    static let mysql = find(.mysql)

    private static func find(_ flavor: ServerFlavor) -> Result<SandboxServer, any Error> {
        Result {
            let environment = ProcessInfo.processInfo.environment
            let prefix = flavor.environmentPrefix
            if let portText = environment["\(prefix)_PORT"], let port = UInt32(portText),
               let socket = environment["\(prefix)_SOCKET"] {
                return SandboxServer(flavor: flavor, directory: URL(fileURLWithPath: socket).deletingLastPathComponent().path,
                                     host: environment["\(prefix)_HOST"] ?? "127.0.0.1",
                                     port: port, socketPath: socket, ownsServer: false,
                                     serverPublicKeyFile: environment["\(prefix)_PUBLIC_KEY"])
            }
            let sandbox = try SandboxServer.start(flavor)
            SharedSandboxCleanup.register(sandbox)
            return sandbox
        }
    }
}

/// Stops the sandboxes that this process started for itself when the process exits.
///
/// Runs from `atexit`, where Foundation's Process can no longer be used, so it calls `system`.
private enum SharedSandboxCleanup {
    /// Script and folder of each sandbox to stop.
    static let started = Mutex<[(script: String, directory: String)]>([])

    static func register(_ sandbox: SandboxServer) {
        let script = PackagePaths.scripts.appendingPathComponent(sandbox.flavor.script).path
        let first = started.withLock { started in
            started.append((script, sandbox.directory))
            return started.count == 1
        }
        if first { atexit { SharedSandboxCleanup.stop() } }
    }

    static func stop() {
        for (script, directory) in started.withLock({ $0 }) {
            _ = system("bash '\(script)' stop '\(directory)' >/dev/null 2>&1; rm -rf '\(directory)'")
        }
    }
}
