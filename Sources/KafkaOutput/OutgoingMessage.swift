/// One message for an output: where it goes, its bytes, and the token its acknowledgement comes back with.
public struct OutgoingMessage: Sendable {
    public var topic: String
    /// The key's bytes (if any) followed by the value's: one allocation per message, made on the
    /// reading thread and freed on the sending one, instead of two.
    public private(set) var keyAndValue: [UInt8]
    /// How many of `keyAndValue` are the key; nil for a message without a key.
    public private(set) var keyLength: Int?
    public var headers: [(String, [UInt8])]
    /// From `DeliveryTracker.nextToken()`; reported back once the message is acknowledged or failed.
    public var token: UInt64
    /// A tombstone: the value is null, not empty (Kafka tells them apart; log compaction drops a key's
    /// earlier messages once it meets one).
    public private(set) var hasNullValue = false

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [(String, [UInt8])] = [], token: UInt64) {
        self.init(topic: topic, keyAndValue: (key ?? []) + value, keyLength: key?.count, headers: headers, token: token)
    }

    public init(topic: String, keyAndValue: [UInt8], keyLength: Int?, headers: [(String, [UInt8])] = [], token: UInt64) {
        precondition((keyLength ?? 0) <= keyAndValue.count, "the key cannot be longer than the message")
        self.topic = topic
        self.keyAndValue = keyAndValue
        self.keyLength = keyLength
        self.headers = headers
        self.token = token
    }

    /// A message with `key` and a null value.
    public static func tombstone(topic: String, key: [UInt8], headers: [(String, [UInt8])] = [], token: UInt64) -> OutgoingMessage {
        var message = OutgoingMessage(topic: topic, keyAndValue: key, keyLength: key.count, headers: headers, token: token)
        message.hasNullValue = true
        return message
    }

    public var key: ArraySlice<UInt8>? { keyLength.map { keyAndValue[..<$0] } }
    public var value: ArraySlice<UInt8> { keyAndValue[(keyLength ?? 0)...] }
}

/// Where a pipeline's messages go: Kafka, or stdout for debugging and demos.
public protocol MessageOutput: Sendable {
    /// Hands one message over. May block while the output's queue is full (backpressure); throws
    /// when the message cannot be sent at all.
    func send(_ message: OutgoingMessage) throws(KafkaError)
    /// Hands over a batch in order: the default sends each message, and throws `.stopped` before the next one
    /// once `isAbandoned()` says so. An output may instead write the batch at once (stdout).
    func send(contentsOf batch: [OutgoingMessage], unless isAbandoned: () -> Bool) throws(KafkaError)
    /// Waits until everything handed over is acknowledged or failed, at most `timeoutMilliseconds`;
    /// returns how many messages are still outstanding.
    func flush(timeoutMilliseconds: Int32) -> Int
    /// Makes a `send` waiting for room (and every later one) throw `.stopped` at once: a stop's deadline passed.
    func abandonPendingSends()
    /// The messages sent so far reach `position` in the source: a Kafka transaction may end here.
    /// Outputs without transactions ignore it.
    func reach(_ position: any CommitPosition) throws(KafkaError)
    /// Why the output cannot go on, once it cannot (a transaction aborted, a producer fenced); nil while it can.
    var failure: KafkaError? { get }
}

extension MessageOutput {
    public func send(contentsOf batch: [OutgoingMessage], unless isAbandoned: () -> Bool) throws(KafkaError) {
        // By index: `for message in batch` copies each message (a retain and a release of each of its
        // buffers, shared with the encoding thread's).
        for index in batch.indices {
            if isAbandoned() { throw KafkaError(kind: .stopped, message: "the pipeline is stopping") }
            try send(batch[index])
        }
    }

    public func reach(_ position: any CommitPosition) throws(KafkaError) {}
    public var failure: KafkaError? { nil }
}

/// A place in the source where a Kafka transaction may end, as the positions topic records it.
public protocol CommitPosition: Sendable {
    /// The value of this position's record in the positions topic.
    func encodedRecord() -> [UInt8]
}
