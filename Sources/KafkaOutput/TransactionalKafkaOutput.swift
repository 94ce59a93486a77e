import CRdKafka
import Foundation
import Synchronization

/// The `exactly_once` profile's output: one transactional librdkafka producer whose Kafka transactions
/// each end with the pipeline's position, written to the positions topic in the same transaction.
///
/// A transaction begins with the first message after the last one ended. It may end only at a position
/// the reader marked (`reach`) with no message sent since, and it ends there once
/// `commitIntervalMilliseconds` passed since it began (since the last commit began, while changes keep
/// coming), or it holds `maximumMessages` messages or `maximumBytes` bytes; a thread of its own ends one
/// that waits at a position while no more messages come.
/// A read_committed consumer sees the messages of a transaction and the position together, or neither:
/// after a crash the pipeline resumes at the last committed position, and the transaction that was open
/// is aborted by the next run's `recover`, so nothing is repeated and nothing lost.
///
/// Failures follow librdkafka's classes: a retriable one is retried; an abortable one aborts the
/// transaction and makes the output fail with `.transactionAborted` (the pipeline goes on from the last
/// committed position); a fenced producer fails with `.fenced` (another process took the pipeline over).
/// A connection to a broker lost while a transaction is open counts as abortable too: a broker that
/// restarted may have lost the transaction's state (whatever its answer to the commit), so the pipeline
/// goes back to the position the brokers really committed rather than trust it.
public final class TransactionalKafkaOutput: MessageOutput {
    public let configuration: KafkaOutputConfiguration
    public let settings: KafkaTransactionSettings
    public let pipeline: String
    private let producer: KafkaProducer
    private let positions: PositionsTopic
    private let positionsKey: [UInt8]
    private let transactionTimeoutMilliseconds: Int32
    private let onCommitted: @Sendable (any CommitPosition, Int) -> Void
    private let state = Mutex(State())
    private let abandoned = Atomic(false)
    /// Set when librdkafka reports a lost broker connection; cleared when a transaction begins.
    private let connectionLost = AtomicFlag()
    private let ticker: CommitTicker

    private struct State {
        /// When the open transaction began (uptime nanoseconds); nil while none is open.
        var openedAt: UInt64?
        /// Where the open transaction's commit interval counts from (see `begin`).
        var intervalFrom: UInt64 = 0
        /// When the last commit began (uptime nanoseconds).
        var lastCommitBegan: UInt64?
        var messages = 0
        var bytes = 0
        /// The newest position the reader marked, and whether messages were sent after it.
        var reached: (any CommitPosition)?
        var sentSinceReached = false
        /// Since when (uptime nanoseconds) a position was marked with no transaction open to carry it (the
        /// transactions read since the last commit published nothing): it is committed alone after a second.
        var unpublishedPositionSince: UInt64?
        var positionsPartition: Int32 = 0
        var failure: KafkaError?
        var closed = false
    }

    /// - Parameters:
    ///   - onDelivery: every message's token and nil once the broker has it (not yet committed), or its error.
    ///   - onCommitted: called with the position and the message count of each committed transaction, on the
    ///     thread that committed it.
    public init(configuration: KafkaOutputConfiguration, pipeline: String,
                onDelivery: @escaping @Sendable (UInt64, KafkaError?) -> Void,
                onCommitted: @escaping @Sendable (any CommitPosition, Int) -> Void,
                onLog: (@Sendable (KafkaLogMessage) -> Void)? = nil) throws(KafkaError) {
        try configuration.validate(pipeline: pipeline)
        guard configuration.profile == .exactlyOnce else {
            throw KafkaError(kind: .configuration, message: "pipeline \(pipeline): a transactional output needs the exactly_once profile")
        }
        self.configuration = configuration
        self.settings = configuration.transactions(pipeline: pipeline)
        self.pipeline = pipeline
        self.positions = PositionsTopic(name: settings.positionsTopic, pipeline: pipeline)
        self.positionsKey = Array(pipeline.utf8)
        let properties = configuration.librdkafkaProperties(pipeline: pipeline)
        self.transactionTimeoutMilliseconds = Int32(properties["transaction.timeout.ms"].flatMap { Int($0) }
            ?? KafkaTransactionSettings.defaultTransactionTimeoutMilliseconds)
        self.onCommitted = onCommitted
        // Token 0 is the position record's: it is no message of the pipeline's.
        let connectionLost = self.connectionLost
        self.producer = try KafkaProducer(properties: properties, onDelivery: { report in
            if report.token != 0 { onDelivery(report.token, report.error) }
        }, onLog: onLog, onError: { code in
            if Self.connectionLossCodes.contains(code) { connectionLost.set() }
        })
        self.ticker = CommitTicker(intervalMilliseconds: settings.commitIntervalMilliseconds)
        ticker.start { [weak self] in self?.commitIfDue() }
    }

    deinit {
        ticker.stop()
    }

    /// Takes the pipeline's `transactional.id` over (fencing any other producer with it and aborting the
    /// transaction it left open), makes sure the positions topic exists, and returns the pipeline's last
    /// committed position record, or nil when it has none. Blocks; an unreachable Kafka is waited for
    /// until `isCancelled()` says to give up (retriable errors), other failures throw.
    public func recover(isCancelled: () -> Bool) throws(KafkaError) -> [UInt8]? {
        while true {
            do {
                try producer.initTransactions(timeoutMilliseconds: 10_000)
                break
            } catch .retriable(_) {
                if isCancelled() { throw KafkaError(kind: .stopped, message: "the pipeline is stopping") }
            } catch {
                throw classified(error)
            }
        }
        let count = try positions.prepare(on: producer, timeoutMilliseconds: 10_000)
        let partition = positions.partition(count: count)
        state.withLock { $0.positionsPartition = partition }
        let reader = PositionsTopicReader(topic: positions, partition: partition,
                                          properties: configuration.librdkafkaProperties(pipeline: pipeline))
        return try reader.lastRecord(timeoutMilliseconds: 2 * transactionTimeoutMilliseconds)
    }

    public func send(_ message: OutgoingMessage) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            if let failure = state.failure { throw failure }
            if state.openedAt == nil { try begin(&state) }
            try produce(message, &state)
            state.messages += 1
            state.bytes += message.keyAndValue.count
            state.sentSinceReached = true
        }
    }

    public func reach(_ position: any CommitPosition) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            if let failure = state.failure { throw failure }
            state.reached = position
            state.sentSinceReached = false
            if state.openedAt == nil {
                if state.unpublishedPositionSince == nil { state.unpublishedPositionSince = DispatchTime.now().uptimeNanoseconds }
            } else if isDue(state) {
                try commit(&state)
            }
        }
    }

    /// Commits `position` alone, in a transaction of its own (`binlogo position set`): the pipeline resumes there.
    /// Call `recover` first.
    public func commit(only position: any CommitPosition) throws(KafkaError) {
        try state.withLock { state throws(KafkaError) in
            if let failure = state.failure { throw failure }
            state.reached = position
            state.sentSinceReached = false
            if state.openedAt == nil { try begin(&state) }
            try commit(&state)
        }
    }

    /// Why the output cannot go on: its own failure, else a fatal error librdkafka raised that no call
    /// of this output met yet (a fencing learnt from a failed delivery, say).
    public var failure: KafkaError? {
        state.withLock { $0.failure } ?? fatalFailure
    }

    /// The producer's fatal error, once librdkafka raised one.
    private var fatalFailure: KafkaError? {
        guard let fatal = producer.fatalError else { return nil }
        let fenced = KafkaProducer.isFencing(fatal.code)
        return KafkaError(kind: fenced ? .fenced : .librdkafka(code: fatal.code), message: describe(fenced: fenced, fatal.text))
    }

    /// Asks for the last position to be committed again when no transaction is open (from the ticker's
    /// thread): a producer another process fenced learns it then, even while no changes come.
    /// - Parameter committed: the last committed position, for a pipeline that marked none since it started.
    public func reassertOwnership(committed: (any CommitPosition)?) {
        state.withLock { state in
            guard state.openedAt == nil, state.unpublishedPositionSince == nil else { return }
            if state.reached == nil { state.reached = committed }
            if state.reached != nil { state.unpublishedPositionSince = 0 }
        }
    }

    public func abandonPendingSends() {
        abandoned.store(true, ordering: .relaxed)
    }

    /// At a stop: commits the open transaction when it ends at a marked position, else aborts it (what it
    /// held past the last position is read again at the next start). Returns how many messages were not committed.
    public func flush(timeoutMilliseconds: Int32) -> Int {
        ticker.stop()
        return state.withLock { state in
            defer { state.closed = true }
            guard state.failure == nil, fatalFailure == nil else { return state.openedAt == nil ? 0 : state.messages }
            if state.openedAt == nil, state.unpublishedPositionSince != nil {
                // The last position reached published nothing: it is recorded alone, so the next start begins there.
                try? begin(&state)
            }
            guard state.openedAt != nil else { return 0 }
            if !state.sentSinceReached, state.reached != nil {
                do {
                    try commit(&state)
                    return 0
                } catch {
                    return state.messages
                }
            }
            let uncommitted = state.messages
            try? producer.abortTransaction(timeoutMilliseconds: max(1, timeoutMilliseconds))
            state.openedAt = nil
            return uncommitted
        }
    }

    /// Called by the ticker: ends a transaction that waits at a position once it is due, and records a
    /// position that published nothing once it waited a second (at once after `reassertOwnership`).
    private func commitIfDue() {
        state.withLock { state in
            guard state.failure == nil, !state.closed, !state.sentSinceReached, state.reached != nil else { return }
            if state.openedAt == nil {
                guard let since = state.unpublishedPositionSince,
                      DispatchTime.now().uptimeNanoseconds &- since >= Self.unpublishedPositionDelayNanoseconds else { return }
                try? begin(&state)
            } else if !isDue(state) {
                return
            }
            try? commit(&state)
        }
    }

    /// How long a position that published nothing waits before a transaction records it alone.
    private static let unpublishedPositionDelayNanoseconds: UInt64 = 1_000_000_000

    private func isDue(_ state: State) -> Bool {
        guard state.openedAt != nil else { return false }
        if state.messages >= settings.maximumMessages || state.bytes >= settings.maximumBytes { return true }
        return DispatchTime.now().uptimeNanoseconds &- state.intervalFrom >= intervalNanoseconds
    }

    private var intervalNanoseconds: UInt64 { UInt64(settings.commitIntervalMilliseconds) * 1_000_000 }

    private static let abortTimeoutMilliseconds: Int32 = 5_000

    /// librdkafka's errors for a lost broker connection.
    private static let connectionLossCodes: Set<Int32> = [RD_KAFKA_RESP_ERR__TRANSPORT.rawValue, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue]

    private func begin(_ state: inout State) throws(KafkaError) {
        connectionLost.set(false)
        do {
            try producer.beginTransaction()
        } catch {
            throw fail(classified(error), &state)
        }
        let now = DispatchTime.now().uptimeNanoseconds
        state.openedAt = now
        // While changes keep coming, commits begin every interval: a transaction that opens right after
        // a commit counts from that commit's beginning, so the changes that waited for the commit wait one
        // interval in all, not the commit's duration more. It keeps half the interval at least, so that
        // slow commits do not shrink the transactions to nothing. After a quiet spell, the interval counts
        // from the transaction's first message.
        if let lastCommitBegan = state.lastCommitBegan, now &- lastCommitBegan < intervalNanoseconds {
            state.intervalFrom = max(lastCommitBegan, now &- intervalNanoseconds / 2)
        } else {
            state.intervalFrom = now
        }
        state.messages = 0
        state.bytes = 0
    }

    private func produce(_ message: OutgoingMessage, _ state: inout State) throws(KafkaError) {
        do {
            try producer.produce(message, unless: { abandoned.load(ordering: .relaxed) })
        } catch where error.kind == .stopped {
            throw error
        } catch {
            // Refused by librdkafka (too large, unknown partition): the transaction cannot hold it. A fatal
            // error of the producer (its fencing) is the cause instead, when there is one (`fail`).
            throw fail(ProduceRefusal.error(error, message: message, pipeline: pipeline), &state)
        }
    }

    /// Writes the position record, then commits: the messages and the position become visible together.
    private func commit(_ state: inout State) throws(KafkaError) {
        guard let position = state.reached else { return }
        if connectionLost.isSet { throw fail(connectionLostFailure, &state, abort: true) }
        state.lastCommitBegan = DispatchTime.now().uptimeNanoseconds
        do {
            try producer.produce(topic: positions.name, partition: state.positionsPartition, key: positionsKey[...],
                                 value: position.encodedRecord()[...], token: 0)
        } catch {
            throw fail(KafkaError(kind: .transactionAborted, message: "pipeline \(pipeline): the position record could not be produced to \(positions.name): \(error.message)"), &state, abort: true)
        }
        // In calls of a second, each resuming the last, so that a stop's deadline is noticed in between, and a
        // connection lost meanwhile: the commit is then given up, and the pipeline goes back to whatever
        // the brokers hold (a broker that restarted may have dropped the transaction's first messages).
        let deadline = DispatchTime.now() + .milliseconds(Int(transactionTimeoutMilliseconds))
        while true {
            do {
                try producer.commitTransaction(timeoutMilliseconds: 1_000)
                break
            } catch .retriable(_) where connectionLost.isSet {
                throw fail(connectionLostFailure, &state, abort: true)
            } catch .retriable(_) where DispatchTime.now() < deadline && !abandoned.load(ordering: .relaxed) {
                continue
            } catch {
                throw fail(classified(error), &state, abort: true)
            }
        }
        state.openedAt = nil
        // Lost during the commit: whether the brokers kept the transaction is uncertain.
        if connectionLost.isSet { throw fail(connectionLostFailure, &state) }
        state.unpublishedPositionSince = nil
        onCommitted(position, state.messages)
    }

    /// Records the failure (the first one stays; a fatal error of the producer, such as its fencing, is the
    /// cause of any other), aborting the open transaction when asked; returns it.
    private func fail(_ error: KafkaError, _ state: inout State, abort: Bool = false) -> KafkaError {
        let error = fatalFailure ?? error
        if abort, error.kind == .transactionAborted {
            // Bounded: an abort that does not finish in time (the brokers gone) is completed by the next
            // run's `recover`, which aborts what this producer left open.
            try? producer.abortTransaction(timeoutMilliseconds: Self.abortTimeoutMilliseconds)
        }
        state.openedAt = nil
        if state.failure == nil { state.failure = error }
        return state.failure!
    }

    private var connectionLostFailure: KafkaError {
        KafkaError(kind: .transactionAborted, message: "pipeline \(pipeline): a broker connection was lost during a Kafka transaction, which a restarted broker may have lost; the pipeline goes on from the position the brokers committed")
    }

    private func classified(_ failure: KafkaProducer.TransactionFailure) -> KafkaError {
        switch failure {
        case .fenced(let text):
            return KafkaError(kind: .fenced, message: describe(fenced: true, text))
        case .abortable(let text), .retriable(let text):
            return KafkaError(kind: .transactionAborted, message: "pipeline \(pipeline): the Kafka transaction was aborted (\(text)); the pipeline goes on from its last committed position")
        case .fatal(let text):
            return KafkaError(kind: .librdkafka(code: producer.fatalError?.code ?? -1), message: describe(fenced: false, text))
        }
    }

    private func describe(fenced: Bool, _ text: String) -> String {
        if fenced {
            return "pipeline \(pipeline): another binlogo process took this pipeline over (a producer with transactional.id \(settings.transactionalID) fenced this one: \(text)); this one stops: run each pipeline in one place only"
        }
        return "pipeline \(pipeline): the transactional producer failed for good: \(text)"
    }
}
