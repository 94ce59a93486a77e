import BinlogDecoder
import Foundation
import KafkaOutput

extension ChangeRouter {
    /// `change` as Maxwell would publish it: one message per row, an UPDATE that changes the primary key
    /// included (under the new key, the old one in `old`), keyed `{"database":…,"table":…,"pk.id":…}`, or
    /// by a random `_uuid` for a table without a primary key. No DDL, as Maxwell without `output_ddl`.
    func maxwellMessages(for change: Change, options: MaxwellFormatOptions, token: () -> UInt64,
                         into batch: inout [OutgoingMessage]) throws(BinlogDecodingError) {
        guard case let .row(event, row, placement) = change else { return }
        let route = self.route(for: event.table)
        writer.reset()
        try MaxwellMessageEncoder.writeRow(event, row: row, placement: placement, context: context, details: options.details,
                                           snapshotAsInsert: options.snapshotAsInsert, style: valueStyle, to: writer)
        keyWriter.reset()
        if try !MaxwellMessageEncoder.writeKey(event, row: row, image: event.kind == .delete ? .before : .after, excluded: route.excluded,
                                               style: valueStyle, to: keyWriter) {
            keyWriter.raw(route.keyPrefix)
            keyWriter.raw(",\"_uuid\":\"")
            keyWriter.rawText(UUID().uuidString.lowercased())
            keyWriter.raw("\"}")
        }
        batch.append(OutgoingMessage(
            topic: route.topic, keyAndValue: joinedKeyAndValue(hasKey: true), keyLength: keyWriter.count,
            headers: headers ? messageHeaders(type: event.kind.rawValue, route: route, qualifiedName: event.table.qualifiedName,
                                              file: event.binlogFile, position: event.position, gtid: placement.gtid) : [],
            token: token()))
    }
}
