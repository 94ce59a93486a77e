#if canImport(Glibc)
import Glibc
#endif

/// Names the calling thread as `top -H`, perf and `/proc/PID/task/*/comm` show it (Linux keeps 15
/// bytes). Foundation's `Thread.name` is no reliable way there (a name set from inside the new
/// thread races with `start()` recording the thread: seen as threads left unnamed in one benchmark
/// run in three), and `pthread_setname_np` is not visible from Swift's Glibc module; so this writes
/// `/proc/thread-self/comm`.
public func nameCurrentThread(_ name: String) {
    #if os(Linux)
    let descriptor = open("/proc/thread-self/comm", O_WRONLY)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
    #endif
}
