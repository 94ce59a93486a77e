#if canImport(Glibc)
import Glibc
#endif

/// Where a password comes from. It is read when a connection is made and never logged or printed.
public enum PasswordSource: Sendable, Equatable, CustomStringConvertible {
    case none
    case inline(String)
    /// The name of an environment variable that holds it.
    case environment(String)
    /// A file that holds it (a trailing newline is dropped).
    case file(String)

    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    public func resolve() throws(Missing) -> String? {
        switch self {
        case .none: return nil
        case .inline(let value): return value
        case .environment(let name):
            guard let value = getenv(name) else {
                throw Missing(description: "environment variable \(name) (the password) is not set: export it before starting binlogo")
            }
            return String(cString: value)
        case .file(let path):
            guard let file = fopen(path, "r") else {
                throw Missing(description: "password_file \(path) cannot be read: \(String(cString: strerror(errno)))")
            }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if count == 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Says where the password comes from, never what it is.
    public var description: String {
        switch self {
        case .none: return "no password"
        case .inline: return "an inline password"
        case .environment(let name): return "the password in $\(name)"
        case .file(let path): return "the password in \(path)"
        }
    }
}
