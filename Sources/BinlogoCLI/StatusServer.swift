#if canImport(Glibc)
import Glibc
#endif
import BinlogDecoder
import Foundation
import Pipeline
import Prometheus

/// binlogo's HTTP endpoint (127.0.0.1 by default): `GET /metrics` (Prometheus text), `GET /status`
/// (JSON per pipeline) and `GET /healthz`. Read-only: nothing that changes state is served, and any
/// other method is refused. A plain blocking server on a thread of its own; one request per connection.
final class StatusServer: Sendable {
    private let listener: Int32
    let address: String
    private let supervisor: PipelineSupervisor
    private let registry: PrometheusCollectorRegistry
    private let health: HealthLimits

    init(listen: String, supervisor: PipelineSupervisor, registry: PrometheusCollectorRegistry, health: HealthLimits) throws(CommandFailure) {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw CommandFailure("http.listen \(listen) is not HOST:PORT")
        }
        let host = String(listen[..<colon])
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw CommandFailure("http.listen \(listen): \(host) is not an IPv4 address (use 127.0.0.1 unless it must be reachable)")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, bound == 0, Glibc.listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw CommandFailure("http.listen \(listen) cannot be bound: \(reason) (another binlogo or another service listens there: stop it, or set another http.listen)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.listener = descriptor
        self.address = "\(host):\(UInt16(bigEndian: address.sin_port))"
        self.supervisor = supervisor
        self.registry = registry
        self.health = health
        Thread.detachNewThread { [self] in serve() }
    }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            respond(on: connection)
            close(connection)
        }
    }

    private func respond(on connection: Int32) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while request.count < 16_384 && !request.ends(with: [13, 10, 13, 10]) {
            let count = chunk.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            request.append(contentsOf: chunk[0..<count])
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let (status, type, body): (String, String, [UInt8])
        if line.count < 2 {
            (status, type, body) = ("400 Bad Request", "text/plain", Array("bad request\n".utf8))
        } else if line[0] != "GET" {
            (status, type, body) = ("405 Method Not Allowed", "text/plain", Array("only GET is served\n".utf8))
        } else {
            switch line[1].split(separator: "?").first.map(String.init) ?? "" {
            case "/metrics":
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                (status, type, body) = ("200 OK", "text/plain; version=0.0.4", MetricHelp.annotate(buffer))
            case "/status":
                (status, type, body) = ("200 OK", "application/json", statusJSON())
            case "/healthz":
                let problems = supervisor.statuses.compactMap(health.problem)
                (status, type, body) = problems.isEmpty
                    ? ("200 OK", "text/plain", Array("ok\n".utf8))
                    : ("503 Service Unavailable", "text/plain", Array("\(problems.joined(separator: "; "))\n".utf8))
            default:
                (status, type, body) = ("404 Not Found", "text/plain", Array("not found (try /metrics, /status, /healthz)\n".utf8))
            }
        }
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        for part in [Array(head.utf8), body] where !part.withUnsafeBytes({ writeAll($0, to: connection) }) { return }
    }

    private func statusJSON() -> [UInt8] {
        let writer = JSONWriter()
        writer.raw("{\"pipelines\":[")
        for (index, status) in supervisor.statuses.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"name\":")
            writer.string(status.name)
            writer.raw(",\"state\":")
            writer.string(status.state)
            for (key, position) in [("checkpoint", status.checkpoint), ("read_position", status.readPosition)] {
                writer.raw(",\"")
                writer.rawText(key)
                writer.raw("\":")
                if let position {
                    writer.raw("{\"file\":")
                    writer.string(position.file)
                    writer.raw(",\"position\":")
                    writer.unsigned(UInt64(position.position))
                    writer.raw(",\"gtid_set\":")
                    if let set = position.gtidSet { writer.string(set.description) } else { writer.null() }
                    writer.byte(UInt8(ascii: "}"))
                } else {
                    writer.null()
                }
            }
            writer.raw(",\"gtid\":")
            if let gtid = status.gtid { writer.string(gtid) } else { writer.null() }
            writer.raw(",\"seconds_behind_source\":")
            if let behind = status.secondsBehind { writer.double(behind) } else { writer.null() }
            writer.raw(",\"last_error\":")
            if let error = status.lastError { writer.string(error) } else { writer.null() }
            writer.raw(",\"checkpoint_error\":")
            if let error = status.checkpointError { writer.string(error) } else { writer.null() }
            writer.raw(",\"uptime_seconds\":")
            writer.double(status.uptimeSeconds.rounded())
            writer.raw(",\"seconds_since_last_ack\":")
            if let seconds = status.secondsSinceLastAcknowledgement { writer.double((seconds * 10).rounded() / 10) } else { writer.null() }
            writer.raw(",\"unacknowledged_seconds\":")
            writer.double((status.unacknowledgedSeconds * 10).rounded() / 10)
            writer.raw(",\"checkpoint_age_seconds\":")
            if let age = status.checkpointAgeSeconds { writer.double((age * 10).rounded() / 10) } else { writer.null() }
            writer.raw(",\"reconnecting_seconds\":")
            if let seconds = status.reconnectingSeconds { writer.double((seconds * 10).rounded() / 10) } else { writer.null() }
            writer.raw(",\"snapshot\":")
            if let snapshot = status.snapshot {
                writer.raw("{\"state\":")
                writer.string(snapshot.state)
                writer.raw(",\"table\":")
                if let table = snapshot.table { writer.string(table) } else { writer.null() }
                writer.raw(",\"tables_left\":")
                writer.unsigned(UInt64(snapshot.tablesLeft))
                writer.raw(",\"table_rows\":")
                writer.unsigned(UInt64(snapshot.tableRows))
                writer.raw(",\"table_estimated_rows\":")
                if let estimate = snapshot.tableEstimatedRows { writer.integer(Int64(estimate)) } else { writer.null() }
                writer.raw(",\"rows\":")
                writer.unsigned(UInt64(snapshot.rows))
                writer.raw(",\"rows_per_second\":")
                writer.double(snapshot.rowsPerSecond)
                writer.raw(",\"seconds_left\":")
                if let left = snapshot.secondsLeft { writer.double(left) } else { writer.null() }
                writer.byte(UInt8(ascii: "}"))
            } else {
                writer.null()
            }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("]}\n")
        return writer.bytes
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
