/// How the bytes of a character column become UTF-8, from its collation id.
public enum TextEncoding: Sendable, Equatable {
    case utf8
    /// MySQL's latin1, which is Windows-1252.
    case latin1
    case ascii
    /// The binary charset: the value is bytes, shipped as base64.
    case binary
    /// A charset binlogo does not convert; decoding a value of it is an error naming the collation.
    case unsupported(collation: UInt32)

    /// The encoding of a MySQL or MariaDB collation id.
    public init(collation: UInt32) {
        switch collation {
        case 63: self = .binary
        case 33, 76, 83, 192...215, 223, 576...578, 1057, 1107, 1216, 1238, 2048...2303: self = .utf8
        case 45, 46, 224...247, 255...323, 608...610, 1069, 1070, 1248, 1270, 2304...2559: self = .utf8
        case 5, 8, 15, 31, 47, 48, 49, 94, 1032, 1071: self = .latin1
        case 11, 65, 1035, 1089: self = .ascii
        default: self = .unsupported(collation: collation)
        }
    }
}
