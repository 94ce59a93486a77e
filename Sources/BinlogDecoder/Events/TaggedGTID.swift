extension MySQLGTID {
    /// The serialization format version GTID_TAGGED_LOG_EVENT is written in (MySQL 8.3 to 9.7).
    static let taggedFormatVersion: UInt64 = 1
    /// Fields 0…11 of the event (flags, UUID, number, tag, two logical clocks, two commit timestamps,
    /// transaction length, two server versions, commit group ticket): a reader must understand every
    /// field up to the last one the writer marked as not ignorable.
    private static let taggedFieldCount: UInt64 = 12

    /// GTID_TAGGED_LOG_EVENT's body (after the common header, without the checksum), in MySQL's
    /// serialization format (`Gtid_event::define_fields` in the server's source): the format version, the
    /// message's size, the last field a reader may not ignore, then fields as (field number, value) in
    /// ascending order, any of which may be left out. The UUID is 16 integers of one byte each.
    init(taggedEventBody body: UnsafeRawBufferPointer) throws(EventFailure) {
        var reader = ByteReader(body)
        let version = try reader.serializedUnsigned()
        guard version == Self.taggedFormatVersion else {
            throw EventFailure("GTID_TAGGED_LOG_EVENT is in serialization format \(version); binlogo reads format \(Self.taggedFormatVersion)")
        }
        let size = try reader.serializedUnsigned()
        guard size <= UInt64(body.count), size >= UInt64(reader.offset) else {
            throw EventFailure("GTID_TAGGED_LOG_EVENT says it has \(size) bytes, its event has \(body.count)")
        }
        let lastRequiredField = try reader.serializedUnsigned()
        guard lastRequiredField <= Self.taggedFieldCount else {
            throw EventFailure("GTID_TAGGED_LOG_EVENT has field \(lastRequiredField - 1) that binlogo does not know and may not ignore (a newer server's format)")
        }
        var fields = ByteReader(UnsafeRawBufferPointer(rebasing: body[..<Int(size)]), offset: reader.offset)
        var source: [UInt8]?
        var number: Int64?
        var tag: String?
        var expected: UInt64 = 0
        // Flags, UUID, number and tag come first; the fields after them are not needed.
        fieldLoop: while !fields.isAtEnd {
            let field = try fields.serializedUnsigned()
            guard field >= expected else { throw EventFailure("GTID_TAGGED_LOG_EVENT has field \(field) after field \(expected - 1)") }
            expected = field + 1
            switch field {
            case 0:
                _ = try fields.serializedUnsigned(atMost: 0xff, "the GTID flags")
            case 1:
                var bytes = [UInt8](repeating: 0, count: 16)
                for index in 0..<16 { bytes[index] = UInt8(try fields.serializedUnsigned(atMost: 0xff, "a byte of the GTID's UUID")) }
                source = bytes
            case 2:
                number = try fields.serializedSigned()
            case 3:
                tag = try fields.serializedGTIDTag()
            default:
                break fieldLoop
            }
        }
        guard let source, let number else {
            throw EventFailure("GTID_TAGGED_LOG_EVENT lacks its \(source == nil ? "UUID" : "transaction number")")
        }
        guard number >= 1, number < Int64.max else { throw EventFailure("GTID_TAGGED_LOG_EVENT has transaction number \(number)") }
        self.init(sourceID: source, transactionNumber: number, tag: tag)
    }
}
