import CJemalloc

/// The daemon's allocator, jemalloc (Sources/CJemalloc: linked into the executable, with its settings).
enum Allocator {
    /// jemalloc's version, or nil when another malloc serves the process (an LD_PRELOAD that comes first).
    static var jemallocVersion: String? { cjemalloc_version().map { String(cString: $0) } }
}
