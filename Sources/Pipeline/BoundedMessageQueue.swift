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

    private struct State {
        var messages = 0
        var bytes = 0
        var failure: KafkaError?
    }

    public init(output: any MessageOutput, maximumMessages: Int, maximumBytes: Int, label: String) {
        self.output = output
        self.maximumMessages = max(1, maximumMessages)
        self.maximumBytes = max(1, maximumBytes)
        self.sender = DispatchQueue(label: "binlogo.queue.\(label)")
    }

    /// Enqueues a message, waiting while the queue is full. Throws the output's error once sending failed.
    public func put(_ message: OutgoingMessage) throws(KafkaError) {
        let size = message.value.count + (message.key?.count ?? 0)
        while true {
            let admitted: Result<Bool, KafkaError> = state.withLock { state in
                if let failure = state.failure { return .failure(failure) }
                // An empty queue takes any message, however large, so one huge row cannot block forever.
                guard state.messages == 0 || (state.messages < maximumMessages && state.bytes + size <= maximumBytes) else {
                    return .success(false)
                }
                state.messages += 1
                state.bytes += size
                return .success(true)
            }
            if try admitted.get() { break }
            _ = spaceFreed.wait(timeout: .now() + .milliseconds(100))
        }
        sender.async { [self] in
            do throws(KafkaError) {
                try output.send(message)
            } catch {
                state.withLock { state in
                    if state.failure == nil { state.failure = error }
                }
            }
            state.withLock { state in
                state.messages -= 1
                state.bytes -= size
            }
            spaceFreed.signal()
        }
    }

    /// Messages and bytes waiting to be sent.
    public var depth: (messages: Int, bytes: Int) { state.withLock { ($0.messages, $0.bytes) } }

    /// The error the output gave, if sending failed.
    public var failure: KafkaError? { state.withLock { $0.failure } }

    /// Waits until every queued message has been handed to the output.
    public func drain() {
        sender.sync {}
    }
}
