#if canImport(Glibc)
import Glibc
#endif

/// Reads the events of a local binlog file (the format `mariadb-binlog` reads): the 4-byte
/// magic `\xfebin`, then events back to back, each as long as its header says.
public final class BinlogFileReader {
    public let path: String
    private var bytes: [UInt8]
    public private(set) var offset: Int

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads the file; `startPosition` (default 4, the first event) must be an event boundary.
    public init(path: String, startPosition: Int = 4) throws(Failure) {
        self.path = path
        guard let file = fopen(path, "rb") else {
            throw Failure(description: "cannot open binlog file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            contents.append(contentsOf: chunk[0..<count])
        }
        guard ferror(file) == 0 else { throw Failure(description: "cannot read binlog file \(path)") }
        guard contents.count >= 4, contents[0..<4] == [0xfe, 0x62, 0x69, 0x6e] else {
            throw Failure(description: "\(path) is not a binlog file (it does not start with \\xfebin)")
        }
        guard startPosition >= 4, startPosition <= contents.count else {
            throw Failure(description: "start position \(startPosition) is outside \(path) (4…\(contents.count))")
        }
        self.bytes = contents
        self.offset = startPosition
    }

    /// The name the server gives this file (its last path component).
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// The first event, which a decoder needs to know the format even when reading starts later.
    public func withFormatDescriptionEvent<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        try bytes.withUnsafeBytes { buffer in
            guard buffer.count >= 4 + 19 else { return nil }
            let length = Int(buffer.littleEndian(at: 4 + 9, width: 4))
            guard buffer[4 + 4] == BinlogEventType.formatDescription, length >= 19, length <= buffer.count - 4 else { return nil }
            return try body(UnsafeRawBufferPointer(rebasing: buffer[4..<(4 + length)]))
        }
    }

    /// Hands the next event's bytes and offset to `body`; nil at the end of the file.
    /// A partial event at the end (a file still being written, or torn) is an error naming its offset.
    public func next<Result>(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Result) throws -> Result? {
        try bytes.withUnsafeBytes { buffer in
            guard offset < buffer.count else { return nil }
            guard buffer.count - offset >= 19 else {
                throw Failure(description: "\(path):\(offset): the file ends inside an event header")
            }
            let length = Int(buffer.littleEndian(at: offset + 9, width: 4))
            guard length >= 19, length <= buffer.count - offset else {
                throw Failure(description: "\(path):\(offset): event length \(length) runs past the end of the file")
            }
            let start = offset
            offset += length
            return try body(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)]), UInt64(start))
        }
    }
}
