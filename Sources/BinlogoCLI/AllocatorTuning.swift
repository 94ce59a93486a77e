import CMalloc

/// glibc malloc settings for the daemon's traffic: every message is one allocation made on the
/// source thread and freed on another after Kafka's acknowledgement, and rows with large TEXT or
/// JSON values make messages of tens of KiB.
///
/// With glibc's defaults the heap's free top was given back to the kernel (trimmed) whenever it
/// passed 128 KiB, so the next messages faulted fresh zeroed pages in again: about 25,000 page
/// faults and a tenth of the daemon's CPU on the wide-row benchmark. Keeping up to 32 MiB of free
/// heap, and serving blocks up to 1 MiB from the heap rather than from mmap, lets the memory of
/// acknowledged messages be reused. Peak RSS stays what the bounded queues allow; after a burst,
/// at most that much free memory stays mapped.
enum AllocatorTuning {
    static let trimThreshold: Int32 = 32 << 20
    static let mmapThreshold: Int32 = 1 << 20

    static func apply() {
        _ = cmalloc_set_mmap_threshold(mmapThreshold)
        _ = cmalloc_set_trim_threshold(trimThreshold)
    }
}
