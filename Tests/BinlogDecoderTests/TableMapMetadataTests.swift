@testable import BinlogDecoder
import Testing

/// The optional metadata's per-kind lists (SIGNEDNESS, the charset fields, the ENUM/SET labels) as
/// each server writes them; which columns count for which list differs between MariaDB and MySQL
/// (see `ColumnDefinition`). Built byte by byte, so that MySQL's rules are checked too.
@Suite struct TableMapMetadataTests {
    /// A TABLE_MAP body for `d.t` with the given column types, per-column metadata bytes and TLV fields.
    private func tableMap(types: [UInt8], metadata: [UInt8], fields: [(UInt8, [UInt8])]) -> [UInt8] {
        var body = EventBuilder()
        body.little(7, 6); body.u16(1)
        body.u8(1); body.text("d"); body.u8(0)
        body.u8(1); body.text("t"); body.u8(0)
        body.lengthEncoded(UInt64(types.count)); body.raw(types)
        body.lengthEncoded(UInt64(metadata.count)); body.raw(metadata)
        body.raw([UInt8](repeating: 0xff, count: (types.count + 7) / 8))
        for (type, value) in fields { body.u8(type); body.lengthEncoded(UInt64(value.count)); body.raw(value) }
        return body.bytes
    }

    private func parse(_ body: [UInt8], mariaDB: Bool) throws -> TableMap {
        try body.withUnsafeBytes { try TableMap(parsing: $0, tableIDLength: 6, mariaDB: mariaDB) }
    }

    @Test func yearHasASignednessBitOnBothServers() throws {
        let types = [ColumnType.year, ColumnType.long, ColumnType.longLong]
        // YEAR (always UNSIGNED), INT signed, BIGINT UNSIGNED: the bitmap MariaDB 10.11 and MySQL 9.7 both write.
        for mariaDB in [true, false] {
            let table = try parse(tableMap(types: types, metadata: [], fields: [(1, [0b1010_0000])]), mariaDB: mariaDB)
            #expect(table.columns.map(\.isUnsigned) == [true, false, true], "MariaDB \(mariaDB)")
            #expect(table.kinds[1] == .integer(width: 4, unsigned: false) && table.kinds[2] == .integer(width: 8, unsigned: true))
        }
    }

    @Test func vectorHasACharsetOnMySQL() throws {
        // VECTOR(2) (4 length bytes), then VARCHAR(20): MySQL 9 logs COLUMN_CHARSET over both (binary, latin1).
        let table = try parse(tableMap(types: [ColumnType.vector, ColumnType.varchar], metadata: [4, 20, 0],
                                       fields: [(3, [63, 8])]), mariaDB: false)
        #expect(table.kinds[0] == .vector(lengthBytes: 4))
        #expect(table.kinds[1] == .string(lengthBytes: 1, encoding: .latin1))
    }

    /// GEOMETRY, then VARCHAR(20) and an ENUM (STRING with real type ENUM, pack length 1).
    private let geometryVarcharEnum: (types: [UInt8], metadata: [UInt8]) = (
        [ColumnType.geometry, ColumnType.varchar, ColumnType.string], [4, 20, 0, ColumnType.enumeration, 1])

    /// Two latin1 labels, `café` and `€uro`, as the server logs them.
    private let latin1Labels: [UInt8] = [2, 4, 0x63, 0x61, 0x66, 0xE9, 4, 0x80, 0x75, 0x72, 0x6F]

    @Test func geometryHasACharsetOnMariaDBOnly() throws {
        let (types, metadata) = geometryVarcharEnum
        // MariaDB: COLUMN_CHARSET over GEOMETRY (binary) and VARCHAR (latin1).
        let mariaDB = try parse(tableMap(types: types, metadata: metadata, fields: [(3, [63, 8])]), mariaDB: true)
        #expect(mariaDB.columns[1].collation == 8)
        #expect(mariaDB.kinds[1] == .string(lengthBytes: 1, encoding: .latin1))
        // MySQL: COLUMN_CHARSET over VARCHAR alone.
        let mysql = try parse(tableMap(types: types, metadata: metadata, fields: [(3, [8])]), mariaDB: false)
        #expect(mysql.columns[0].collation == nil && mysql.columns[1].collation == 8)
    }

    @Test func labelsAreConvertedFromTheirCharsetWhicheverFieldComesFirst() throws {
        let (types, metadata) = geometryVarcharEnum
        let charsetFirst: [(UInt8, [UInt8])] = [(10, [8]), (6, latin1Labels)]
        for fields in [charsetFirst, charsetFirst.reversed()] {
            for mariaDB in [true, false] {
                let table = try parse(tableMap(types: types, metadata: metadata, fields: fields), mariaDB: mariaDB)
                #expect(table.columns[2].labels == ["café", "€uro"], "fields \(fields.map(\.0)), MariaDB \(mariaDB)")
            }
        }
    }

    @Test func labelsInACharsetBinlogoDoesNotConvertMakeTheValueAnError() throws {
        let (types, metadata) = geometryVarcharEnum
        // cp932 (collation 95): the labels stay unread and a value is an error, not a number.
        let table = try parse(tableMap(types: types, metadata: metadata, fields: [(10, [95]), (6, latin1Labels)]), mariaDB: false)
        #expect(table.columns[2].labels == nil)
        let writer = JSONWriter()
        let error = try #require(throws: EventFailure.self) {
            try [UInt8(1)].withUnsafeBytes {
                try ColumnValueWriter.write($0, kind: table.kinds[2], table: table, column: 2, to: writer)
            }
        }
        #expect(error.reason.contains("collation 95"))
    }
}
