/// Writes the values an original tool writes differently (`output.values: original`,
/// `Docs/types.md#values-per-format`): Debezium's logical types, Maxwell's unpadded BINARY and null
/// invalid ENUM, Canal's ISO-8859-1 bytes and numeric ENUM and SET. Every other value, and every value
/// whose form is binlogo's own, is left to `ColumnValueWriter`.
enum OriginalValueWriter {
    /// Writes the value in its original form and returns true, or writes nothing and returns false.
    static func write(_ value: UnsafeRawBufferPointer, kind: ValueKind, table: TableMap, column: Int, forms: ValueStyle.OriginalForms,
                      to writer: JSONWriter) throws(EventFailure) -> Bool {
        let definition = table.columns[column]
        switch kind {
        case .decimal(let precision, let scale) where forms.decimal != .number:
            DebeziumValue.writeDecimal(value, precision: precision, scale: scale, form: forms.decimal, to: writer)
        case .date where forms.temporal != .text:
            DebeziumValue.writeDate(TemporalValue.date(value), nullable: definition.isNullable, to: writer)
        case .time where forms.temporal != .text:
            DebeziumValue.writeTime(TemporalValue.time(value), unit: forms.temporalUnit(fsp: 6), to: writer)
        case .time2(let fsp) where forms.temporal != .text:
            DebeziumValue.writeTime(TemporalValue.time2(value, fsp: fsp), unit: forms.temporalUnit(fsp: 6), to: writer)
        case .dateTime where forms.temporal != .text:
            DebeziumValue.writeDateTime(TemporalValue.dateTime(value), unit: forms.temporalUnit(fsp: 0), nullable: definition.isNullable,
                                        to: writer)
        case .dateTime2(let fsp) where forms.temporal != .text:
            DebeziumValue.writeDateTime(TemporalValue.dateTime2(value, fsp: fsp), unit: forms.temporalUnit(fsp: fsp),
                                        nullable: definition.isNullable, to: writer)
        case .timestamp where forms.temporal != .text && value.allSatisfy({ $0 == 0 }),
             .timestamp2 where forms.temporal != .text && value.allSatisfy({ $0 == 0 }):
            DebeziumValue.writeZeroTimestamp(nullable: definition.isNullable, to: writer)
        case .bit where forms.bit == .debezium:
            DebeziumValue.writeBits(value, bitCount: definition.bitCount, to: writer)
        case .geometry where forms.geometry == .debezium:
            try DebeziumValue.writeGeometry(value, to: writer)
        case .geometry where forms.geometry == .storedBytes:
            writeBytes(value, forms: forms, to: writer)
        case .string(_, .binary?) where forms.bytes == .latin1, .blob(_, .binary?) where forms.bytes == .latin1,
             .blob(_, nil) where forms.bytes == .latin1:
            TextValue.writeISO88591(value, to: writer)
        case .fixedBinary(_, let fieldLength) where !forms.padsFixedBinary || forms.bytes == .latin1:
            ColumnValueWriter.withPadding(value, to: forms.padsFixedBinary ? fieldLength : 0) { writeBytes($0, forms: forms, to: writer) }
        case .enumeration(let packLength) where forms.labels == .numbers:
            writer.unsigned(value.littleEndian(at: 0, width: packLength))
        case .enumeration(let packLength) where forms.invalidEnumAsNull && value.littleEndian(at: 0, width: packLength) == 0:
            writer.null()
        case .set(let packLength) where forms.labels == .numbers:
            writer.unsigned(value.littleEndian(at: 0, width: packLength))
        default:
            return false
        }
        return true
    }

    private static func writeBytes(_ value: UnsafeRawBufferPointer, forms: ValueStyle.OriginalForms, to writer: JSONWriter) {
        if forms.bytes == .latin1 { TextValue.writeISO88591(value, to: writer) } else { Base64.write(value, to: writer) }
    }
}
