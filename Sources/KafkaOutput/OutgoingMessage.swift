/// One message for an output: where it goes, its bytes, and the token its acknowledgement comes back with.
public struct OutgoingMessage: Sendable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [(String, [UInt8])]
    /// From `DeliveryTracker.nextToken()`; reported back once the message is acknowledged or failed.
    public var token: UInt64

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [(String, [UInt8])] = [], token: UInt64) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.token = token
    }
}

/// Where a pipeline's messages go: Kafka, or stdout for debugging and demos.
public protocol MessageOutput: Sendable {
    /// Hands one message over. May block while the output's queue is full (backpressure); throws
    /// when the message cannot be sent at all.
    func send(_ message: OutgoingMessage) throws(KafkaError)
    /// Waits until everything handed over is acknowledged or failed, at most `timeoutMilliseconds`;
    /// returns how many messages are still outstanding.
    func flush(timeoutMilliseconds: Int32) -> Int
}
