/// One message's worth of change, as the encoder takes it: a row of a rows event, or a DDL
/// statement, with its place in its transaction.
public enum Change: Sendable {
    case row(RowsEvent, row: Int, placement: ChangeMessageEncoder.RowPlacement)
    indirect case ddl(SchemaChange, placement: ChangeMessageEncoder.RowPlacement)

    /// The 1-based index of the change in its transaction.
    public var rowInTransaction: Int {
        switch self {
        case let .row(_, _, placement), let .ddl(_, placement): return placement.rowInTransaction
        }
    }

    /// The table (`database.table`) a row belongs to, or the DDL statement's primary target.
    public var qualifiedTable: String {
        switch self {
        case let .row(event, _, _): return event.table.qualifiedName
        case let .ddl(change, _): return change.primaryTarget.description
        }
    }
}
