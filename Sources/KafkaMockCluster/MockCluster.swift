import CRdKafka

/// librdkafka's Kafka-protocol mock cluster, owned by this process.
///
/// The cluster runs on librdkafka's own threads and listens on 127.0.0.1 with one
/// TCP port per broker; clients reach it through `bootstrapServers` like any cluster.
/// librdkafka's mock cluster calls are thread-safe (they post to the cluster's own thread),
/// so this pointer box may be shared with the control server's thread.
final class MockCluster: @unchecked Sendable {
    private let handle: OpaquePointer
    private let cluster: OpaquePointer
    let brokerCount: Int

    init(brokers: Int) throws(MockClusterError) {
        var errorText = [CChar](repeating: 0, count: 512)
        let conf = rd_kafka_conf_new()
        // The handle only books the cluster; keep its own logging quiet.
        rd_kafka_conf_set(conf, "log_level", "3", &errorText, errorText.count)
        // The brokers' accepted connections take their socket options from this handle. Kafka
        // brokers send with TCP_NODELAY; without it the mock held a small response back (Nagle)
        // until the client's delayed ACK, 40 ms later, which showed as a 40 ms tail on every catch-up.
        rd_kafka_conf_set(conf, "socket.nagle.disable", "true", &errorText, errorText.count)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errorText, errorText.count) else {
            throw MockClusterError("cannot create the librdkafka handle: \(String(decodingCString: errorText))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(handle, Int32(brokers)) else {
            rd_kafka_destroy(handle)
            throw MockClusterError("cannot create a mock cluster of \(brokers) brokers")
        }
        self.handle = handle
        self.cluster = cluster
        self.brokerCount = brokers
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(handle)
    }

    /// The comma-separated `host:port` list to give clients as `bootstrap.servers`.
    var bootstrapServers: String {
        String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    func createTopic(_ name: String, partitions: Int, replicationFactor: Int) throws(MockClusterError) {
        try check(rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor)),
                  "create topic \(name)")
    }

    func setBrokerDown(_ brokerID: Int32) throws(MockClusterError) {
        try check(rd_kafka_mock_broker_set_down(cluster, brokerID), "set broker \(brokerID) down")
    }

    func setBrokerUp(_ brokerID: Int32) throws(MockClusterError) {
        try check(rd_kafka_mock_broker_set_up(cluster, brokerID), "set broker \(brokerID) up")
    }

    func setBrokerRoundTripTime(_ brokerID: Int32, milliseconds: Int32) throws(MockClusterError) {
        try check(rd_kafka_mock_broker_set_rtt(cluster, brokerID, milliseconds), "set broker \(brokerID) rtt")
    }

    /// The next `errors.count` requests of `apiKey` (0 = Produce, 3 = Metadata, …) fail with these codes in turn.
    func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        codes.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, apiKey, buffer.count, buffer.baseAddress)
        }
    }

    /// The next `count` requests of `apiKey` to broker `brokerID` succeed, each answered after `milliseconds`.
    func pushDelayedResponses(brokerID: Int32, apiKey: Int16, count: Int, milliseconds: Int32) throws(MockClusterError) {
        for _ in 0..<count {
            try check(crdkafka_mock_push_delayed_response(cluster, brokerID, apiKey, milliseconds), "delay broker \(brokerID)'s responses")
        }
    }

    func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster, apiKey)
    }

    /// Topic-level error returned in metadata responses (e.g. UNKNOWN_TOPIC_OR_PART).
    func setTopicError(_ topic: String, code: Int32) {
        rd_kafka_mock_topic_set_error(cluster, topic, rd_kafka_resp_err_t(rawValue: code))
    }

    private func check(_ result: rd_kafka_resp_err_t, _ action: String) throws(MockClusterError) {
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw MockClusterError("cannot \(action): \(String(cString: rd_kafka_err2str(result)))")
        }
    }
}

struct MockClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// Text from a NUL-terminated C buffer such as librdkafka's `errstr`.
    init(decodingCString buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
