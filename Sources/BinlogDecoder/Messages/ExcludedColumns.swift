/// The columns of a table left out of its messages (`filters.exclude_columns`: secrets such as password
/// hashes), matched as MySQL matches column names: whatever their case, so that `Password` in the
/// configuration leaves out a column the server calls `password`. Letters outside ASCII must match in case.
public struct ExcludedColumns: Sendable, Equatable, ExpressibleByArrayLiteral {
    /// The names with ASCII letters in lower case.
    private let folded: Set<String>

    public init<Names: Sequence>(_ names: Names) where Names.Element == String {
        folded = Set(names.map(Self.fold))
    }

    public init(arrayLiteral names: String...) {
        self.init(names)
    }

    public func contains(_ column: String) -> Bool {
        // Most column names are lower case already: no new string for them.
        column.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
            ? folded.contains(Self.fold(column)) : folded.contains(column)
    }

    public var isEmpty: Bool { folded.isEmpty }

    /// `name` with its ASCII letters in lower case.
    public static func fold(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
