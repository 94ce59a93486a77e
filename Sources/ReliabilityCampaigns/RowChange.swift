/// One change the campaign writer made to a row of `items`, as both the writer and the checker name it.
///
/// Every row carries a `seq` column that each change raises by one, and ids are never reused, so
/// `(id, seq, kind)` names a change uniquely and `seq` orders the changes of one row.
public struct RowChange: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case insert, update, delete }

    public let id: Int64
    /// The row's `seq` after the change; for a delete, the `seq` of the row it removed.
    public let seq: Int32
    public let kind: Kind

    public init(id: Int64, seq: Int32, kind: Kind) {
        self.id = id
        self.seq = seq
        self.kind = kind
    }

    /// The row's changes happen in this order: by `seq`, and a delete after the change that made its `seq`.
    var order: Int64 { Int64(seq) * 2 + (kind == .delete ? 1 : 0) }

    public var description: String { "\(kind.rawValue) id=\(id) seq=\(seq)" }
}
