import BinlogDecoder

/// One decoded event as the source hands it downstream, with where reading would resume after it.
public struct SourceEvent: Sendable {
    public let decoded: DecodedEvent
    /// The position after this event: resuming there reads the next event, with no gap and no repeat.
    public let resumePosition: SourcePosition
    /// The GTID of the transaction this event belongs to, if the server logs GTIDs.
    public let transactionGTID: String?
    /// What the transaction assembler made of the event, in order: rows, a DDL statement, a commit, …
    public let steps: TransactionSteps
    /// Whether a checkpoint may be taken at `resumePosition`: the event ended a transaction (XID, COMMIT,
    /// a DDL statement, an XA outcome) and no prepared XA transaction waits for its outcome.
    public let endsTransaction: Bool
    /// Whether the event ended an event group, even one after which no checkpoint may be taken yet
    /// (a prepared XA transaction waits): reading has progressed to `resumePosition`.
    public let endsEventGroup: Bool
    /// Whether reading stands between two transactions after this event, with no prepared XA transaction
    /// waiting (also after a rotate or a PREVIOUS_GTIDS event between transactions): `resumePosition` is a
    /// place to resume at.
    public let mayResumeHere: Bool
}
