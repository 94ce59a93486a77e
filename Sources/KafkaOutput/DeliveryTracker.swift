import Dispatch
import Synchronization

/// Turns out-of-order acknowledgements into the checkpoint a pipeline may store: the end of the
/// newest transaction all of whose messages, and all earlier ones, Kafka acknowledged.
///
/// Every message takes the next token; a transaction's end is recorded with the last token handed
/// out so far. A message that failed for good freezes the checkpoint before it (and is reported);
/// with `acceptsLoss` (the performance profile) it is counted and treated as done.
public final class DeliveryTracker<Position: Sendable>: Sendable {
    private let state = Mutex(DeliveryLedger())
    private let acceptsLoss: Bool

    public init(acceptsLoss: Bool = false) {
        self.acceptsLoss = acceptsLoss
    }

    public func nextToken() -> UInt64 {
        state.withLock { state in
            if state.nextToken - 1 == state.doneThrough { state.progressAt = DispatchTime.now().uptimeNanoseconds }
            defer { state.nextToken += 1 }
            return state.nextToken
        }
    }

    /// The transaction whose messages were just handed out ends at `position`.
    public func endTransaction(at position: Position) {
        state.withLock { state in
            state.pendingTokens.append(state.nextToken - 1)
            state.pendingPositions.append(position)
            state.advance()
        }
    }

    public func acknowledge(_ token: UInt64) {
        // Read outside the lock, which the reading thread takes for every message.
        let now = DispatchTime.now().uptimeNanoseconds
        state.withLock { state in
            state.lastAcknowledgedAt = now
            state.progressAt = now
            state.markDone(token)
            state.advance()
        }
    }

    /// A message that failed for good. Returns whether the pipeline must stop (it need not when loss is accepted).
    @discardableResult
    public func fail(_ token: UInt64, _ error: KafkaError) -> Bool {
        state.withLock { state in
            state.failedCount += 1
            state.progressAt = DispatchTime.now().uptimeNanoseconds
            if acceptsLoss {
                state.markDone(token)
                state.advance()
                return false
            }
            if state.failure == nil { state.failure = (token, error) }
            return true
        }
    }

    /// The newest position whose transaction and all before it are fully acknowledged.
    public var checkpoint: Position? { state.withLock { $0.checkpoint } as? Position }
    /// The first message that failed for good, when loss is not accepted.
    public var failure: KafkaError? { state.withLock { $0.failure?.error } }
    public var failedCount: Int { state.withLock { $0.failedCount } }
    /// Seconds since Kafka last acknowledged a message of this tracker; nil before the first.
    public var secondsSinceLastAcknowledgement: Double? {
        state.withLock { $0.lastAcknowledgedAt }.map { Self.seconds(since: $0) }
    }
    /// How long messages have been waiting with no progress: 0 while nothing is in flight, else the
    /// seconds since a message was last acknowledged or failed, or since the first one was handed out
    /// after none were in flight, whichever came later. A slow Kafka that still acknowledges keeps
    /// this low; an unreachable one makes it grow.
    public var unacknowledgedSeconds: Double {
        let (busy, since) = state.withLock { state in
            (Int(state.nextToken - 1 - state.doneThrough) - state.doneAbove.count > 0, state.progressAt)
        }
        return busy ? Self.seconds(since: since) : 0
    }

    private static func seconds(since uptime: UInt64) -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now > uptime ? Double(now - uptime) / 1e9 : 0
    }

    /// Messages handed out and not yet done.
    public var inFlight: Int { state.withLock { Int($0.nextToken - 1 - $0.doneThrough) - $0.doneAbove.count } }

}

extension DeliveryLedger {
    fileprivate mutating func markDone(_ token: UInt64) {
        guard token > doneThrough else { return }
        if token == doneThrough + 1 && doneAbove.isEmpty {
            // In order, the common case: no set to look into.
            doneThrough = token
            return
        }
        doneAbove.insert(token)
        while doneAbove.remove(doneThrough + 1) != nil { doneThrough += 1 }
    }

    fileprivate mutating func advance() {
        let frozenBefore = failure?.token ?? UInt64.max
        var head = pendingHead
        while head < pendingTokens.count {
            let lastToken = pendingTokens[head]
            guard lastToken <= doneThrough, lastToken < frozenBefore else { break }
            head += 1
        }
        guard head > pendingHead else { return }
        checkpoint = pendingPositions[head - 1]
        pendingHead = head
        if head > 1024 && head * 2 > pendingTokens.count {
            pendingTokens.removeFirst(head)
            pendingPositions.removeFirst(head)
            pendingHead = 0
        }
    }
}

/// A `DeliveryTracker`'s state. Not generic over `Position`, whose values it holds as `any Sendable`:
/// code generic over `Position` looks the metadata of every type built from it (this state, its
/// `Mutex`, tuples) up in a locked runtime cache at every access, which here is once per message,
/// while acknowledgements mostly only compare tokens. Positions are stored once per transaction and
/// read back once per checkpoint.
fileprivate struct DeliveryLedger {
    var nextToken: UInt64 = 1
    /// Every token up to this one is done.
    var doneThrough: UInt64 = 0
    var doneAbove: Set<UInt64> = []
    /// Ends of transactions not yet checkpointed, oldest first: each one's last token, and its position
    /// at the same index.
    var pendingTokens: [UInt64] = []
    var pendingPositions: [any Sendable] = []
    var pendingHead = 0
    var checkpoint: (any Sendable)?
    var failure: (token: UInt64, error: KafkaError)?
    var failedCount = 0
    /// Uptime nanoseconds of the last acknowledgement, if any.
    var lastAcknowledgedAt: UInt64?
    /// Uptime nanoseconds of the last progress while messages waited: a message done, or the first
    /// message handed out while none was in flight.
    var progressAt: UInt64 = 0
}
