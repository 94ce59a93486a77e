import CMalloc
import Foundation

/// glibc malloc settings for the daemon's traffic: every message is one allocation made on the
/// source thread and freed on another after Kafka's acknowledgement, and rows with large TEXT or
/// JSON values make messages of tens of KiB or more.
///
/// With glibc's defaults the free top of a heap was given back to the kernel (trimmed) whenever it
/// passed 128 KiB, so the next messages faulted fresh zeroed pages in again: about 25,000 page
/// faults and a tenth of the daemon's CPU on the wide-row benchmark. Keeping up to 32 MiB of free
/// memory per heap (glibc has one per malloc arena), and serving blocks up to 32 MiB (glibc's
/// ceiling) from the heaps rather than mapping each on its own, lets the memory of acknowledged
/// messages be reused. Peak RSS stays what the bounded queues allow.
enum AllocatorTuning {
    static let trimThreshold: Int32 = 32 << 20
    static let mmapThreshold: Int32 = 32 << 20

    enum Outcome: Equatable {
        case applied
        /// The operator tuned malloc through the environment; their settings stay.
        case leftToEnvironment
        /// glibc refused a setting.
        case refused
    }

    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) -> Outcome {
        let operatorTuned = environment["MALLOC_TRIM_THRESHOLD_"] != nil || environment["MALLOC_MMAP_THRESHOLD_"] != nil
            || environment["GLIBC_TUNABLES"]?.contains("glibc.malloc.") == true
        if operatorTuned { return .leftToEnvironment }
        let mmap = cmalloc_set_mmap_threshold(mmapThreshold)
        let trim = cmalloc_set_trim_threshold(trimThreshold)
        return mmap == 1 && trim == 1 ? .applied : .refused
    }
}
