/// One column as the server's schema (information_schema) describes it, for table maps logged
/// without full metadata.
public struct SchemaColumn: Sendable, Equatable {
    public var name: String
    public var isUnsigned: Bool
    /// The collation id of a character, ENUM or SET column.
    public var collation: UInt32?
    /// ENUM labels or SET members, in order.
    public var labels: [String]?
    public var isPrimaryKey: Bool
    /// The column's place in the primary key (1-based), when the schema says: the key is listed in this
    /// order, as the binlog's full metadata lists it.
    public var primaryKeyPosition: Int?

    public init(name: String, isUnsigned: Bool = false, collation: UInt32? = nil, labels: [String]? = nil, isPrimaryKey: Bool = false,
                primaryKeyPosition: Int? = nil) {
        self.primaryKeyPosition = primaryKeyPosition
        self.name = name
        self.isUnsigned = isUnsigned
        self.collation = collation
        self.labels = labels
        self.isPrimaryKey = isPrimaryKey
    }
}
