/// A MySQL GTID set (`3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,…`): per source UUID, the
/// transaction numbers it holds, as closed intervals.
public struct MySQLGTIDSet: Sendable, Equatable, CustomStringConvertible {
    /// Lower-case UUID → sorted, non-overlapping closed intervals.
    public private(set) var intervals: [String: [ClosedRange<Int64>]]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(parsing text: String) throws(Invalid) {
        intervals = [:]
        let trimmed = text.filter { !$0.isWhitespace }
        if trimmed.isEmpty { return }
        for member in trimmed.split(separator: ",") {
            let parts = member.split(separator: ":")
            guard parts.count >= 2, Self.isUUID(parts[0]) else {
                throw Invalid(description: "GTID set member \(member) is not UUID:N[-M][:…]")
            }
            let uuid = parts[0].lowercased()
            for part in parts.dropFirst() {
                let bounds = part.split(separator: "-")
                guard (1...2).contains(bounds.count), let low = Int64(bounds[0]), let high = Int64(bounds.last!), low >= 1, low <= high else {
                    throw Invalid(description: "GTID interval \(part) in \(member) is not N or N-M with 1 ≤ N ≤ M")
                }
                insert(uuid, low...high)
            }
        }
    }

    private mutating func insert(_ uuid: String, _ range: ClosedRange<Int64>) {
        var ranges = intervals[uuid, default: []] + [range]
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int64>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        intervals[uuid] = merged
    }

    private static func isUUID(_ text: Substring) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && text.allSatisfy { $0 == "-" || $0.isHexDigit }
    }

    /// Whether the set holds transaction `number` of `uuid`.
    public func contains(uuid: String, number: Int64) -> Bool {
        intervals[uuid.lowercased()]?.contains { $0.contains(number) } ?? false
    }

    /// Whether every transaction of `other` is in this set.
    public func contains(_ other: MySQLGTIDSet) -> Bool {
        other.intervals.allSatisfy { uuid, ranges in
            ranges.allSatisfy { range in intervals[uuid]?.contains { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound } ?? false }
        }
    }

    public var description: String {
        intervals.keys.sorted().map { uuid in
            ([uuid] + intervals[uuid]!.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" })
                .joined(separator: ":")
        }.joined(separator: ",")
    }
}
