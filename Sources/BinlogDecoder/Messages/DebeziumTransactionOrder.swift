/// Each Debezium row message's place in its transaction, as `provide.transaction.metadata=true` gives it:
/// the transaction's id (its GTID, or `file=…,pos=…` of its BEGIN without GTIDs), the message's 1-based
/// place among the transaction's messages (`total_order`) and among those of its table
/// (`data_collection_order`); and the counts its END message gives. Snapshot rows have none.
public struct DebeziumTransactionOrder: Sendable {
    public struct Place: Sendable, Equatable {
        public var id: String
        public var totalOrder: Int
        public var dataCollectionOrder: Int
        /// Whether this is the transaction's first message: its BEGIN goes before it.
        public var begins: Bool
    }

    /// The open transaction's id ("" before the first) and its messages per table, in the order first seen.
    public private(set) var transaction = ""
    public private(set) var totalOrder = 0
    public private(set) var perTable: [(table: String, messages: Int)] = []

    public init() {}

    /// The place of the next message, of `table` (`database.table`) in `file`. A transaction id other than
    /// the last one's starts the counts over: transactions never share one, so no end needs to be seen (a
    /// rollback after publishing, a restart).
    public mutating func next(table: String, placement: ChangeMessageEncoder.RowPlacement, file: String) -> Place {
        let id = Self.id(placement, file: file)
        let begins = id != transaction
        if begins {
            transaction = id
            totalOrder = 0
            perTable.removeAll(keepingCapacity: true)
        }
        totalOrder += 1
        let inTable: Int
        if let index = perTable.firstIndex(where: { $0.table == table }) {
            perTable[index].messages += 1
            inTable = perTable[index].messages
        } else {
            perTable.append((table, 1))
            inTable = 1
        }
        return Place(id: id, totalOrder: totalOrder, dataCollectionOrder: inTable, begins: begins)
    }

    /// The transaction's id as Debezium's MySQL connector gives it.
    public static func id(_ placement: ChangeMessageEncoder.RowPlacement, file: String) -> String {
        placement.gtid.isEmpty ? "file=\(file),pos=\(placement.transactionStart)" : placement.gtid
    }
}
