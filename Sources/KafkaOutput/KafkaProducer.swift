import CRdKafka
import Synchronization
import Foundation

/// One librdkafka producer (`rd_kafka_t`) with a thread of its own that serves delivery reports.
///
/// `produce` enqueues and returns at once; each message's fate comes back later, on the
/// poll thread, through `onDelivery` with the token it was produced with.
public final class KafkaProducer: Sendable {
    let client: RdKafkaClient
    private let topics: Mutex<[String: TopicHandle]>
    /// The topic of the last message: consecutive messages mostly share one, and comparing its name costs
    /// less than hashing it.
    private let lastTopic = Mutex<(name: String, handle: TopicHandle)?>(nil)

    /// - Parameters:
    ///   - properties: librdkafka properties; `bootstrap.servers` at least.
    ///   - onDelivery: called on the producer's poll thread for every message, in the order librdkafka reports them.
    ///   - onLog: librdkafka's log lines (from its own threads) and error reports (from the poll thread);
    ///     nil leaves librdkafka to print them on stderr.
    ///   - onError: the code of each error librdkafka reports (a broker disconnected, all brokers down, …).
    public init(properties: KafkaProperties, onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void,
                onLog: (@Sendable (KafkaLogMessage) -> Void)? = nil,
                onError: (@Sendable (Int32) -> Void)? = nil) throws(KafkaError) {
        let conf = try properties.makeConf()
        let handler = DeliveryHandler(onDelivery, onLog: onLog, onError: onError)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(handler).toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, let opaque else { return }
            let handler = Unmanaged<DeliveryHandler>.fromOpaque(opaque).takeUnretainedValue()
            handler.report(message.pointee)
        }
        if onLog != nil {
            rd_kafka_conf_set_log_cb(conf) { client, level, facility, text in
                guard let client, let opaque = rd_kafka_opaque(client) else { return }
                Unmanaged<DeliveryHandler>.fromOpaque(opaque).takeUnretainedValue().log(KafkaLogMessage(
                    severity: level, facility: facility.map { String(cString: $0) } ?? "", text: text.map { String(cString: $0) } ?? ""))
            }
        }
        if onLog != nil || onError != nil {
            rd_kafka_conf_set_error_cb(conf) { _, code, reason, opaque in
                guard let opaque else { return }
                Unmanaged<DeliveryHandler>.fromOpaque(opaque).takeUnretainedValue().error(code, KafkaLogMessage(
                    severity: 3, facility: "ERROR", text: reason.map { String(cString: $0) } ?? "", code: code))
            }
        }
        self.client = try RdKafkaClient(type: RD_KAFKA_PRODUCER, conf: conf, retaining: handler)
        self.topics = Mutex([:])
    }

    deinit {
        // Topic handles must go before the client's rd_kafka_destroy.
        lastTopic.withLock { $0 = nil }
        topics.withLock { $0.removeAll() }
    }

    /// Enqueues one message. Throws `.queueFull` when librdkafka's local queue is full
    /// (wait for deliveries and retry), or the error that refused it.
    /// - Parameters:
    ///   - partition: a partition number, or nil to let the partitioner choose by key.
    ///   - token: comes back in this message's delivery report.
    public func produce(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]?,
        value: [UInt8],
        headers: [(String, [UInt8])] = [],
        token: UInt64
    ) throws(KafkaError) {
        try produce(topic: topic, partition: partition, key: key?[...], value: value[...], headers: headers, token: token)
    }

    /// The same, for a key and a value that are parts of one buffer (`OutgoingMessage.keyAndValue`);
    /// `nullValue`: a tombstone, whose value is null rather than the empty `value`.
    public func produce(
        topic: String,
        partition: Int32? = nil,
        key: ArraySlice<UInt8>?,
        value: ArraySlice<UInt8>,
        nullValue: Bool = false,
        headers: [(String, [UInt8])] = [],
        token: UInt64
    ) throws(KafkaError) {
        let topicHandle = try self.topic(named: topic)
        var headerList: OpaquePointer? = nil
        if !headers.isEmpty {
            headerList = rd_kafka_headers_new(headers.count)
            for (name, headerValue) in headers {
                // The name's bytes and length, not a C string: passing a short Swift string as a C
                // string allocates a copy of it, six times per message.
                var name = name
                name.withUTF8 { nameBytes in
                    headerValue.withUnsafeBytes { bytes in
                        _ = rd_kafka_header_add(headerList, UnsafeRawPointer(nameBytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                                nameBytes.count, bytes.baseAddress, bytes.count)
                    }
                }
            }
        }
        let opaque = UnsafeMutableRawPointer(bitPattern: UInt(token))
        let result = value.withUnsafeBytes { valueBytes in
            withOptionalBytes(key) { keyBytes in
                crdkafka_produce(
                    client.handle, topicHandle.pointer, partition ?? RD_KAFKA_PARTITION_UA,
                    keyBytes?.baseAddress, keyBytes?.count ?? 0,
                    nullValue ? nil : valueBytes.baseAddress, nullValue ? 0 : valueBytes.count, headerList, opaque)
            }
        }
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if let headerList { rd_kafka_headers_destroy(headerList) }
            throw KafkaError(code: result, context: "produce to \(topic)")
        }
    }

    /// Enqueues a pipeline's message, waiting while librdkafka's queue is full for deliveries to make room
    /// (backpressure on the reader); throws `.stopped` once `isAbandoned()` says the pipeline stops, or the
    /// error that refused the message.
    func produce(_ message: OutgoingMessage, unless isAbandoned: () -> Bool) throws(KafkaError) {
        while true {
            do {
                try produce(topic: message.topic, key: message.key, value: message.value, nullValue: message.hasNullValue,
                            headers: message.headers, token: message.token)
                return
            } catch where error.kind == .queueFull {
                if isAbandoned() { throw KafkaError(kind: .stopped, message: "the pipeline is stopping") }
                usleep(1_000)
            }
        }
    }

    /// Waits until every enqueued message is delivered or failed, at most `timeoutMilliseconds`.
    /// Returns the number of messages still outstanding (0 when all are done).
    @discardableResult
    public func flush(timeoutMilliseconds: Int32) -> Int {
        rd_kafka_flush(client.handle, timeoutMilliseconds)
        return Int(rd_kafka_outq_len(client.handle))
    }

    /// Asks the cluster for its metadata (a round trip to a broker); returns how many brokers it has.
    public func brokerCount(timeoutMilliseconds: Int32) throws(KafkaError) -> Int {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let result = rd_kafka_metadata(client.handle, 0, nil, &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(code: result, context: "metadata request")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        return Int(metadata.pointee.broker_cnt)
    }

    /// Messages enqueued and not yet reported.
    public var outstandingCount: Int { Int(rd_kafka_outq_len(client.handle)) }

    private func topic(named name: String) throws(KafkaError) -> TopicHandle {
        if let last = lastTopic.withLock({ $0 }), last.name == name { return last.handle }
        let result: Result<TopicHandle, KafkaError> = topics.withLock { topics in
            if let existing = topics[name] {
                lastTopic.withLock { $0 = (name, existing) }
                return .success(existing)
            }
            guard let pointer = rd_kafka_topic_new(client.handle, name, nil) else {
                return .failure(KafkaError(code: rd_kafka_last_error(), context: "open topic \(name)"))
            }
            let handle = TopicHandle(pointer)
            topics[name] = handle
            return .success(handle)
        }
        return try result.get()
    }
}

/// Calls `body` with the bytes of `array`, or with nil when there is no array.
private func withOptionalBytes<R>(_ array: ArraySlice<UInt8>?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBytes { body($0) }
}

/// An `rd_kafka_topic_t`, destroyed with its last reference. librdkafka topic handles are thread-safe.
final class TopicHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { rd_kafka_topic_destroy(pointer) }
}

/// Turns librdkafka's delivery report callback into `KafkaDeliveryReport`s for a Swift closure, and
/// its log and error callbacks into `KafkaLogMessage`s.
final class DeliveryHandler: Sendable {
    private let onDelivery: @Sendable (KafkaDeliveryReport) -> Void
    private let onLog: (@Sendable (KafkaLogMessage) -> Void)?
    private let onError: (@Sendable (Int32) -> Void)?

    init(_ onDelivery: @escaping @Sendable (KafkaDeliveryReport) -> Void, onLog: (@Sendable (KafkaLogMessage) -> Void)?,
         onError: (@Sendable (Int32) -> Void)?) {
        self.onDelivery = onDelivery
        self.onLog = onLog
        self.onError = onError
    }

    /// The name of the last reported message's topic, by its handle: a report's topic is mostly the last
    /// one's, and a handle lives as long as its producer.
    private let lastTopic = Mutex<(handle: UInt, name: String)?>(nil)

    private func topicName(_ handle: OpaquePointer?) -> String {
        guard let handle else { return "" }
        let address = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(handle)))
        if let last = lastTopic.withLock({ $0 }), last.handle == address { return last.name }
        let name = String(cString: rd_kafka_topic_name(handle))
        lastTopic.withLock { $0 = (address, name) }
        return name
    }

    func log(_ message: KafkaLogMessage) {
        onLog?(message)
    }

    func error(_ code: Int32, _ message: KafkaLogMessage) {
        onError?(code)
        onLog?(message)
    }

    func report(_ message: rd_kafka_message_t) {
        let topic = topicName(message.rkt)
        let error = message.err == RD_KAFKA_RESP_ERR_NO_ERROR
            ? nil : KafkaError(code: message.err, context: "deliver to \(topic) [\(message.partition)]")
        onDelivery(KafkaDeliveryReport(
            token: UInt64(UInt(bitPattern: message._private)),
            topic: topic, partition: message.partition, offset: message.offset, error: error))
    }
}
