/// What a FORMAT_DESCRIPTION_EVENT says about the events after it.
public struct FormatDescription: Sendable, Equatable {
    public enum Checksum: UInt8, Sendable {
        case none = 0
        case crc32 = 1
    }

    public var binlogVersion: UInt16
    public var serverVersion: String
    public var headerLength: UInt8
    /// Post-header length of each event type, indexed by type code - 1.
    public var postHeaderLengths: [UInt8]
    public var checksum: Checksum

    /// Whether the server is MariaDB (its version string says so).
    public var isMariaDB: Bool { serverVersion.contains("MariaDB") }

    /// The post-header length of `type`, or nil when the server did not say.
    public func postHeaderLength(of type: UInt8) -> Int? {
        let index = Int(type) - 1
        return index >= 0 && index < postHeaderLengths.count ? Int(postHeaderLengths[index]) : nil
    }

    /// A binlog v4 description assumed until the first FORMAT_DESCRIPTION_EVENT arrives.
    static let assumed = FormatDescription(binlogVersion: 4, serverVersion: "", headerLength: 19,
                                           postHeaderLengths: [], checksum: .none)

    init(binlogVersion: UInt16, serverVersion: String, headerLength: UInt8, postHeaderLengths: [UInt8], checksum: Checksum) {
        self.binlogVersion = binlogVersion
        self.serverVersion = serverVersion
        self.headerLength = headerLength
        self.postHeaderLengths = postHeaderLengths
        self.checksum = checksum
    }

    /// Parses the event body (after the common header), `body` including any trailing checksum.
    init(parsing body: UnsafeRawBufferPointer) throws(EventFailure) {
        var reader = ByteReader(body)
        binlogVersion = try reader.uint16()
        let version = try reader.slice(50)
        serverVersion = String(decoding: version.prefix { $0 != 0 }, as: UTF8.self)
        _ = try reader.uint32()  // creation timestamp
        headerLength = try reader.uint8()
        guard binlogVersion == 4 else { throw EventFailure("binlog version \(binlogVersion) is not supported (only v4)") }
        guard headerLength == 19 else { throw EventFailure("event header length \(headerLength) is not supported (only 19)") }
        // Servers that know checksums (MySQL 5.6.1+, MariaDB 5.3+) end the event with the algorithm byte and a CRC.
        let rest = reader.remaining
        let checksumAware = Self.versionAtLeast(serverVersion, 5, 6, 1) || serverVersion.contains("MariaDB")
        if checksumAware && rest >= 5 {
            postHeaderLengths = try reader.array(rest - 5)
            let algorithm = try reader.uint8()
            guard let checksum = Checksum(rawValue: algorithm == 0xff ? 0 : algorithm) else {
                throw EventFailure("checksum algorithm \(algorithm) is not supported (only NONE and CRC32)")
            }
            self.checksum = checksum
        } else {
            postHeaderLengths = try reader.array(rest)
            checksum = .none
        }
    }

    private static func versionAtLeast(_ version: String, _ major: Int, _ minor: Int, _ patch: Int) -> Bool {
        let numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        guard numbers.count == 3 else { return false }
        return (numbers[0], numbers[1], numbers[2]) >= (major, minor, patch)
    }
}
