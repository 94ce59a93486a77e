import BinlogDecoder

/// One decoded event as the source hands it downstream, with where reading would resume after it.
public struct SourceEvent: Sendable {
    public let decoded: DecodedEvent
    /// The position after this event: resuming there reads the next event, with no gap and no repeat.
    public let resumePosition: SourcePosition
    /// The GTID of the transaction this event belongs to, if the server logs GTIDs.
    public let transactionGTID: String?
    /// Whether this event completes a transaction (XID, COMMIT, or a DDL statement), so that a
    /// checkpoint may be taken at `resumePosition`.
    public let endsTransaction: Bool
}
