/// Each Debezium row message's place in its transaction, as `provide.transaction.metadata=true` gives it:
/// the transaction's id (its GTID, or `file=…,pos=…` of its BEGIN without GTIDs), the message's 1-based
/// place among the transaction's messages (`total_order`) and among those of its table
/// (`data_collection_order`). Snapshot rows have none.
public struct DebeziumTransactionOrder: Sendable {
    public struct Place: Sendable, Equatable {
        public var id: String
        public var totalOrder: Int
        public var dataCollectionOrder: Int
    }

    private var transaction = ""
    private var totalOrder = 0
    private var perTable: [String: Int] = [:]

    public init() {}

    /// The place of the next message, of `table` (`database.table`) in `file`. A transaction id other than
    /// the last one's starts the counts over: transactions never share one, so no end needs to be seen (a
    /// rollback after publishing, a restart).
    public mutating func next(table: String, placement: ChangeMessageEncoder.RowPlacement, file: String) -> Place {
        let id = placement.gtid.isEmpty ? "file=\(file),pos=\(placement.transactionStart)" : placement.gtid
        if id != transaction {
            transaction = id
            totalOrder = 0
            perTable.removeAll(keepingCapacity: true)
        }
        totalOrder += 1
        let inTable = perTable[table, default: 0] + 1
        perTable[table] = inTable
        return Place(id: id, totalOrder: totalOrder, dataCollectionOrder: inTable)
    }
}
