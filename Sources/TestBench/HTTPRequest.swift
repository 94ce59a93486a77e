/// One HTTP request to `address` (`host:port`) by Python's http.client, as an outside client would
/// make it: the status code and the body.
public func httpRequest(_ address: String, _ path: String, method: String = "GET") throws -> (status: String, body: String) {
    let result = try runCapturing("/usr/bin/python3", ["-c", """
        import http.client, sys
        host, port = sys.argv[1].rsplit(":", 1)
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        c.request(sys.argv[3], sys.argv[2])
        r = c.getresponse()
        sys.stdout.write(str(r.status) + "\\n" + r.read().decode())
        """, address, path, method])
    guard result.status == 0 else { throw TestBenchError("\(method) \(path) from \(address): \(result.standardError)") }
    let lines = result.standardOutput.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
    return (String(lines.first ?? ""), lines.count > 1 ? String(lines[1]) : "")
}
