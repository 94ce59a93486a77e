import CRdKafka

/// One line of the mock cluster's control protocol.
///
/// ```
/// create-topic NAME PARTITIONS [REPLICATION]
/// broker-down ID | broker-up ID
/// broker-rtt ID MILLISECONDS
/// request-errors API_KEY ERROR [ERROR …]    (names as librdkafka spells them, e.g. NOT_LEADER_FOR_PARTITION, or numbers)
/// request-delays BROKER_ID API_KEY COUNT MILLISECONDS   (the next COUNT requests answered late: throttling)
/// clear-errors API_KEY
/// topic-error TOPIC ERROR
/// ping
/// ```
enum ControlCommand: Equatable {
    case createTopic(name: String, partitions: Int, replicationFactor: Int)
    case brokerDown(Int32)
    case brokerUp(Int32)
    case brokerRoundTripTime(Int32, milliseconds: Int32)
    case requestErrors(apiKey: Int16, errors: [Int32])
    case requestDelays(brokerID: Int32, apiKey: Int16, count: Int, milliseconds: Int32)
    case clearErrors(apiKey: Int16)
    case topicError(topic: String, error: Int32)
    case ping

    init(parsing line: String) throws(MockClusterError) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = words.first else { throw MockClusterError("empty command") }
        let arguments = Array(words.dropFirst())
        func integer<T: FixedWidthInteger>(_ index: Int, _ what: String) throws(MockClusterError) -> T {
            guard index < arguments.count, let value = T(arguments[index]) else {
                throw MockClusterError("\(verb): expected \(what) as argument \(index + 1)")
            }
            return value
        }
        switch verb {
        case "create-topic":
            guard let name = arguments.first else { throw MockClusterError("create-topic: expected a topic name") }
            let replication: Int = arguments.count > 2 ? try integer(2, "a replication factor") : 1
            self = .createTopic(name: name, partitions: try integer(1, "a partition count"), replicationFactor: replication)
        case "broker-down": self = .brokerDown(try integer(0, "a broker id"))
        case "broker-up": self = .brokerUp(try integer(0, "a broker id"))
        case "broker-rtt": self = .brokerRoundTripTime(try integer(0, "a broker id"), milliseconds: try integer(1, "milliseconds"))
        case "request-errors":
            guard arguments.count >= 2 else { throw MockClusterError("request-errors: expected an API key and at least one error") }
            var errors: [Int32] = []
            for name in arguments.dropFirst() { errors.append(try ControlCommand.errorCode(named: name)) }
            self = .requestErrors(apiKey: try integer(0, "an API key"), errors: errors)
        case "request-delays":
            let count: Int = try integer(2, "a request count")
            guard count >= 0 else { throw MockClusterError("request-delays: the request count must not be negative") }
            self = .requestDelays(brokerID: try integer(0, "a broker id"), apiKey: try integer(1, "an API key"),
                                  count: count, milliseconds: try integer(3, "milliseconds"))
        case "clear-errors": self = .clearErrors(apiKey: try integer(0, "an API key"))
        case "topic-error":
            guard arguments.count == 2 else { throw MockClusterError("topic-error: expected a topic and an error") }
            self = .topicError(topic: arguments[0], error: try ControlCommand.errorCode(named: arguments[1]))
        case "ping": self = .ping
        default: throw MockClusterError("unknown command \(verb)")
        }
    }

    /// A librdkafka error code from its number or its name (`NOT_LEADER_FOR_PARTITION`, `_TRANSPORT`).
    static func errorCode(named name: String) throws(MockClusterError) -> Int32 {
        if let number = Int32(name) { return number }
        var descriptions: UnsafePointer<rd_kafka_err_desc>?
        var count = 0
        rd_kafka_get_err_descs(&descriptions, &count)
        guard let descriptions else { throw MockClusterError("librdkafka lists no error codes") }
        for index in 0..<count {
            if let cName = descriptions[index].name, String(cString: cName) == name {
                return descriptions[index].code.rawValue
            }
        }
        throw MockClusterError("unknown Kafka error name \(name)")
    }

    func apply(to cluster: MockCluster) throws(MockClusterError) {
        switch self {
        case let .createTopic(name, partitions, replicationFactor):
            try cluster.createTopic(name, partitions: partitions, replicationFactor: replicationFactor)
        case let .brokerDown(id): try cluster.setBrokerDown(id)
        case let .brokerUp(id): try cluster.setBrokerUp(id)
        case let .brokerRoundTripTime(id, milliseconds): try cluster.setBrokerRoundTripTime(id, milliseconds: milliseconds)
        case let .requestErrors(apiKey, errors): cluster.pushRequestErrors(apiKey: apiKey, errors: errors)
        case let .clearErrors(apiKey): cluster.clearRequestErrors(apiKey: apiKey)
        case let .requestDelays(brokerID, apiKey, count, milliseconds):
            try cluster.pushDelayedResponses(brokerID: brokerID, apiKey: apiKey, count: count, milliseconds: milliseconds)
        case let .topicError(topic, error): cluster.setTopicError(topic, code: error)
        case .ping: break
        }
    }
}
