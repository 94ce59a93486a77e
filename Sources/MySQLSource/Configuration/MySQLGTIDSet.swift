/// A MySQL GTID set (`3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7:tag1:1-3,…`): per source UUID and tag
/// (MySQL 8.4+ tagged GTIDs; no tag for the usual ones), the transaction numbers it holds, as closed
/// intervals.
public struct MySQLGTIDSet: Sendable, Equatable, CustomStringConvertible {
    /// A source UUID (lower case, with dashes) and a tag (lower case; empty for an untagged GTID).
    public struct SourceTag: Sendable, Hashable, Comparable {
        public var uuid: String
        public var tag: String

        public init(uuid: String, tag: String = "") {
            // Lower-casing allocates; the decoder's UUIDs and tags are lower case already.
            self.uuid = uuid.utf8.contains(where: Self.isUpperCase) ? uuid.lowercased() : uuid
            self.tag = tag.utf8.contains(where: Self.isUpperCase) ? tag.lowercased() : tag
        }

        private static func isUpperCase(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }

        public static func < (lhs: SourceTag, rhs: SourceTag) -> Bool {
            (lhs.uuid, lhs.tag) < (rhs.uuid, rhs.tag)
        }
    }

    /// Source and tag → sorted, non-overlapping, non-adjacent closed intervals.
    public private(set) var intervals: [SourceTag: [ClosedRange<Int64>]]

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The empty set.
    public init() {
        intervals = [:]
    }

    /// Parses MySQL's text form, as `@@gtid_executed` prints it; whitespace is ignored.
    public init(parsing text: String) throws(Invalid) {
        intervals = [:]
        let trimmed = text.filter { !$0.isWhitespace }
        if trimmed.isEmpty { return }
        for member in trimmed.split(separator: ",") {
            let parts = member.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 2, Self.isUUID(parts[0]) else {
                throw Invalid(description: "GTID set member \(member) is not UUID[:TAG]:N[-M][:…]")
            }
            var source = SourceTag(uuid: String(parts[0]))
            var tagHasIntervals = true
            for part in parts.dropFirst() {
                if let first = part.first, first.isLetter || first == "_" {
                    guard tagHasIntervals, Self.isTag(part) else {
                        throw Invalid(description: "GTID set member \(member): \(part) is not a tag followed by N[-M]")
                    }
                    source = SourceTag(uuid: source.uuid, tag: String(part))
                    tagHasIntervals = false
                    continue
                }
                let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                guard (1...2).contains(bounds.count), let low = Int64(bounds[0]), let high = Int64(bounds.last!), low >= 1, low <= high else {
                    throw Invalid(description: "GTID interval \(part) in \(member) is not N or N-M with 1 ≤ N ≤ M")
                }
                insert(source, low...high)
                tagHasIntervals = true
            }
            guard tagHasIntervals else {
                throw Invalid(description: "GTID set member \(member) ends with tag \(source.tag) but no N[-M] after it")
            }
        }
    }

    /// Adds one transaction. Cheap when it extends the last interval of its source (the usual case
    /// while reading a binlog).
    public mutating func insert(_ source: SourceTag, number: Int64) {
        if var ranges = intervals[source], let last = ranges.last, last.upperBound + 1 == number {
            intervals[source] = nil
            ranges[ranges.count - 1] = last.lowerBound...number
            intervals[source] = ranges
            return
        }
        insert(source, number...number)
    }

    /// Adds every transaction of `other`.
    public mutating func formUnion(_ other: MySQLGTIDSet) {
        for (source, ranges) in other.intervals {
            for range in ranges { insert(source, range) }
        }
    }

    private mutating func insert(_ source: SourceTag, _ range: ClosedRange<Int64>) {
        var ranges = intervals[source, default: []]
        if let last = ranges.last, range.lowerBound > last.upperBound + 1 {
            ranges.append(range)
            intervals[source] = ranges
            return
        }
        ranges.append(range)
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<Int64>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        intervals[source] = merged
    }

    private static func isUUID(_ text: Substring) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && text.allSatisfy { $0 == "-" || $0.isHexDigit }
    }

    /// MySQL's tag syntax: a letter or `_`, then letters, digits or `_`, at most 32 characters.
    private static func isTag(_ text: Substring) -> Bool {
        (1...32).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// Whether the set holds transaction `number` of `uuid` with `tag` (empty: untagged).
    public func contains(uuid: String, tag: String = "", number: Int64) -> Bool {
        intervals[SourceTag(uuid: uuid, tag: tag)]?.contains { $0.contains(number) } ?? false
    }

    /// Whether every transaction of `other` is in this set.
    public func contains(_ other: MySQLGTIDSet) -> Bool {
        other.intervals.allSatisfy { source, ranges in
            ranges.allSatisfy { range in intervals[source]?.contains { $0.lowerBound <= range.lowerBound && range.upperBound <= $0.upperBound } ?? false }
        }
    }

    public var isEmpty: Bool { intervals.isEmpty }

    /// MySQL's text form: sources by UUID, each with its untagged intervals first and then each tag's.
    public var description: String {
        var members: [String] = []
        var current = ""
        var text = ""
        for source in intervals.keys.sorted() {
            if source.uuid != current {
                if !text.isEmpty { members.append(text) }
                current = source.uuid
                text = source.uuid
            }
            if !source.tag.isEmpty { text += ":" + source.tag }
            for range in intervals[source]! {
                text += range.lowerBound == range.upperBound ? ":\(range.lowerBound)" : ":\(range.lowerBound)-\(range.upperBound)"
            }
        }
        if !text.isEmpty { members.append(text) }
        return members.joined(separator: ",")
    }
}
