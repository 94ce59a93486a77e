#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Writes each message's value on its own line to stdout (`null` for a tombstone) and acknowledges it at
/// once: the same messages as Kafka would get, for debugging and demos.
public final class StandardOutputOutput: MessageOutput {
    private let onDelivery: @Sendable (UInt64, KafkaError?) -> Void
    private let lock = Mutex(())

    public init(onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void) {
        self.onDelivery = onDelivery
    }

    public func send(_ message: OutgoingMessage) throws(KafkaError) {
        lock.withLock { _ in
            var line = message.hasNullValue ? Array("null".utf8) : Array(message.value)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(1, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
        onDelivery(message.token, nil)
    }

    public func flush(timeoutMilliseconds: Int32) -> Int { 0 }

    /// Writing to stdout does not wait for room; nothing to give up.
    public func abandonPendingSends() {}
}
