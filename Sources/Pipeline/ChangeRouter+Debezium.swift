import BinlogDecoder
import Foundation
import KafkaOutput

extension ChangeRouter {
    /// `change` as Debezium's MySQL connector would publish it: an UPDATE that changes the primary key as a
    /// delete (old key), a tombstone and a create (new key); a delete followed by a tombstone.
    func debeziumMessages(for change: Change, options: DebeziumFormatOptions, token: () -> UInt64,
                          into batch: inout [OutgoingMessage]) throws(BinlogDecodingError) {
        let processedAt = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        switch change {
        case let .row(event, row, placement):
            let route = self.route(for: event.table)
            let keyChanged = event.kind == .update && primaryKeyChanged(event, row: row, route: route)
            for split in keyChanged ? [RowsEvent.Kind.delete, .insert] : [nil] {
                let kind = split ?? event.kind
                let transaction = options.transactionMetadata && kind != .read
                    ? debeziumTransaction.next(table: event.table.qualifiedName, placement: placement, file: event.binlogFile) : nil
                if let transaction, transaction.begins {
                    batch.append(transactionBoundary(end: false, timestamp: placement.timestamp, token: token()))
                }
                writer.reset()
                try DebeziumMessageEncoder.writeRow(event, row: row, placement: placement, context: context, origin: origin,
                                                    style: valueStyle, transaction: transaction, split: split,
                                                    processedAt: processedAt, to: writer)
                keyWriter.reset()
                let hasKey = !event.table.primaryKey.isEmpty
                if hasKey {
                    try ChangeMessageEncoder.writePrimaryKey(event, row: row, image: kind == .delete ? .before : .after,
                                                             excluded: route.excluded, style: valueStyle, to: keyWriter)
                }
                let messageHeaders = headers ? messageHeaders(type: kind.rawValue, route: route, qualifiedName: event.table.qualifiedName,
                                                              file: event.binlogFile, position: event.position, gtid: placement.gtid) : []
                batch.append(OutgoingMessage(topic: route.topic, keyAndValue: joinedKeyAndValue(hasKey: hasKey),
                                             keyLength: hasKey ? keyWriter.count : nil, headers: messageHeaders, token: token()))
                if kind == .delete, options.tombstones, hasKey {
                    batch.append(.tombstone(topic: route.topic, key: keyWriter.bytes, headers: messageHeaders, token: token()))
                }
            }
            if options.transactionMetadata, placement.isLastInTransaction, event.kind != .read,
               debeziumTransaction.transaction == DebeziumTransactionOrder.id(placement, file: event.binlogFile) {
                batch.append(transactionBoundary(end: true, timestamp: placement.timestamp, token: token()))
            }
        case let .ddl(schemaChange, placement):
            // A transaction's rows then its DDL (CREATE TABLE … SELECT): its END after its last row.
            if options.transactionMetadata, placement.isLastInTransaction,
               debeziumTransaction.transaction == DebeziumTransactionOrder.id(placement, file: schemaChange.binlogFile) {
                batch.append(transactionBoundary(end: true, timestamp: placement.timestamp, token: token()))
            }
            let target = schemaChange.primaryTarget
            writer.reset()
            DebeziumMessageEncoder.writeSchemaChange(schemaChange, placement: placement, origin: origin, processedAt: processedAt, to: writer)
            keyWriter.reset()
            keyWriter.raw("{\"databaseName\":")
            keyWriter.string(target.database)
            keyWriter.byte(UInt8(ascii: "}"))
            let route = self.route(database: target.database, table: target.table, qualifiedName: target.description)
            batch.append(OutgoingMessage(
                topic: pipeline, keyAndValue: joinedKeyAndValue(hasKey: true), keyLength: keyWriter.count,
                headers: headers ? messageHeaders(type: "ddl", route: route, qualifiedName: target.description, file: schemaChange.binlogFile,
                                                  position: schemaChange.position, gtid: placement.gtid) : [],
                token: token()))
        }
    }

    /// The open transaction's BEGIN, or its END with its counts, to `{pipeline}.transaction` keyed `{"id":…}`.
    private func transactionBoundary(end: Bool, timestamp: UInt32, token: UInt64) -> OutgoingMessage {
        writer.reset()
        DebeziumMessageEncoder.writeTransactionBoundary(id: debeziumTransaction.transaction, end: end ? debeziumTransaction : nil,
                                                        timestamp: timestamp, to: writer)
        keyWriter.reset()
        keyWriter.raw("{\"id\":")
        keyWriter.string(debeziumTransaction.transaction)
        keyWriter.byte(UInt8(ascii: "}"))
        return OutgoingMessage(topic: transactionTopic, keyAndValue: joinedKeyAndValue(hasKey: true), keyLength: keyWriter.count,
                               token: token)
    }
}
