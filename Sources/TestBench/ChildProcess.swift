import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn and reaped with waitpid.
///
/// Foundation's `Process.waitUntilExit` can hang on Linux when called from a test's worker
/// thread, so the bench keeps to the plain POSIX calls.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    private let reaped = SharedStatus()

    /// The process's peak resident memory in bytes (VmHWM of /proc/PID/status), while it runs.
    public var peakResidentBytes: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Starts `executable` with `arguments`; stdin is /dev/null, stdout and stderr go to the given files (or
    /// /dev/null); no signal is blocked in the child, whichever thread starts it.
    public static func spawn(_ executable: String, _ arguments: [String],
                             standardOutput: String? = nil, standardError: String? = nil,
                             environment extra: [String: String] = [:]) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in extra { variables[name] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        // The child starts with no signal blocked: the test's thread (a Dispatch worker) blocks nearly all of
        // them, and a server that relies on the default mask (noida-db) would never see its SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestBenchError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid)
    }

    /// Waits for the process to end and returns its exit status (128 + signal number when killed).
    @discardableResult
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Whether the process is still running; once it has ended, `exitStatus` holds its status.
    public var isRunning: Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { reaped.set(Self.decode(status)) }
        return result == 0
    }

    /// The exit status once `isRunning` saw the process end (128 + signal number when killed).
    public var exitStatus: Int32? { reaped.status }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    public func signal(_ signal: Int32) {
        _ = Glibc.kill(pid, signal)
    }
}

/// The exit status of a reaped child, shared by copies of its `ChildProcess`.
private final class SharedStatus: Sendable {
    private let value = Mutex<Int32?>(nil)
    func set(_ status: Int32) { value.withLock { $0 = status } }
    var status: Int32? { value.withLock { $0 } }
}

/// The outcome of running a command to completion.
public struct CommandResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// Runs a command to completion, capturing its standard output and error.
public func runCapturing(_ executable: String, _ arguments: [String]) throws -> CommandResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("binlogo-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outputPath = directory.appendingPathComponent("stdout").path
    let errorPath = directory.appendingPathComponent("stderr").path
    let status = try ChildProcess.spawn(executable, arguments, standardOutput: outputPath, standardError: errorPath).wait()
    return CommandResult(status: status,
                         standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                         standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
}

/// Runs a command to completion and returns its standard output; a failure carries its standard error.
@discardableResult
public func runCommand(_ executable: String, _ arguments: [String]) throws -> String {
    let result = try runCapturing(executable, arguments)
    guard result.status == 0 else {
        throw TestBenchError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)")
    }
    return result.standardOutput
}

/// Runs a product of this package (`binlogo`, `binlogo-kafka-mock`) from the build folder and waits for it.
public func runProduct(_ name: String, _ arguments: [String]) throws -> CommandResult {
    let executable = PackageLocation.product(name)
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw TestBenchError("\(executable) is missing: run `swift build` first")
    }
    return try runCapturing(executable, arguments)
}

/// Where this package's built executables are.
public enum PackageLocation {
    public static func product(_ name: String) -> String {
        PackagePaths.buildProducts.appendingPathComponent(name).path
    }
}
