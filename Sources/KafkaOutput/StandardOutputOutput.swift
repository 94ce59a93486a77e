#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Writes each message's value on its own line to stdout (`null` for a tombstone) and acknowledges it
/// once written: the same messages as Kafka would get, for debugging and demos.
///
/// A batch is written in pieces of about `pieceBytes`, one `write` each, not one per message: a snapshot
/// into `/dev/null` spent a sixth of its CPU in `write` calls.
public final class StandardOutputOutput: MessageOutput {
    private let onDelivery: @Sendable (UInt64, KafkaError?) -> Void
    /// One for the process: pipelines that all print to stdout write their pieces whole, one after another
    /// (a pipe takes a write of more than 4 KiB in parts, which another writer's could interleave).
    private static let writing = Mutex(())
    static let pieceBytes = 64 * 1024

    public init(onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void) {
        self.onDelivery = onDelivery
    }

    public func send(_ message: OutgoingMessage) throws(KafkaError) {
        try send(contentsOf: [message], unless: { false })
    }

    public func send(contentsOf batch: [OutgoingMessage], unless isAbandoned: () -> Bool) throws(KafkaError) {
        var piece: [UInt8] = []
        piece.reserveCapacity(Self.pieceBytes + 1024)
        var written = batch.startIndex
        for index in batch.indices {
            if batch[index].hasNullValue {
                piece.append(contentsOf: "null".utf8)
            } else {
                batch[index].keyAndValue.withUnsafeBufferPointer { bytes in
                    piece.append(contentsOf: bytes[(batch[index].keyLength ?? 0)...])
                }
            }
            piece.append(UInt8(ascii: "\n"))
            if piece.count >= Self.pieceBytes || index == batch.index(before: batch.endIndex) {
                Self.writing.withLock { _ in Self.writeAll(piece) }
                for acknowledged in written...index { onDelivery(batch[acknowledged].token, nil) }
                written = index + 1
                piece.removeAll(keepingCapacity: true)
            }
        }
    }

    private static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }

    public func flush(timeoutMilliseconds: Int32) -> Int { 0 }

    /// Writing to stdout does not wait for room; nothing to give up.
    public func abandonPendingSends() {}
}
