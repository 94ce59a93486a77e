import Foundation
import MySQLSource

/// A pipeline's stored position: one small JSON file per pipeline in the state directory, written
/// atomically (temporary file, fsync, rename, fsync of the directory), mode 0600.
public struct CheckpointStore: Sendable {
    public let directory: String
    public let pipeline: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(directory: String, pipeline: String) {
        self.directory = directory
        self.pipeline = pipeline
    }

    public var path: String { "\(directory)/\(pipeline).position.json" }

    /// The stored position, or nil when the pipeline has none yet. A file that cannot be read or
    /// parsed is an error: binlogo never silently restarts a pipeline from `start`.
    public func load() throws(Failure) -> SourcePosition? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "checkpoint \(path) cannot be read: check its permissions")
        }
        do {
            return try JSONDecoder().decode(SourcePosition.self, from: data)
        } catch {
            throw Failure(description: "checkpoint \(path) is corrupt (\(data.count) bytes): fix it with `binlogo position set` or remove it to start from the configured start")
        }
    }

    /// A position as checkpoint files and the positions topic hold it: JSON with sorted keys.
    public static func encode(_ position: SourcePosition) throws(Failure) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(position)) } catch { throw Failure(description: "cannot encode checkpoint: \(error)") }
    }

    /// A position from its JSON.
    public static func decode(_ bytes: [UInt8]) throws -> SourcePosition {
        try JSONDecoder().decode(SourcePosition.self, from: Data(bytes))
    }

    /// Replaces the stored position; on failure the previous file is left as it was.
    public func save(_ position: SourcePosition) throws(Failure) {
        let data = try Self.encode(position)
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot write checkpoint \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced else {
            unlink(temporary)
            throw Failure(description: "cannot write checkpoint \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot replace checkpoint \(path): \(String(cString: strerror(errno)))")
        }
        let directoryDescriptor = open(directory, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Takes the pipeline's lock file (`NAME.lock`, an exclusive flock) for as long as a process runs it,
    /// so `binlogo position set` can refuse while the pipeline runs. Returns the descriptor to close on stop.
    public func lock() throws(Failure) -> Int32 {
        let path = "\(directory)/\(pipeline).lock"
        switch Self.takeLock(path) {
        case .taken(let descriptor): return descriptor
        case .held(let pid):
            throw Failure(description: "pipeline \(pipeline) is running in another binlogo process (\(pid.map { "pid \($0), " } ?? "")\(path) is held): stop it first")
        case .failed(let reason): throw Failure(description: "cannot open \(path): \(reason)")
        }
    }

    /// Takes the state directory's lock (`binlogo.lock`) for the daemon's lifetime, so that a second
    /// `binlogo run` on the same state directory exits at once instead of fighting over the pipelines.
    /// Returns the descriptor (held until the process exits).
    public static func lockStateDirectory(_ directory: String) throws(Failure) -> Int32 {
        let path = "\(directory)/binlogo.lock"
        switch takeLock(path) {
        case .taken(let descriptor): return descriptor
        case .held(let pid):
            throw Failure(description: "state_dir \(directory) is in use by another binlogo process (\(pid.map { "pid \($0), " } ?? "")holding \(path)): stop it, or give this configuration a state_dir of its own")
        case .failed(let reason): throw Failure(description: "cannot open \(path): \(reason)")
        }
    }

    private enum LockAttempt {
        case taken(Int32)
        /// Held by another process; its pid when the file names one.
        case held(Int32?)
        case failed(String)
    }

    /// An exclusive, non-blocking flock on `path`; the holder writes its pid into the file, so that a
    /// refused process can name it.
    private static func takeLock(_ path: String) -> LockAttempt {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return .failed(String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            close(descriptor)
            let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
            return .held(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        }
        return .taken(descriptor)
    }

    /// Creates the state directory (0700) if missing.
    public static func prepare(directory: String) throws(Failure) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure(description: "state_dir \(directory) is not a directory") }
            return
        }
        guard mkdir(directory, 0o700) == 0 else {
            throw Failure(description: "cannot create state_dir \(directory): \(String(cString: strerror(errno)))")
        }
    }
}
