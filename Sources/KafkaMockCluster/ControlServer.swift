#if canImport(Glibc)
import Glibc
#endif

/// A line-based TCP control port on 127.0.0.1 through which tests inject faults
/// into the mock cluster: one command per line, answered by `ok` or `error: …`.
final class ControlServer: Sendable {
    private let listener: Int32
    let port: UInt16

    init() throws(MockClusterError) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw MockClusterError("cannot open the control socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw MockClusterError("cannot listen on the control socket")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.listener = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts connections one at a time and applies their commands, forever. Blocks the calling thread.
    func serve(_ cluster: MockCluster) -> Never {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            serveConnection(connection, cluster)
            close(connection)
        }
    }

    private func serveConnection(_ connection: Int32, _ cluster: MockCluster) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            pending.append(contentsOf: chunk[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                let reply: String
                do {
                    try ControlCommand(parsing: line).apply(to: cluster)
                    reply = "ok\n"
                } catch {
                    reply = "error: \(error)\n"
                }
                var bytes = Array(reply.utf8)
                _ = bytes.withUnsafeMutableBytes { write(connection, $0.baseAddress, $0.count) }
            }
        }
    }
}
