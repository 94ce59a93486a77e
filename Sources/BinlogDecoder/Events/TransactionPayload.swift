/// TRANSACTION_PAYLOAD_EVENT's header: how the transaction inside it is compressed and how large it is.
public struct TransactionPayload: Sendable, Equatable {
    public enum Compression: Sendable, Equatable {
        /// Compression type 0.
        case zstd
        /// Compression type 255: the events as they are.
        case none
    }

    public var compression: Compression
    /// The payload's bytes in the event.
    public var compressedBytes: Int
    /// The bytes of the events inside, as the event declares them (and as they decompressed).
    public var uncompressedBytes: Int

    /// Parses the body (after the common header, without the checksum); returns the header and the
    /// payload's bytes. The header is a list of fields, each a type, a length and a value in the protocol's
    /// length-encoded integers, ended by type 0: 1 the payload's size, 2 the compression type, 3 the
    /// uncompressed size (not written for type 255). Unknown fields are skipped by their length.
    static func parse(_ body: UnsafeRawBufferPointer) throws(EventFailure) -> (TransactionPayload, UnsafeRawBufferPointer) {
        var reader = ByteReader(body)
        var payloadSize: UInt64?, compressionType: UInt64?, uncompressedSize: UInt64?
        while true {
            let field = try reader.lengthEncoded()
            if field == 0 { break }
            let length = try reader.lengthEncoded()
            switch field {
            case 1: payloadSize = try reader.lengthEncoded()
            case 2: compressionType = try reader.lengthEncoded()
            case 3: uncompressedSize = try reader.lengthEncoded()
            default:
                guard length <= UInt64(reader.remaining) else { throw EventFailure.truncated(needed: Int(clamping: length), offset: reader.offset) }
                try reader.skip(Int(length))
            }
        }
        guard let payloadSize, let compressionType else {
            throw EventFailure("TRANSACTION_PAYLOAD_EVENT lacks its \(payloadSize == nil ? "payload size" : "compression type")")
        }
        guard payloadSize <= UInt64(reader.remaining) else {
            throw EventFailure("TRANSACTION_PAYLOAD_EVENT says its payload has \(payloadSize) bytes, \(reader.remaining) follow")
        }
        let payload = try reader.slice(Int(payloadSize))
        switch compressionType {
        case 0:
            guard let uncompressedSize else { throw EventFailure("TRANSACTION_PAYLOAD_EVENT compressed with zstd does not say its uncompressed size") }
            guard uncompressedSize <= UInt64(Int.max) else { throw EventFailure("TRANSACTION_PAYLOAD_EVENT declares \(uncompressedSize) uncompressed bytes") }
            return (TransactionPayload(compression: .zstd, compressedBytes: payload.count, uncompressedBytes: Int(uncompressedSize)), payload)
        case 255:
            return (TransactionPayload(compression: .none, compressedBytes: payload.count, uncompressedBytes: payload.count), payload)
        default:
            throw EventFailure("TRANSACTION_PAYLOAD_EVENT uses compression type \(compressionType); binlogo reads 0 (zstd) and 255 (none)")
        }
    }
}
