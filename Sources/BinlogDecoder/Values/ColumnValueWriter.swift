/// Writes one column value, given its bytes in the row image, as JSON per `Docs/types.md`.
enum ColumnValueWriter {
    /// The number of bytes the value of `kind` takes at `offset`, and where its data starts
    /// (after any length prefix). Throws when the value would run past the end.
    @inline(__always)
    static func extent(of kind: ValueKind, in bytes: UnsafeRawBufferPointer, at offset: Int) throws(EventFailure) -> (start: Int, length: Int) {
        func fixed(_ size: Int) throws(EventFailure) -> (Int, Int) {
            guard size <= bytes.count - offset else { throw EventFailure("row image ends inside a value of \(size) bytes") }
            return (offset, size)
        }
        func prefixed(_ prefixLength: Int) throws(EventFailure) -> (Int, Int) {
            guard prefixLength <= bytes.count - offset else { throw EventFailure("row image ends inside a length prefix") }
            let length = Int(bytes.littleEndian(at: offset, width: prefixLength))
            guard length <= bytes.count - offset - prefixLength else {
                throw EventFailure("value of \(length) bytes runs past the end of the row image")
            }
            return (offset + prefixLength, length)
        }
        switch kind {
        case .null: return (offset, 0)
        case .integer(let width, _): return try fixed(width)
        case .year: return try fixed(1)
        case .float: return try fixed(4)
        case .double: return try fixed(8)
        case .decimal(let precision, let scale): return try fixed(DecimalValue.size(precision: precision, scale: scale))
        case .bit(let count): return try fixed(count)
        case .date, .time: return try fixed(3)
        case .time2(let fsp): return try fixed(3 + (fsp + 1) / 2)
        case .dateTime: return try fixed(8)
        case .dateTime2(let fsp): return try fixed(5 + (fsp + 1) / 2)
        case .timestamp: return try fixed(4)
        case .timestamp2(let fsp): return try fixed(4 + (fsp + 1) / 2)
        case .string(let lengthBytes, _), .fixedBinary(let lengthBytes, _): return try prefixed(lengthBytes)
        case .blob(let lengthBytes, _), .json(let lengthBytes), .geometry(let lengthBytes), .vector(let lengthBytes):
            return try prefixed(lengthBytes)
        case .enumeration(let packLength), .set(let packLength): return try fixed(packLength)
        case .unsupported: throw EventFailure("the column type is not supported")
        }
    }

    /// Writes the value whose data is `value` (as delimited by `extent`) of column `column` of `table`.
    static func write(_ value: UnsafeRawBufferPointer, kind: ValueKind, table: TableMap, column: Int, style: ValueStyle = .binlogo,
                      to writer: JSONWriter) throws(EventFailure) {
        if let forms = style.original { return try write(value, kind: kind, table: table, column: column, style: style, forms: forms, to: writer) }
        guard style.allAsText else { return try writeJSON(value, kind: kind, table: table, column: column, style: style, to: writer) }
        let start = writer.count
        try writeJSON(value, kind: kind, table: table, column: column, style: style, to: writer)
        writer.quote(from: start)
    }

    /// With an original tool's forms: apart, so that the other styles' path stays as short as binlogo's own.
    @inline(never)
    private static func write(_ value: UnsafeRawBufferPointer, kind: ValueKind, table: TableMap, column: Int, style: ValueStyle,
                              forms: ValueStyle.OriginalForms, to writer: JSONWriter) throws(EventFailure) {
        let start = writer.count
        if try !OriginalValueWriter.write(value, kind: kind, table: table, column: column, forms: forms, to: writer) {
            try writeJSON(value, kind: kind, table: table, column: column, style: style, to: writer)
        }
        if style.allAsText { writer.quote(from: start) }
    }

    /// The value as its JSON type (number, string, array, object).
    private static func writeJSON(_ value: UnsafeRawBufferPointer, kind: ValueKind, table: TableMap, column: Int, style: ValueStyle,
                                  to writer: JSONWriter) throws(EventFailure) {
        switch kind {
        case .null:
            writer.null()
        case .integer(let width, let unsigned):
            let raw = value.littleEndian(at: 0, width: width)
            if unsigned {
                writer.unsigned(raw)
            } else {
                let shift = UInt64(64 - width * 8)
                writer.integer(Int64(bitPattern: raw << shift) >> Int64(shift))
            }
        case .year:
            writer.unsigned(value[0] == 0 ? 0 : 1900 + UInt64(value[0]))
        case .float:
            writer.float(Float(bitPattern: UInt32(value.littleEndian(at: 0, width: 4))))
        case .double:
            writer.double(Double(bitPattern: value.littleEndian(at: 0, width: 8)))
        case .decimal(let precision, let scale):
            DecimalValue.write(value, precision: precision, scale: scale, to: writer)
        case .bit(let count):
            writer.unsigned(value.bigEndian(at: 0, width: count))
        case .date: TemporalValue.writeDate(value, to: writer)
        case .time: TemporalValue.writeTime(value, to: writer)
        case .time2(let fsp): TemporalValue.writeTime2(value, fsp: fsp, to: writer)
        case .dateTime: TemporalValue.writeDateTime(value, to: writer)
        case .dateTime2(let fsp): TemporalValue.writeDateTime2(value, fsp: fsp, to: writer)
        case .timestamp: TemporalValue.writeTimestamp(value, withSpace: style.timestampWithSpace, to: writer)
        case .timestamp2(let fsp): TemporalValue.writeTimestamp2(value, fsp: fsp, withSpace: style.timestampWithSpace, to: writer)
        case .string(_, let encoding):
            // Without charset metadata, CHAR/VARCHAR are taken as UTF-8 text.
            try TextValue.write(value, encoding: encoding ?? .utf8, to: writer)
        case .fixedBinary(_, let fieldLength):
            withPadding(value, to: fieldLength) { Base64.write($0, to: writer) }
        case .blob(_, let encoding):
            // Without charset metadata, TEXT cannot be told from BLOB: bytes, as base64.
            try TextValue.write(value, encoding: encoding ?? .binary, to: writer)
        case .enumeration(let packLength):
            let index = Int(value.littleEndian(at: 0, width: packLength))
            if let labels = table.columns[column].labels {
                if index == 0 {
                    writer.raw("\"\"")  // the empty string MySQL stores for an invalid value
                } else if index <= labels.count {
                    writer.string(labels[index - 1])
                } else {
                    throw EventFailure("ENUM index \(index) is beyond its \(labels.count) labels")
                }
            } else {
                try requireConvertibleLabels(table.columns[column])
                writer.unsigned(UInt64(index))
            }
        case .set(let packLength):
            let bits = value.littleEndian(at: 0, width: packLength)
            if let labels = table.columns[column].labels {
                let members = labels.enumerated().lazy.filter { $0.offset < 64 && bits & (1 << UInt64($0.offset)) != 0 }.map(\.element)
                if style.setAsText {
                    writer.string(members.joined(separator: ","))
                } else {
                    writer.byte(UInt8(ascii: "["))
                    var first = true
                    for label in members {
                        if !first { writer.byte(UInt8(ascii: ",")) }
                        writer.string(label)
                        first = false
                    }
                    writer.byte(UInt8(ascii: "]"))
                }
                if labels.count < 64 && bits >> UInt64(labels.count) != 0 {
                    throw EventFailure("SET value \(bits) has members beyond its \(labels.count) labels")
                }
            } else {
                try requireConvertibleLabels(table.columns[column])
                writer.unsigned(bits)
            }
        case .json:
            if style.jsonAsText {
                let text = JSONWriter(capacity: value.count + 16)
                try MySQLJSONValue.write(value, spaced: style.original?.spacedJSONText == true, to: text)
                text.withBytes { writer.string(utf8: $0) }
            } else {
                try MySQLJSONValue.write(value, to: writer)
            }
        case .geometry:
            try GeometryValue.write(value, mariaDB: table.writtenByMariaDB, to: writer)
        case .vector:
            try VectorValue.write(value, to: writer)
        case .unsupported:
            throw EventFailure("the column type is not supported")
        }
    }

    /// BINARY(n)'s bytes with the trailing zero bytes the binlog leaves out put back, as SELECT returns them.
    static func withPadding(_ value: UnsafeRawBufferPointer, to fieldLength: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard value.count < fieldLength else { return body(value) }
        var padded = [UInt8](repeating: 0, count: fieldLength)
        padded.withUnsafeMutableBytes { $0.copyMemory(from: value) }
        padded.withUnsafeBytes(body)
    }

    /// Without labels an ENUM or SET value is written as its number, unless the server logged labels
    /// binlogo could not convert: then the value is an error rather than a number posing as the data.
    private static func requireConvertibleLabels(_ column: ColumnDefinition) throws(EventFailure) {
        if let collation = column.unconvertibleLabelsCollation {
            throw EventFailure("the labels' charset of collation \(collation) is not supported (utf8mb4, utf8mb3, latin1, ascii and binary are)")
        }
    }
}
