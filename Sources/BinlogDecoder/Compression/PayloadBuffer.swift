import CZstd

/// The events inside a TRANSACTION_PAYLOAD_EVENT, decompressed (zstd, through libzstd) or copied into
/// one buffer that is reused from payload to payload, with one reused zstd decompression context.
///
/// Owned by one decoder: `BinlogDecoder` replaces it before writing when a copy of the decoder shares it.
/// A buffer grown past `retainedCapacity` for a large transaction is given back once its events are read.
final class PayloadBuffer: @unchecked Sendable {
    /// What stays allocated between payloads (most transactions are far smaller).
    static let retainedCapacity = 4 << 20

    private var storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var context: OpaquePointer?
    /// The bytes loaded by the last `load`.
    private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    deinit {
        storage.deallocate()
        if let context { ZSTD_freeDCtx(context) }
    }

    /// Decompresses a zstd payload that must come to exactly `expectedCount` bytes.
    func loadZstd(_ compressed: UnsafeRawBufferPointer, expectedCount: Int) throws(EventFailure) {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        guard expectedCount > 0 else { throw EventFailure("TRANSACTION_PAYLOAD_EVENT declares 0 uncompressed bytes") }
        guard let source = compressed.baseAddress, !compressed.isEmpty else {
            throw EventFailure("TRANSACTION_PAYLOAD_EVENT has no payload bytes")
        }
        reserve(expectedCount)
        if context == nil { context = ZSTD_createDCtx() }
        guard let context, let destination = storage.baseAddress else {
            throw EventFailure("cannot decompress the transaction payload: no memory for zstd")
        }
        let result = ZSTD_decompressDCtx(context, destination, expectedCount, source, compressed.count)
        if ZSTD_isError(result) != 0 {
            let reason = String(cString: ZSTD_getErrorName(result))
            // A failed frame can leave the context mid-frame: the next payload starts with a fresh one.
            ZSTD_freeDCtx(context)
            self.context = nil
            throw EventFailure("the transaction payload does not decompress (zstd: \(reason)); it declares \(expectedCount) bytes")
        }
        guard result == expectedCount else {
            throw EventFailure("the transaction payload decompresses to \(result) bytes, it declares \(expectedCount)")
        }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[..<result])
    }

    /// Copies an uncompressed payload (compression type none).
    func loadUncompressed(_ payload: UnsafeRawBufferPointer) {
        reserve(payload.count)
        if payload.count > 0 { storage.copyMemory(from: payload) }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[..<payload.count])
    }

    /// The payload's events have all been read: a buffer grown for a large transaction is freed.
    func finished() {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        if storage.count > Self.retainedCapacity {
            storage.deallocate()
            storage = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }
    }

    private func reserve(_ count: Int) {
        guard storage.count < count else { return }
        storage.deallocate()
        storage = .allocate(byteCount: max(count, 64 << 10), alignment: 8)
    }
}
