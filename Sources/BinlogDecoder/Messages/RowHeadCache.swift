/// The part of a row message's head that every row of one rows event shares, from `,"database":` to the
/// position's `"consume_rows":`, written once per event (and GTID, and pipeline) and copied for each row:
/// escaping those five strings again for every row of a large event was a tenth of a dump (callgrind).
///
/// One per encoding thread: it holds the last event it wrote, so that no later event can take its place
/// (an identity compared with `===` is not reused while it is held).
public final class RowHeadCache {
    private var event: RowsEvent?
    private var gtid = ""
    private var pipeline = ""
    private let bytes = JSONWriter(capacity: 256)

    public init() {}

    /// Writes the shared part for a row of `event`, as `ChangeMessageEncoder.writeSharedHead` does.
    func write(_ event: RowsEvent, placement: ChangeMessageEncoder.RowPlacement, context: MessageContext, to writer: JSONWriter) {
        if self.event !== event || gtid != placement.gtid || pipeline != context.pipelineName {
            bytes.reset()
            ChangeMessageEncoder.writeSharedHead(event, gtid: placement.gtid, pipeline: context.pipelineName, to: bytes)
            (self.event, gtid, pipeline) = (event, placement.gtid, context.pipelineName)
        }
        bytes.withBytes { writer.raw($0) }
    }
}
