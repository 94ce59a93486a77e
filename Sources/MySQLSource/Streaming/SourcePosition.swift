/// A place in the server's binlog: the file and the byte offset of the next event to read,
/// with the GTID of the last transaction completed before it.
public struct SourcePosition: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var position: UInt32
    /// The GTID of the last complete transaction before `position` (MariaDB `d-s-n` or MySQL `uuid:n`), if known.
    public var gtid: String?

    public init(file: String, position: UInt32, gtid: String? = nil) {
        self.file = file
        self.position = position
        self.gtid = gtid
    }

    public var description: String {
        if file.isEmpty, let gtid { return "gtid \(gtid)" }
        return "\(file):\(position)" + (gtid.map { " (gtid \($0))" } ?? "")
    }
}
