import BinlogDecoder
import Foundation
import KafkaOutput

extension ChangeRouter {
    /// `change` as a Canal flat message of one row, keyed as binlogo keys it (Canal's own messages have
    /// no key); an UPDATE that changes the primary key stays one `UPDATE`, as Canal writes it. DDL goes to
    /// its table's topic (or the database's) with `isDdl: true`.
    func canalMessages(for change: Change, token: () -> UInt64, into batch: inout [OutgoingMessage]) throws(BinlogDecodingError) {
        let processedAt = UInt64(Date().timeIntervalSince1970 * 1000)
        switch change {
        case let .row(event, row, placement):
            let route = self.route(for: event.table)
            writer.reset()
            try CanalMessageEncoder.writeRow(event, row: row, placement: placement, description: canalDescription(of: event.table, route: route),
                                             style: valueStyle, processedAt: processedAt, to: writer)
            let hasKey = try writeRowKey(event, row: row, image: event.kind == .delete ? .before : .after, route: route, to: keyWriter)
            batch.append(OutgoingMessage(
                topic: route.topic, keyAndValue: joinedKeyAndValue(hasKey: hasKey), keyLength: hasKey ? keyWriter.count : nil,
                headers: headers ? messageHeaders(type: event.kind.rawValue, route: route, qualifiedName: event.table.qualifiedName,
                                                  file: event.binlogFile, position: event.position, gtid: placement.gtid) : [],
                token: token()))
        case let .ddl(schemaChange, placement):
            let target = schemaChange.primaryTarget
            let route = self.route(database: target.database, table: target.table, qualifiedName: target.description)
            writer.reset()
            CanalMessageEncoder.writeDDL(schemaChange, placement: placement, processedAt: processedAt, to: writer)
            batch.append(tableMessage(route: route, database: target.database, qualifiedName: target.description, type: "ddl",
                                      file: schemaChange.binlogFile, position: schemaChange.position, gtid: placement.gtid, token: token()))
        }
    }

    /// The table's Canal description, made again only when the table changed since the last row.
    private func canalDescription(of table: TableMap, route: Route) -> CanalMessageEncoder.TableDescription {
        if let cached = route.canal, cached.describes(table, excluded: route.excluded) { return cached }
        let made = CanalMessageEncoder.TableDescription(table, excluded: route.excluded)
        route.canal = made
        return made
    }
}
