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

    /// Replaces the stored position; on failure the previous file is left as it was.
    public func save(_ position: SourcePosition) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(position) } catch { throw Failure(description: "cannot encode checkpoint: \(error)") }
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
        let descriptor = open("\(directory)/\(pipeline).lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(directory)/\(pipeline).lock: \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Failure(description: "pipeline \(pipeline) is running in another binlogo process (\(directory)/\(pipeline).lock is held): stop it first")
        }
        return descriptor
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
