#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation

/// `binlogo status`: reads the daemon's `/status` and prints one line per pipeline.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the running pipelines (from the daemon's /status).")

    @Option(help: "The daemon's HTTP address (its http.listen).")
    var address: String = "127.0.0.1:9108"

    func run() throws {
        let body = try fetch("/status")
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let pipelines = object["pipelines"] as? [[String: Any]] else {
            throw CommandFailure("binlogo status: \(address)/status did not return binlogo's status")
        }
        let header = ["PIPELINE", "STATE", "CHECKPOINT", "READ", "GTID", "BEHIND", "LAST ACK", "UNACKED", "CKPT AGE", "SNAPSHOT", "ERROR"]
        var rows = [header]
        for pipeline in pipelines {
            func position(_ key: String) -> String {
                guard let value = pipeline[key] as? [String: Any], let file = value["file"] as? String,
                      let offset = value["position"] as? Int else { return "-" }
                return "\(file):\(offset)"
            }
            rows.append([
                pipeline["name"] as? String ?? "?", pipeline["state"] as? String ?? "?", position("checkpoint"), position("read_position"),
                pipeline["gtid"] as? String ?? "-", seconds(pipeline["seconds_behind_source"]), seconds(pipeline["seconds_since_last_ack"]),
                seconds(pipeline["unacknowledged_seconds"]), seconds(pipeline["checkpoint_age_seconds"]),
                snapshot(pipeline["snapshot"] as? [String: Any]),
                (pipeline["reconnecting_seconds"] as? Double).map { "reconnecting to MySQL for \(Int($0))s" } ?? pipeline["last_error"] as? String ?? "",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces))
        }
    }

    /// `shop.items 1200/25000 ~40s` while a snapshot reads, `done`, or `-` without one.
    private func snapshot(_ snapshot: [String: Any]?) -> String {
        guard let snapshot else { return "-" }
        guard snapshot["state"] as? String == "reading" else { return snapshot["state"] as? String ?? "-" }
        let estimate = (snapshot["table_estimated_rows"] as? Int).map { "/\($0)" } ?? ""
        let left = (snapshot["seconds_left"] as? Double).map { " ~\(Int($0))s" } ?? ""
        return "\(snapshot["table"] as? String ?? "?") \(snapshot["table_rows"] as? Int ?? 0)\(estimate)\(left)"
    }

    /// A JSON number of seconds as `12s`, or `-` when absent or null.
    private func seconds(_ value: Any?) -> String {
        (value as? Double).map { "\(Int($0))s" } ?? (value as? Int).map { "\($0)s" } ?? "-"
    }

    /// A plain HTTP/1.1 GET over TCP; returns the body of a 200 response.
    private func fetch(_ path: String) throws -> [UInt8] {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw CommandFailure("binlogo status: --address \(address) is not HOST:PORT")
        }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = port.bigEndian
        guard inet_pton(AF_INET, String(address[..<colon]), &target.sin_addr) == 1 else {
            throw CommandFailure("binlogo status: --address \(address) is not an IPv4 HOST:PORT")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            throw CommandFailure("binlogo status: cannot reach the daemon at \(address): \(String(cString: strerror(errno))) (is it running, with http enabled?)")
        }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(address)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            response.append(contentsOf: chunk[0..<count])
        }
        guard let split = response.firstRange(of: [13, 10, 13, 10]),
              String(decoding: response[..<split.lowerBound], as: UTF8.self).hasPrefix("HTTP/1.1 200") else {
            throw CommandFailure("binlogo status: \(address)\(path) did not answer 200")
        }
        return Array(response[split.upperBound...])
    }
}
