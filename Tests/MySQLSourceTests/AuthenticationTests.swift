import Foundation
import Logging
import MySQLSource
import Synchronization
import TestBench
import Testing

/// Logging in to MySQL 9 with caching_sha2_password (its default, and its only built-in password
/// plugin) for real, over TLS, over a unix socket and over plain TCP with the server's RSA key from a
/// file or fetched when allowed; both the "fast path" (the server has the account's hash cached) and
/// the full exchange (first login after the account's creation, `FLUSH PRIVILEGES` or a restart).
/// MariaDB's mysql_native_password and ed25519 accounts keep working beside them.
@Suite(.serialized) struct AuthenticationTests {
    static let password = "Cdc-pw_7sQz!x"

    /// Starts `BinlogSource` as `account` on the server's current position, makes `rows` inserts as root
    /// and checks that the source hands on exactly what SELECT shows, in order.
    private func streamRows(_ configuration: SourceConfiguration, sandbox: SandboxServer, database: TestDatabase, rows: ClosedRange<Int>,
                            logger: Logger? = nil) throws -> SourceRecorder {
        let recorder = SourceRecorder(configuration: configuration, database: database.name, logger: logger)
        try expectRows(rows, reach: recorder, database: database)
        return recorder
    }

    /// Inserts `rows` into `t` and expects the recorder to have every row of `t` that SELECT shows.
    private func expectRows(_ rows: ClosedRange<Int>, reach recorder: SourceRecorder, database: TestDatabase) throws {
        let writer = try database.connect()
        for id in rows { try writer.execute("INSERT INTO t VALUES (\(id), 'row \(id)')") }
        let selected = try writer.query("SELECT id, v FROM t ORDER BY id").map { "{\"id\":\($0[0]!),\"v\":\"\($0[1]!)\"}" }
        #expect(recorder.wait { $0.count >= selected.count }, "stopped with \(String(describing: recorder.stopError))")
        #expect(recorder.changes.map(\.row) == selected)
        #expect(recorder.changes.allSatisfy { $0.kind == "insert" && $0.table == "t" })
    }

    /// A database with table `t`, an account for binlogo and a source configuration for it from the current position.
    private func prepare(_ sandbox: SandboxServer, plugin: String = "caching_sha2_password") throws
        -> (TestDatabase, MySQLAccount, SourceConfiguration) {
        let database = try TestDatabase.create(prefix: "auth", on: sandbox)
        try database.connect().execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        let account = try MySQLAccount.create(on: sandbox, plugin: plugin, password: Self.password, database: database.name)
        let start = try sandbox.connect().currentBinlogPosition()
        var configuration = sandbox.sourceConfiguration(start: .file(start.file, position: start.position), user: account.user,
                                                        password: .inline(Self.password), maximumAttempts: 3)
        // No key file unless a test gives one: these tests are about where the key comes from.
        configuration.connection.serverPublicKeyFile = nil
        return (database, account, configuration)
    }

    /// The server's public key as an operator gets it (`SHOW STATUS` as an administrator), in a file.
    private func publicKeyFile(of sandbox: SandboxServer, variable: String = "Caching_sha2_password_rsa_public_key") throws -> String {
        let key = try #require(try sandbox.connect().query("SHOW STATUS LIKE '\(variable)'").first?[1])
        #expect(key.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-key-\(UUID().uuidString.prefix(8)).pem").path
        try key.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func cachingSHA2OverVerifiedTLSStreamsBeforeAndAfterFlushPrivileges() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let sandbox = try SandboxServer.start(.mysql, options: certificates.serverOptions)
        defer { try? sandbox.stop() }
        let (database, account, plain) = try prepare(sandbox)
        var configuration = plain
        configuration.connection.tls = TLSOptions(caFile: certificates.caFile)
        // The first login after CREATE USER is a full exchange: the password, in clear inside TLS.
        let logs = CapturedLogs()
        let recorder = try streamRows(configuration, sandbox: sandbox, database: database, rows: 1...3, logger: logs.logger)
        defer { recorder.stop() }
        #expect(try account.connect(configuration.connection, password: Self.password).query("SHOW STATUS LIKE 'Ssl_cipher'").first?[1]?.isEmpty == false)

        // FLUSH PRIVILEGES empties the cache: the replication connection, killed, logs in the full way again.
        try sandbox.connect().execute("FLUSH PRIVILEGES")
        try account.killConnections()
        try expectRows(4...6, reach: recorder, database: database)
        #expect(recorder.reconnects >= 1)
        #expect(recorder.stopError == nil)
        #expect(!logs.text.isEmpty && !logs.text.contains(Self.password), "the password never appears in the logs")
    }

    @Test func cachingSHA2OverPlainTCPWithTheKeyFileStreamsAcrossARestart() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let (database, _, plain) = try prepare(sandbox)
        let keyFile = try publicKeyFile(of: sandbox)
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        var configuration = plain
        configuration.connection.serverPublicKeyFile = keyFile
        configuration.reconnect = ReconnectPolicy(initialDelaySeconds: 0.1, maximumDelaySeconds: 1, maximumAttempts: 100)
        let logs = CapturedLogs()
        let recorder = try streamRows(configuration, sandbox: sandbox, database: database, rows: 1...3, logger: logs.logger)
        defer { recorder.stop() }
        // A restart empties the cache: the source reconnects with the full exchange, RSA-encrypted.
        _ = try sandbox.restart()
        try expectRows(4...6, reach: recorder, database: database)
        #expect(recorder.reconnects >= 1)
        #expect(recorder.stopError == nil)
        #expect(!logs.text.contains(Self.password), "the password never appears in the logs")
    }

    /// Which way a login went, seen from outside: a wrong key file fails only the full exchange.
    @Test func theFastPathSkipsTheKeyAndTheFullExchangeUsesIt() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let (_, account, configuration) = try prepare(sandbox)
        let rightKey = try publicKeyFile(of: sandbox)
        let wrongKey = try TestCertificates.otherPublicKeyFile()
        defer { try? FileManager.default.removeItem(atPath: rightKey); try? FileManager.default.removeItem(atPath: wrongKey) }
        var right = configuration.connection
        right.serverPublicKeyFile = rightKey
        var wrong = configuration.connection
        wrong.serverPublicKeyFile = wrongKey

        // Nothing cached after CREATE USER: the full exchange, which the wrong key fails.
        #expect(throws: MySQLError.self) { try account.connect(wrong, password: Self.password) }
        #expect(try account.connect(right, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
        // Cached now: the fast path, which needs no key.
        #expect(try account.connect(wrong, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
        try sandbox.connect().execute("FLUSH PRIVILEGES")
        let refused = #expect(throws: MySQLError.self) { try account.connect(wrong, password: Self.password) }
        #expect(refused?.code == 1045)
        let source = try SourceErrorProbe.stopError(configuration: { var c = configuration; c.connection = wrong; return c }())
        #expect(source.kind == .refused)
        #expect(source.description.hasSuffix("(MySQL error 1045): check the user and password, and that mysql.server_public_key_file \(wrongKey) is this server's public key"))
        // A restart empties the cache too.
        _ = try sandbox.restart()
        #expect(throws: MySQLError.self) { try account.connect(wrong, password: Self.password) }
        #expect(try account.connect(right, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
        #expect(try account.connect(wrong, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
    }

    @Test func fetchingTheKeyOnlyWhenAllowed() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let (database, account, plain) = try prepare(sandbox)
        // Not allowed (the default): refused before the password leaves, even once the account is cached.
        for cached in [false, true] {
            let error = try SourceErrorProbe.stopError(configuration: plain)
            #expect(error.kind == .refused, "cached: \(cached)")
            #expect(error.serverCode == 2061)
            #expect(error.description == "connect to \(plain.connection.endpointDescription): caching_sha2_password over plain TCP needs the server's RSA public key to send the password: set mysql.server_public_key_file to a copy of the server's key (SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key'), or use TLS (mysql.tls), or set mysql.get_server_public_key: true to fetch it from the server (a man in the middle could send his own and read the password) (MySQL error 2061)")
            if !cached {
                var overTLS = plain.connection
                overTLS.tls = TLSOptions(verifyServerCertificate: false)
                try account.connect(overTLS, password: Self.password)
            }
        }
        try sandbox.connect().execute("FLUSH PRIVILEGES")
        var allowed = plain
        allowed.connection.getServerPublicKey = true
        let recorder = try streamRows(allowed, sandbox: sandbox, database: database, rows: 1...2)
        recorder.stop()
    }

    @Test func aUnixSocketNeedsNoKey() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let (database, _, plain) = try prepare(sandbox)
        var configuration = plain
        configuration.connection.socketPath = sandbox.socketPath
        let recorder = try streamRows(configuration, sandbox: sandbox, database: database, rows: 1...2)
        recorder.stop()
    }

    @Test func wrongPasswordAndUnusableKeyFilesAreOneLine() throws {
        let sandbox = try SandboxServer.shared(.mysql)
        let (_, account, plain) = try prepare(sandbox)
        defer { account.drop() }
        var wrongPassword = plain
        wrongPassword.password = .inline("Not-the-pw-42")
        wrongPassword.connection.tls = TLSOptions(verifyServerCertificate: false)
        let refused = try SourceErrorProbe.stopError(configuration: wrongPassword)
        #expect(refused.kind == .refused)
        #expect(refused.description == "connect to \(plain.connection.endpointDescription): Access denied for user \(account.quotedForMessages) (using password: YES) (MySQL error 1045): check the user and password")
        #expect(!refused.description.contains("Not-the-pw-42") && !refused.description.contains(Self.password))

        var missing = plain
        missing.connection.serverPublicKeyFile = "/nonexistent/mysql-key.pem"
        let missingError = try SourceErrorProbe.stopError(configuration: missing)
        #expect(missingError.kind == .configuration)
        #expect(missingError.description == "mysql.server_public_key_file /nonexistent/mysql-key.pem cannot be read: No such file or directory: copy the server's public key there (SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' as an administrator)")

        let notAKey = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-notakey-\(UUID().uuidString.prefix(8)).pem").path
        try "ssh-rsa AAAAB3Nza… not a PEM key\n".write(toFile: notAKey, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: notAKey) }
        var garbage = plain
        garbage.connection.serverPublicKeyFile = notAKey
        let garbageError = try SourceErrorProbe.stopError(configuration: garbage)
        #expect(garbageError.kind == .configuration)
        #expect(garbageError.description == "mysql.server_public_key_file \(notAKey) holds no PEM public key (-----BEGIN PUBLIC KEY-----): copy the server's public key there (SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' as an administrator)")
        for error in [refused, missingError, garbageError] { #expect(!error.description.contains("\n")) }
    }

    /// sha256_password (deprecated, still in MySQL 9) takes the same settings: it always needs the key or TLS.
    @Test func sha256PasswordWithTheKeyFileOrTLS() throws {
        let sandbox = try SandboxServer.start(.mysql)
        defer { try? sandbox.stop() }
        let (_, account, configuration) = try prepare(sandbox, plugin: "sha256_password")
        let keyFile = try publicKeyFile(of: sandbox, variable: "Rsa_public_key")
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        var withKey = configuration.connection
        withKey.serverPublicKeyFile = keyFile
        #expect(try account.connect(withKey, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
        var overTLS = configuration.connection
        overTLS.tls = TLSOptions(verifyServerCertificate: false)
        #expect(try account.connect(overTLS, password: Self.password).queryValue("SELECT CURRENT_USER()") == account.currentUser)
        let refused = #expect(throws: MySQLError.self) { try account.connect(configuration.connection, password: Self.password) }
        #expect(refused?.code == 2061)
        #expect(refused?.message.hasPrefix("sha256_password over plain TCP needs the server's RSA public key") == true)
        #expect(refused?.message.contains("SHOW STATUS LIKE 'Rsa_public_key'") == true)
    }

    /// MariaDB's accounts: mysql_native_password and ed25519 over plain TCP, unaffected by binlogo's plugins.
    @Test(arguments: ["mysql_native_password", "ed25519"]) func mariaDBAccountsStream(plugin: String) throws {
        let sandbox = try SandboxServer.start(.mariadb, options: ["--plugin-load-add=auth_ed25519"])
        defer { try? sandbox.stop() }
        let (database, account, configuration) = try prepare(sandbox, plugin: plugin)
        #expect(try sandbox.connect().queryValue("SELECT plugin FROM mysql.user WHERE user = '\(account.user)'") == plugin)
        let recorder = try streamRows(configuration, sandbox: sandbox, database: database, rows: 1...3)
        recorder.stop()
    }
}

/// An account for binlogo with the replication grants and SELECT on one database.
struct MySQLAccount {
    let sandbox: SandboxServer
    let user: String

    static func create(on sandbox: SandboxServer, plugin: String, password: String, database: String,
                       grants: String = "REPLICATION SLAVE, REPLICATION CLIENT") throws -> MySQLAccount {
        let user = "binlogo_\(UUID().uuidString.prefix(6).lowercased())"
        let admin = try sandbox.connect()
        let identified = switch sandbox.flavor {
        case .mariadb: "IDENTIFIED VIA \(plugin) USING PASSWORD('\(password)')"
        case .mysql: "IDENTIFIED WITH \(plugin) BY '\(password)'"
        }
        try admin.execute("CREATE USER '\(user)'@'%' \(identified)")
        try admin.execute("GRANT \(grants) ON *.* TO '\(user)'@'%'")
        try admin.execute("GRANT SELECT ON `\(database)`.* TO '\(user)'@'%'")
        return MySQLAccount(sandbox: sandbox, user: user)
    }

    /// What CURRENT_USER() says for it.
    var currentUser: String { "\(user)@%" }
    /// How the server names it in errors.
    var quotedForMessages: String { "'\(user)'@'127.0.0.1'" }

    /// A new connection as this account over `options` (host, port, TLS, key settings).
    @discardableResult
    func connect(_ options: MySQLConnectionOptions, password: String) throws -> MySQLConnection {
        var options = options
        options.user = user
        options.password = password
        return try MySQLConnection(options)
    }

    /// Kills the account's connections (the source's), so that it logs in again.
    func killConnections() throws {
        let admin = try sandbox.connect()
        for id in try admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '\(user)'").compactMap({ $0[0] }) {
            try? admin.execute("KILL \(id)")
        }
    }

    func drop() {
        try? sandbox.connect().execute("DROP USER '\(user)'@'%'")
    }
}

/// Runs a source until it stops by itself and returns why.
enum SourceErrorProbe {
    static func stopError(configuration: SourceConfiguration) throws -> SourceError {
        let recorder = SourceRecorder(configuration: configuration, database: "none")
        #expect(recorder.waitUntilStopped(seconds: 30))
        return try #require(recorder.stopError)
    }
}

/// Every line a logger wrote, at every level, as text with its metadata.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "binlogo.test.captured") { _ in Handler(logs: self) }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
        }
    }
}

/// A CA and a server certificate for 127.0.0.1 made by openssl, for a sandbox that offers verified TLS.
struct TestCertificates {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var serverOptions: [String] {
        ["--ssl-ca=\(directory)/ca.pem", "--ssl-cert=\(directory)/server.pem", "--ssl-key=\(directory)/server.key"]
    }

    static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-certs-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let openssl = "/usr/bin/openssl"
        try runCommand(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=binlogo test ca",
                                 "-keyout", directory + "/ca.key", "-out", directory + "/ca.pem"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        try runCommand(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", directory + "/server.key",
                                 "-out", directory + "/server.csr"])
        try runCommand(openssl, ["x509", "-req", "-in", directory + "/server.csr", "-CA", directory + "/ca.pem", "-CAkey", directory + "/ca.key",
                                 "-CAcreateserial", "-CAserial", directory + "/ca.srl", "-days", "1", "-extfile", directory + "/san.ext",
                                 "-out", directory + "/server.pem"])
        return TestCertificates(directory: directory)
    }

    /// The public half of a fresh RSA key that no server has, in a PEM file.
    static func otherPublicKeyFile() throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-otherkey-\(UUID().uuidString.prefix(8))").path
        try runCommand("/usr/bin/openssl", ["genrsa", "-out", base + ".key", "2048"])
        try runCommand("/usr/bin/openssl", ["rsa", "-in", base + ".key", "-pubout", "-out", base + ".pem"])
        try? FileManager.default.removeItem(atPath: base + ".key")
        return base + ".pem"
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
