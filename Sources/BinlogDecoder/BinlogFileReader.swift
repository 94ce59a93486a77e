#if canImport(Glibc)
import Glibc
#endif

/// Reads the events of a local binlog file (the format `mariadb-binlog` reads): the 4-byte
/// magic `\xfebin`, then events back to back, each as long as its header says.
///
/// The file is mapped read-only rather than copied; events are handed out as views of the mapping.
public final class BinlogFileReader {
    public let path: String
    private let mapping: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Loads the file; `startPosition` (default 4, the first event) must be an event boundary.
    public init(path: String, startPosition: Int = 4) throws(Failure) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot open binlog file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw Failure(description: "cannot read binlog file \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int(status.st_size)
        var contents = UnsafeRawBufferPointer(start: nil, count: 0)
        if size > 0 {
            guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
                throw Failure(description: "cannot map binlog file \(path): \(String(cString: strerror(errno)))")
            }
            madvise(address, size, MADV_SEQUENTIAL)
            contents = UnsafeRawBufferPointer(start: address, count: size)
        }
        let isBinlog = contents.count >= 4 && contents[0] == 0xfe && contents[1] == 0x62 && contents[2] == 0x69 && contents[3] == 0x6e
        guard isBinlog else {
            if let base = contents.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), contents.count) }
            throw Failure(description: "\(path) is not a binlog file (it does not start with \\xfebin)")
        }
        guard startPosition >= 4, startPosition <= contents.count else {
            munmap(UnsafeMutableRawPointer(mutating: contents.baseAddress!), contents.count)
            throw Failure(description: "start position \(startPosition) is outside \(path) (4…\(contents.count))")
        }
        self.mapping = contents
        self.offset = startPosition
    }

    deinit {
        if let base = mapping.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), mapping.count) }
    }

    /// The name the server gives this file (its last path component).
    public var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// The first event, which a decoder needs to know the format even when reading starts later.
    public func withFormatDescriptionEvent<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        let buffer = mapping
        guard buffer.count >= 4 + 19 else { return nil }
        let length = Int(buffer.littleEndian(at: 4 + 9, width: 4))
        guard buffer[4 + 4] == BinlogEventType.formatDescription, length >= 19, length <= buffer.count - 4 else { return nil }
        return try body(UnsafeRawBufferPointer(rebasing: buffer[4..<(4 + length)]))
    }

    /// Hands the next event's bytes and offset to `body`; nil at the end of the file.
    /// A partial event at the end (a file still being written, or torn) is an error naming its offset.
    public func next<Result>(_ body: (UnsafeRawBufferPointer, UInt64) throws -> Result) throws -> Result? {
        let buffer = mapping
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
