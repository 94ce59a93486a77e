import Dispatch
import KafkaOutput
import Synchronization

/// The queue between a pipeline's reader and its producers, built on Dispatch: messages are handed
/// to a serial dispatch queue that sends them to the output in order, and the reader waits while
/// the queue holds `maximumMessages` messages or `maximumBytes` bytes. So memory stays bounded
/// whatever the transaction size or the speed of Kafka, and a slow Kafka slows the reader, which in
/// turn slows the server's stream (TCP backpressure).
public final class BoundedMessageQueue: Sendable {
    public let maximumMessages: Int
    public let maximumBytes: Int
    private let output: any MessageOutput
    private let sender: DispatchQueue
    private let spaceFreed = DispatchSemaphore(value: 0)
    private let state = Mutex(State())
    /// `State.abandoned`, for the sending loop to check before each message without taking the lock.
    private let abandoned = Atomic(false)

    private struct State {
        var messages = 0
        var bytes = 0
        var failure: KafkaError?
        /// A stop's deadline passed: nothing more is taken or sent.
        var abandoned = false
    }

    public init(output: any MessageOutput, maximumMessages: Int, maximumBytes: Int, label: String) {
        self.output = output
        self.maximumMessages = max(1, maximumMessages)
        self.maximumBytes = max(1, maximumBytes)
        self.sender = DispatchQueue(label: "binlogo.queue.\(label)")
    }

    /// Enqueues the messages of one binlog event, in order, waiting while the queue is full. Throws the
    /// output's error once sending failed. One batch is one hop to the sending queue, not one per message.
    /// - Parameter position: where in the source the messages sent so far reach once this batch is sent
    ///   (the `exactly_once` profile's transactions end at such positions), handed to the output after it.
    public func put(_ batch: [OutgoingMessage], reaching position: (any CommitPosition)? = nil) throws(KafkaError) {
        guard !batch.isEmpty || position != nil else { return }
        let size = batch.reduce(0) { $0 + $1.keyAndValue.count }
        while true {
            let admitted: Result<Bool, KafkaError> = state.withLock { state in
                if let failure = state.failure { return .failure(failure) }
                if state.abandoned { return .failure(KafkaError(kind: .stopped, message: "the pipeline is stopping")) }
                // An empty queue takes any batch, however large, so one huge row cannot block forever.
                guard state.messages == 0
                    || (state.messages + batch.count <= maximumMessages && state.bytes + size <= maximumBytes) else {
                    return .success(false)
                }
                state.messages += batch.count
                state.bytes += size
                return .success(true)
            }
            if try admitted.get() { break }
            _ = spaceFreed.wait(timeout: .now() + .milliseconds(100))
        }
        sender.async { [self] in
            do throws(KafkaError) {
                try output.send(contentsOf: batch, unless: { abandoned.load(ordering: .relaxed) })
                if let position { try output.reach(position) }
            } catch {
                state.withLock { state in
                    if state.failure == nil && error.kind != .stopped { state.failure = error }
                }
            }
            state.withLock { state in
                state.messages -= batch.count
                state.bytes -= size
            }
            spaceFreed.signal()
        }
    }

    /// Messages and bytes waiting to be sent.
    public var depth: (messages: Int, bytes: Int) { state.withLock { ($0.messages, $0.bytes) } }

    /// The error the output gave, if sending failed.
    public var failure: KafkaError? { state.withLock { $0.failure } }

    /// Waits until every queued message has been handed to the output, at most `timeoutSeconds`;
    /// returns whether they were.
    @discardableResult
    public func drain(timeoutSeconds: Double) -> Bool {
        let drained = DispatchSemaphore(value: 0)
        sender.async { drained.signal() }
        return drained.wait(timeout: .now() + max(0, timeoutSeconds)) == .success
    }

    /// Stops taking and sending messages (a stop's deadline passed): `put` throws, and batches not yet
    /// sent are dropped. Their messages were never acknowledged, so no checkpoint covers them.
    public func abandon() {
        state.withLock { $0.abandoned = true }
        abandoned.store(true, ordering: .relaxed)
        spaceFreed.signal()
    }
}
