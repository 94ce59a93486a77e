/// The 19-byte common header every binlog event (v4) starts with.
public struct EventHeader: Sendable, Equatable {
    public static let size = 19
    /// Seconds since the epoch when the statement began.
    public var timestamp: UInt32
    public var type: UInt8
    public var serverID: UInt32
    /// The whole event's length, header and checksum included.
    public var eventLength: UInt32
    /// The position of the next event in the binlog file (0 for artificial events).
    public var nextPosition: UInt32
    public var flags: UInt16

    /// LOG_EVENT_ARTIFICIAL_F: made up by the server for the dump (fake ROTATE), not in the file.
    public var isArtificial: Bool { flags & 0x20 != 0 }

    init(_ reader: inout ByteReader) throws(EventFailure) {
        timestamp = try reader.uint32()
        type = try reader.uint8()
        serverID = try reader.uint32()
        eventLength = try reader.uint32()
        nextPosition = try reader.uint32()
        flags = try reader.uint16()
    }
}
