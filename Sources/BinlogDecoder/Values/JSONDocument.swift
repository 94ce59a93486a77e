/// A MySQL binary JSON document opened for change: the old document of a partial JSON update, to
/// which the diffs are applied, and which is then written back in MySQL's binary format.
///
/// Only the containers a path goes through are opened (one level at a time); every other value stays
/// as the bytes it was, copied verbatim when the document is written back. So applying a few diffs
/// to a large document costs the containers on their paths, not the whole document; and the new
/// document is rendered by `MySQLJSONValue` like every other JSON value, with the same rules.
///
/// The semantics are MySQL's `apply_json_diffs` (sql/json_diff.cc): REPLACE needs a value at the
/// path; INSERT needs the path's parent, and a member that is not there yet, or an array position
/// (clamped to the array's end); REMOVE needs the member or an element within bounds. Anything else
/// is an error: the binlog does not describe a change of this document.
struct JSONDocument {
    /// A value of the document.
    enum Node {
        /// A scalar: its type byte and its bytes as stored outside an entry (an INT16 in 2 bytes, a literal in 1).
        case scalar(type: UInt8, data: [UInt8])
        /// An object or array not opened: its type byte and its bytes, offsets relative to their start.
        case encoded(type: UInt8, bytes: [UInt8])
        case object(ObjectNode)
        case array(ArrayNode)
    }

    /// An opened object; keys in MySQL's order (shorter first, then by bytes), as stored and printed.
    final class ObjectNode {
        var keys: [[UInt8]]
        var values: [Node]
        init(keys: [[UInt8]], values: [Node]) {
            self.keys = keys
            self.values = values
        }
    }

    final class ArrayNode {
        var elements: [Node]
        init(elements: [Node]) { self.elements = elements }
    }

    private var root: Node

    /// The document whose binary form (type byte, then the value) is `bytes`; empty bytes are JSON null, as MySQL reads them.
    init(binary bytes: UnsafeRawBufferPointer) throws(EventFailure) {
        guard !bytes.isEmpty else {
            root = .scalar(type: MySQLJSONLayout.literal, data: [0x00])
            return
        }
        root = try Self.node(of: bytes)
    }

    /// A whole binary document (a diff's value, or an old document) as a node: its type byte, then the value.
    private static func node(of document: UnsafeRawBufferPointer) throws(EventFailure) -> Node {
        let type = document[0]
        let value = UnsafeRawBufferPointer(rebasing: document[1...])
        // Bytes past the value are left out (a document updated in place may keep some), as MySQL reads it.
        let data = Array(value[..<(try MySQLJSONLayout.valueLength(type: type, in: value, at: 0))])
        return MySQLJSONLayout.isContainer(type) ? .encoded(type: type, bytes: data) : .scalar(type: type, data: data)
    }

    /// Applies one diff, whose value (for REPLACE and INSERT) is the binary document `value`.
    mutating func apply(_ diff: JSONDiff, value: UnsafeRawBufferPointer) throws(EventFailure) {
        let legs = diff.path.legs[...]
        switch diff.operation {
        case .replace:
            let replacement = try Self.node(of: value)
            try Self.descend(&root, legs, diff) { node throws(EventFailure) in node = replacement }
        case .insert:
            let inserted = try Self.node(of: value)
            try Self.descend(&root, legs.dropLast(), diff) { parent throws(EventFailure) in
                try Self.open(&parent)
                switch (parent, legs.last!) {
                case let (.object(object), .member(name)):
                    let (index, found) = Self.search(object.keys, name)
                    if found { throw Self.failure(diff, "the member is already there") }
                    guard name.count <= Int(UInt16.max) else { throw Self.failure(diff, "a member name longer than 65535 bytes") }
                    object.keys.insert(name, at: index)
                    object.values.insert(inserted, at: index)
                case let (.array(array), .cell(index, fromEnd)):
                    let position = JSONPath.position(index: index, fromEnd: fromEnd, count: array.elements.count).position
                    array.elements.insert(inserted, at: position)
                default:
                    throw Self.failure(diff, "its parent is not an object or array that the last leg fits")
                }
            }
        case .remove:
            try Self.descend(&root, legs.dropLast(), diff) { parent throws(EventFailure) in
                try Self.open(&parent)
                switch (parent, legs.last!) {
                case let (.object(object), .member(name)):
                    let (index, found) = Self.search(object.keys, name)
                    guard found else { throw Self.failure(diff, "the member is not there") }
                    object.keys.remove(at: index)
                    object.values.remove(at: index)
                case let (.array(array), .cell(index, fromEnd)):
                    let (position, withinBounds) = JSONPath.position(index: index, fromEnd: fromEnd, count: array.elements.count)
                    guard withinBounds else { throw Self.failure(diff, "the array has no such element") }
                    array.elements.remove(at: position)
                default:
                    throw Self.failure(diff, "its parent is not an object or array that the last leg fits")
                }
            }
        }
    }

    private static func failure(_ diff: JSONDiff, _ reason: String) -> EventFailure {
        EventFailure("JSON diff \(diff.operation.name) at \(describe(diff.path)) does not apply to the old document: \(reason)")
    }

    /// The path for messages, rebuilt from its legs.
    private static func describe(_ path: JSONPath) -> String {
        var text = "$"
        for leg in path.legs {
            switch leg {
            case .member(let name): text += "." + name.withUnsafeBytes { JSONPath.quoted($0) }
            case let .cell(index, fromEnd): text += fromEnd ? (index == 0 ? "[last]" : "[last-\(index)]") : "[\(index)]"
            }
        }
        return text
    }

    /// Follows `legs` from `node` (opening containers on the way) and hands the node there to `body`.
    /// MySQL's `seek_exact_path`: a member leg needs an object with that member, a cell leg an array
    /// with that element; no auto-wrapping.
    private static func descend(_ node: inout Node, _ legs: ArraySlice<JSONPath.Leg>, _ diff: JSONDiff,
                                _ body: (inout Node) throws(EventFailure) -> Void) throws(EventFailure) {
        guard let leg = legs.first else { return try body(&node) }
        try open(&node)
        switch (node, leg) {
        case let (.object(object), .member(name)):
            let (index, found) = search(object.keys, name)
            guard found else { throw failure(diff, "no member \(name.withUnsafeBytes { JSONPath.quoted($0) }) on its way") }
            try descend(&object.values[index], legs.dropFirst(), diff, body)
        case let (.array(array), .cell(index, fromEnd)):
            let (position, withinBounds) = JSONPath.position(index: index, fromEnd: fromEnd, count: array.elements.count)
            guard withinBounds else { throw failure(diff, "an array on its way has no such element") }
            try descend(&array.elements[position], legs.dropFirst(), diff, body)
        default:
            throw failure(diff, "a value on its way is not the object or array its path needs")
        }
    }

    /// MySQL's key order: shorter keys first, keys of one length by their bytes. Where `key` is or would go.
    private static func search(_ keys: [[UInt8]], _ key: [UInt8]) -> (index: Int, found: Bool) {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            let order = compare(keys[middle], key)
            if order == 0 { return (middle, true) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }

    private static func compare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        if left.count != right.count { return left.count < right.count ? -1 : 1 }
        for (a, b) in zip(left, right) where a != b { return a < b ? -1 : 1 }
        return 0
    }

    /// Turns an encoded object or array into an opened one (its members or elements left encoded).
    private static func open(_ node: inout Node) throws(EventFailure) {
        guard case let .encoded(type, bytes) = node else { return }
        node = try bytes.withUnsafeBytes { container in
            Result { () throws(EventFailure) in try opened(container, type: type) }
        }.get()
    }

    private static func opened(_ container: UnsafeRawBufferPointer, type: UInt8) throws(EventFailure) -> Node {
        let large = type == MySQLJSONLayout.largeObject || type == MySQLJSONLayout.largeArray
        let isObject = type == MySQLJSONLayout.smallObject || type == MySQLJSONLayout.largeObject
        let (count, _) = try MySQLJSONLayout.containerHeader(container, large: large, object: isObject)
        let width = large ? 4 : 2
        var keys: [[UInt8]] = []
        var values: [Node] = []
        keys.reserveCapacity(isObject ? count : 0)
        values.reserveCapacity(count)
        let valueEntries = 2 * width + (isObject ? count * (width + 2) : 0)
        for index in 0..<count {
            if isObject {
                let entry = 2 * width + index * (width + 2)
                let keyOffset = Int(container.littleEndian(at: entry, width: width))
                let keyLength = Int(container.littleEndian(at: entry + width, width: 2))
                try MySQLJSONValue.check(container, keyOffset, keyLength)
                keys.append(Array(container[keyOffset..<(keyOffset + keyLength)]))
            }
            let entry = valueEntries + index * (1 + width)
            let valueType = container[entry]
            if MySQLJSONLayout.isInlined(valueType, large: large) {
                let length = try MySQLJSONLayout.valueLength(type: valueType, in: container, at: entry + 1)
                values.append(.scalar(type: valueType, data: Array(container[(entry + 1)..<(entry + 1 + length)])))
            } else {
                let offset = Int(container.littleEndian(at: entry + 1, width: width))
                guard offset < container.count else {
                    throw EventFailure("binary JSON: value offset \(offset) outside its container of \(container.count) bytes")
                }
                let length = try MySQLJSONLayout.valueLength(type: valueType, in: container, at: offset)
                let data = Array(container[offset..<(offset + length)])
                values.append(MySQLJSONLayout.isContainer(valueType) ? .encoded(type: valueType, bytes: data) : .scalar(type: valueType, data: data))
            }
        }
        return isObject ? .object(ObjectNode(keys: keys, values: values)) : .array(ArrayNode(elements: values))
    }

    /// The document in MySQL's binary format: its type byte, then the value.
    func binary() throws(EventFailure) -> [UInt8] {
        let (type, bytes) = try Self.encode(root)
        return [type] + bytes
    }

    /// A node's type byte and bytes. An opened container takes the small format when its bytes fit
    /// 16-bit offsets, else the large one, as MySQL does; its members are encoded first, each in the
    /// format that fits it.
    private static func encode(_ node: Node) throws(EventFailure) -> (UInt8, [UInt8]) {
        switch node {
        case let .scalar(type, data): return (type, data)
        case let .encoded(type, bytes): return (type, bytes)
        case .object(let object):
            var members: [(UInt8, [UInt8])] = []
            members.reserveCapacity(object.values.count)
            for value in object.values { members.append(try encode(value)) }
            if let small = container(keys: object.keys, members: members, large: false) { return (MySQLJSONLayout.smallObject, small) }
            guard let large = container(keys: object.keys, members: members, large: true) else {
                throw EventFailure("binary JSON: the new document is larger than 4 GiB")
            }
            return (MySQLJSONLayout.largeObject, large)
        case .array(let array):
            var members: [(UInt8, [UInt8])] = []
            members.reserveCapacity(array.elements.count)
            for element in array.elements { members.append(try encode(element)) }
            if let small = container(keys: nil, members: members, large: false) { return (MySQLJSONLayout.smallArray, small) }
            guard let large = container(keys: nil, members: members, large: true) else {
                throw EventFailure("binary JSON: the new document is larger than 4 GiB")
            }
            return (MySQLJSONLayout.largeArray, large)
        }
    }

    /// An object's (with `keys`) or array's bytes in one format, or nil when they do not fit its offsets:
    /// count and size, key entries, value entries, keys, then the values not inlined in their entries.
    private static func container(keys: [[UInt8]]?, members: [(UInt8, [UInt8])], large: Bool) -> [UInt8]? {
        let width = large ? 4 : 2
        let limit = large ? Int(UInt32.max) : Int(UInt16.max)
        let count = members.count
        let headerSize = 2 * width + (keys == nil ? 0 : count * (width + 2)) + count * (1 + width)
        var size = headerSize
        for key in keys ?? [] { size += key.count }
        for (type, data) in members where !MySQLJSONLayout.isInlined(type, large: large) { size += data.count }
        guard size <= limit, count <= limit else { return nil }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        func append(_ value: Int, _ width: Int) {
            for index in 0..<width { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
        }
        append(count, width)
        append(size, width)
        var next = headerSize
        for key in keys ?? [] {
            append(next, width)
            append(key.count, 2)
            next += key.count
        }
        for (type, data) in members {
            bytes.append(type)
            if MySQLJSONLayout.isInlined(type, large: large) {
                bytes.append(contentsOf: data)
                bytes.append(contentsOf: repeatElement(0, count: width - data.count))
            } else {
                append(next, width)
                next += data.count
            }
        }
        for key in keys ?? [] { bytes.append(contentsOf: key) }
        for (type, data) in members where !MySQLJSONLayout.isInlined(type, large: large) { bytes.append(contentsOf: data) }
        return bytes
    }
}
