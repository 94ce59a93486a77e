import Foundation
import TestBench
import Testing

/// `binlogo check` as a process: validation errors in one line, and with `--connect` the MySQL
/// preflight and a Kafka metadata request per pipeline.
@Suite struct CheckCommandTests {
    @Test func connectChecksEachPipelineAgainstItsServers() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let good = DaemonProcess.pipeline(name: "reachable", serverID: 7101, sandbox: sandbox, database: "x", topic: "x", cluster: cluster)
        let unreachable = DaemonProcess.pipeline(name: "unreachable", serverID: 7102, sandbox: sandbox, database: "x", topic: "x", cluster: cluster)
            .replacingOccurrences(of: "port: \(sandbox.port)", with: "port: 1")
        let fine = try DaemonProcess(pipelines: [good])
        let result = try runProduct("binlogo", ["check", "--config", fine.configPath, "--connect"])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let version = try #require(try sandbox.connect().queryValue("SELECT VERSION()"))
        #expect(result.standardOutput.contains("pipeline reachable: MySQL") && result.standardOutput.contains(version),
                "\(result.standardOutput)")
        #expect(result.standardOutput.contains("pipeline reachable: Kafka at") && result.standardOutput.contains("3 broker(s)"))

        let broken = try DaemonProcess(pipelines: [good, unreachable])
        let failed = try runProduct("binlogo", ["check", "--config", broken.configPath, "--connect"])
        #expect(failed.status == 1)
        #expect(failed.standardOutput.contains("pipeline unreachable: connect to root@127.0.0.1:1"), "\(failed.standardOutput)")
        #expect(failed.standardError.contains("1 pipeline(s) failed"))
    }

    @Test func cliErrorsAreOneLineWithAFailingStatus() throws {
        let missing = try runProduct("binlogo", ["check", "--config", "/nonexistent/binlogo.yaml"])
        #expect(missing.status == 1)
        #expect(missing.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            == "Error: binlogo check: /nonexistent/binlogo.yaml: cannot read the file (missing or not readable)")
        let badFlag = try runProduct("binlogo", ["run", "--no-such-flag"])
        #expect(badFlag.status == 64, "ArgumentParser's exit code for a usage error")
        #expect(badFlag.standardError == "Error: Unknown option '--no-such-flag' (see `binlogo --help`)\n", "\(badFlag.standardError)")
        let runMissing = try runProduct("binlogo", ["run", "--config", "/nonexistent/binlogo.yaml"])
        #expect(runMissing.status == 1)
        #expect(runMissing.standardError.split(separator: "\n").count == 1)
        // Unreadable (tests run as root, so a folder stands in for a file without read permission).
        let folder = FileManager.default.temporaryDirectory.path
        for arguments in [["check", "--config", folder], ["run", "--config", folder], ["dump", "--binlog-file", folder]] {
            let unreadable = try runProduct("binlogo", arguments)
            #expect(unreadable.status == 1, "\(arguments)")
            let lines = unreadable.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(folder), "\(arguments): \(unreadable.standardError)")
        }
    }

    /// Each file of the broken-configuration corpus given to `binlogo run` at start: exit 1 and one
    /// line naming the file, the line and the key.
    @Test func runRefusesEachBrokenConfigurationInOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-corpus-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/binlogo.yaml"
        for mistake in ConfigurationCorpus.cases {
            try mistake.yaml.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try runProduct("binlogo", ["run", "--config", path])
            let location = path + (mistake.line.map { ":\($0)" } ?? "") + ": " + (mistake.keyPath.isEmpty ? "" : mistake.keyPath + ": ")
            let lines = result.standardError.split(separator: "\n")
            #expect(result.status == 1, "\(mistake.name): exit \(result.status)")
            #expect(lines.count == 1 && lines[0].contains(location) && lines[0].contains(mistake.message),
                    "\(mistake.name): \(result.standardError)")
        }
    }

    /// What the systemd unit's ExecStartPre runs (`check` without `--connect`) refuses a secret or a
    /// certificate that is not there, one line each; `run` refuses the same at start.
    @Test func missingSecretsAndCertificatesAreRefusedWithoutConnecting() throws {
        let sandbox = try MariaDBSandbox.shared()
        let cluster = try KafkaMockProcess.shared()
        let base = DaemonProcess.pipeline(name: "p", serverID: 7151, sandbox: sandbox, database: "x", topic: "x", cluster: cluster)
        // On MySQL the pipeline already names the sandbox's key file; the case below gives another.
        let baseWithoutKey = sandbox.serverPublicKeyYAML.isEmpty ? base : base.replacingOccurrences(of: sandbox.serverPublicKeyYAML, with: "")
        let variable = "BINLOGO_TEST_UNSET_\(UUID().uuidString.prefix(6))"
        let cases: [(String, String)] = [
            (base.replacingOccurrences(of: "user: root,", with: "user: root, password_file: /nonexistent/binlogo-pw,"),
             "mysql.password_file /nonexistent/binlogo-pw"),
            (base.replacingOccurrences(of: "user: root,", with: "user: root, password_env: \(variable),"),
             "mysql.password_env \(variable)"),
            (base.replacingOccurrences(of: "user: root,", with: "user: root, tls: {ca: /nonexistent/ca.pem},"),
             "mysql.tls.ca /nonexistent/ca.pem"),
            (baseWithoutKey.replacingOccurrences(of: "user: root,", with: "user: root, server_public_key_file: /nonexistent/mysql-key.pem,"),
             "mysql.server_public_key_file /nonexistent/mysql-key.pem cannot be read"),
            (base.replacingOccurrences(of: "properties: {linger.ms: 5}",
                                       with: "properties: {linger.ms: 5, security.protocol: ssl, ssl.ca.location: /nonexistent/kafka-ca.pem}"),
             "ssl.ca.location /nonexistent/kafka-ca.pem"),
        ]
        for (pipeline, named) in cases {
            let daemon = try DaemonProcess(pipelines: [pipeline])
            for command in ["check", "run"] {
                // A daemon that does not refuse would run on: it is stopped after 20 s and the case fails.
                let log = daemon.directory + "/\(command).stderr"
                let process = try ChildProcess.spawn(PackageLocation.product("binlogo"), [command, "--config", daemon.configPath], standardError: log)
                let ended = waitUntil(seconds: 20) { !process.isRunning }
                if !ended {
                    process.signal(SIGKILL)
                    process.wait()
                }
                let standardError = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                let lines = standardError.split(separator: "\n")
                #expect(ended && process.exitStatus == 1 && lines.count == 1 && lines[0].contains(named) && lines[0].contains("pipeline p"),
                        "\(command), \(named): \(standardError)")
            }
        }
    }
}
