#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where log lines go: stderr, or a file opened for appending that `reopen()` reopens (logrotate).
final class LogOutput: Sendable {
    private let path: String?
    private let descriptor: Mutex<Int32>

    init(path: String?) throws(CommandFailure) {
        self.path = path
        self.descriptor = Mutex(try Self.open(path))
    }

    private static func open(_ path: String?) throws(CommandFailure) -> Int32 {
        guard let path else { return 2 }
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw CommandFailure("log.file \(path) cannot be opened: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Writes one whole line (the caller ends it with a newline) in a single write.
    func write(_ line: [UInt8]) {
        _ = descriptor.withLock { descriptor in
            line.withUnsafeBytes { writeAll($0, to: descriptor) }
        }
    }

    /// Reopens the log file (after logrotate moved it); stderr stays as it is.
    func reopen() throws(CommandFailure) {
        guard path != nil else { return }
        let fresh = try Self.open(path)
        let old = descriptor.withLock { descriptor in
            defer { descriptor = fresh }
            return descriptor
        }
        close(old)
    }
}
