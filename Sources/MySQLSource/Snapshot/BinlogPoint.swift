/// A place in the binlog by file and offset, ordered as the server writes: by the file's sequence
/// number (the digits after its last dot), then by offset.
public struct BinlogPoint: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var file: String
    public var position: UInt64

    public init(file: String, position: UInt64) {
        // MariaDB's binlog_snapshot_file may carry the directory.
        self.file = file.split(separator: "/").last.map(String.init) ?? file
        self.position = position
    }

    private var sequence: UInt64 {
        file.split(separator: ".").last.flatMap { UInt64($0) } ?? 0
    }

    public static func < (lhs: BinlogPoint, rhs: BinlogPoint) -> Bool {
        lhs.sequence != rhs.sequence ? lhs.sequence < rhs.sequence : lhs.position < rhs.position
    }

    public var description: String { "\(file):\(position)" }
}
