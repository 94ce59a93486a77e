import Foundation
import MySQLSource
import TestBench
import Testing

/// TLS to the server for real: a CA and a server certificate made by openssl for this test, a
/// sandbox that requires TLS, a source that verifies the certificate, and one that trusts the wrong CA.
@Suite(.serialized) struct TLSTests {
    private func openssl(_ arguments: [String], in directory: String) throws {
        // Paths are relative to the test's folder.
        let absolute = arguments.map { $0.hasSuffix(".pem") || $0.hasSuffix(".key") || $0.hasSuffix(".csr") || $0.hasSuffix(".ext")
            ? "\(directory)/\($0)" : $0 }
        try runCommand("/usr/bin/openssl", absolute + (arguments.contains("-CAcreateserial") ? ["-CAserial", "\(directory)/ca.srl"] : []))
    }

    @Test func verifiedTLSStreamsAndAWrongCAIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["ca", "other-ca"] {
            try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=binlogo test \(name)",
                         "-keyout", "\(name).key", "-out", "\(name).pem"], in: directory)
        }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr"], in: directory)
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                     "-extfile", "san.ext", "-out", "server.pem"], in: directory)

        let sandbox = try MariaDBSandbox.start(options: [
            "--ssl-ca=\(directory)/ca.pem", "--ssl-cert=\(directory)/server.pem", "--ssl-key=\(directory)/server.key",
            "--require-secure-transport=ON",
        ])
        defer { try? sandbox.stop() }
        let database = try TestDatabase.create(prefix: "tls", on: sandbox.withTLS(caFile: directory + "/ca.pem"))
        var configuration = sandbox.sourceConfiguration(start: .current)
        configuration.connection.tls = TLSOptions(caFile: directory + "/ca.pem")
        let recorder = SourceRecorder(configuration: configuration, database: database.name)
        defer { recorder.stop() }
        Thread.sleep(forTimeInterval: 0.5)
        let writer = try database.connect()
        #expect(try writer.queryValue("SHOW STATUS LIKE 'Ssl_version'").map { !$0.isEmpty } == true)
        try writer.execute("CREATE TABLE t (id INT PRIMARY KEY)")
        try writer.execute("INSERT INTO t VALUES (1)")
        #expect(recorder.wait { $0.count == 1 })
        #expect(recorder.stopError == nil)

        // Trusting another CA: the handshake fails, and the source says to check the TLS settings.
        var wrongCA = sandbox.sourceConfiguration(start: .current)
        wrongCA.connection.tls = TLSOptions(caFile: directory + "/other-ca.pem")
        let refused = SourceRecorder(configuration: wrongCA, database: database.name)
        #expect(refused.waitUntilStopped())
        #expect(refused.stopError?.kind == .refused)
        #expect(refused.stopError?.description.contains("TLS") == true, "\(String(describing: refused.stopError))")

        // Without TLS the server refuses the connection outright.
        let plain = SourceRecorder(configuration: sandbox.sourceConfiguration(start: .current), database: database.name)
        #expect(plain.waitUntilStopped())
        #expect(plain.stopError != nil)
        if sandbox.flavor == .mysql {
            #expect(plain.stopError?.kind == .refused && plain.stopError?.description.contains("mysql.tls.ca") == true,
                    "MySQL's refusal is said in one line, not retried: \(String(describing: plain.stopError))")
        }
    }
}
