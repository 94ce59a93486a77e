/// One change of a partial JSON update (MySQL's `Json_diff`, sql/json_diff.cc): an operation at a
/// path, with a value in MySQL's binary JSON for a replace or an insert.
///
/// In a PARTIAL_UPDATE_ROWS_EVENT's after image a partial JSON column holds, behind its 4-byte
/// length, the diffs one after another (`Json_diff_vector::write_binary`): the operation byte, the
/// path's length (a length-encoded integer) and text, and for REPLACE and INSERT the value's length
/// (length-encoded) and bytes. Offsets are kept, not copies: they point into the rows event's bytes.
struct JSONDiff: Sendable {
    /// `enum_json_diff_operation`, in its numbering.
    enum Operation: UInt8, Sendable {
        case replace = 0, insert = 1, remove = 2

        var name: StaticString {
            switch self {
            case .replace: "replace"
            case .insert: "insert"
            case .remove: "remove"
            }
        }
    }

    var operation: Operation
    var path: JSONPath
    /// The path's text in the event's bytes.
    var pathStart: Int
    var pathLength: Int
    /// The value (a binary JSON document: type byte, then the value) in the event's bytes; length 0 for REMOVE.
    var valueStart: Int
    var valueLength: Int

    /// The diffs of one column's value: `value` is what the column's 4-byte length delimits, found at
    /// `base` in `buffer` (so that the diffs' offsets are offsets in `buffer`).
    static func parseVector(_ buffer: UnsafeRawBufferPointer, start base: Int, length: Int) throws(EventFailure) -> [JSONDiff] {
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[base..<(base + length)]))
        var diffs: [JSONDiff] = []
        while !reader.isAtEnd {
            let code = try reader.uint8()
            guard let operation = Operation(rawValue: code) else { throw EventFailure("JSON diff with an unknown operation \(code)") }
            let pathLength = try reader.lengthEncodedCount()
            let pathStart = reader.offset
            let path = try JSONPath(parsing: try reader.slice(pathLength))
            guard !path.legs.isEmpty else { throw EventFailure("JSON diff at path $ (the whole document cannot be a diff)") }
            var valueStart = reader.offset, valueLength = 0
            if operation != .remove {
                valueLength = try reader.lengthEncodedCount()
                valueStart = reader.offset
                guard valueLength > 0 else { throw EventFailure("JSON diff with an empty value") }
                try reader.skip(valueLength)
            }
            diffs.append(JSONDiff(operation: operation, path: path, pathStart: base + pathStart, pathLength: pathLength,
                                  valueStart: base + valueStart, valueLength: valueLength))
        }
        return diffs
    }

    /// `{"op":"replace","path":"$.a[1]","value":…}` (no `value` for a remove): the path as MySQL logged
    /// it, the value rendered as every JSON value is.
    func write(in buffer: UnsafeRawBufferPointer, to writer: JSONWriter) throws(EventFailure) {
        writer.raw("{\"op\":\"")
        writer.raw(operation.name)
        writer.raw("\",\"path\":")
        writer.string(utf8: UnsafeRawBufferPointer(rebasing: buffer[pathStart..<(pathStart + pathLength)]))
        if operation != .remove {
            writer.raw(",\"value\":")
            try MySQLJSONValue.write(UnsafeRawBufferPointer(rebasing: buffer[valueStart..<(valueStart + valueLength)]), to: writer)
        }
        writer.byte(UInt8(ascii: "}"))
    }
}
