/// An immutable copy of one event's bytes, owned by the rows decoded from it.
///
/// A tiny pointer box: the memory is written once in `init` and only read afterwards, so it may
/// be shared across threads; it is freed with the last reference.
final class EventBytes: @unchecked Sendable {
    let buffer: UnsafeRawBufferPointer

    init(copying bytes: UnsafeRawBufferPointer) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 8)
        if !bytes.isEmpty { storage.copyMemory(from: bytes) }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<bytes.count])
    }

    /// A copy of `bytes` followed by `extra` (a rows event's body and the JSON documents made from its diffs).
    init(copying bytes: UnsafeRawBufferPointer, appending extra: UnsafeRawBufferPointer) {
        let count = bytes.count + extra.count
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 8)
        if !bytes.isEmpty { storage.copyMemory(from: bytes) }
        if !extra.isEmpty { UnsafeMutableRawBufferPointer(rebasing: storage[bytes.count...]).copyMemory(from: extra) }
        buffer = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[0..<count])
    }

    deinit {
        UnsafeMutableRawPointer(mutating: buffer.baseAddress)?.deallocate()
    }
}
