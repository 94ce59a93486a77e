import BinlogDecoder
import Dispatch
import Foundation
import KafkaOutput
import Logging
import Metrics
import MySQLSource
import Synchronization
import ThreadNames

/// Runs one pipeline: source thread → decode → filter → encode → bounded queue → output, with
/// checkpoints every second (and at stop) at the newest fully acknowledged transaction.
///
/// Under the `exactly_once` profile the position that counts is the one committed to Kafka with the
/// messages (`TransactionalKafkaOutput`): the pipeline starts by reading it back, and the checkpoint file
/// mirrors the newest committed one.
public final class PipelineRunner: Sendable {
    public enum Status: Sendable, Equatable {
        case starting, running, stopping, stopped
        case failed(String)
    }

    /// What the supervisor does with a failed pipeline.
    public enum RestartPolicy: Sendable, Equatable {
        /// After a backoff: the cause may take a while to go (a server down, a setting to change).
        case afterBackoff
        /// At once: a Kafka transaction was aborted, and going on from the last committed position is the fix.
        case atOnce
        /// Never: another process took the pipeline over (its producer was fenced).
        case never
    }

    public let configuration: PipelineConfiguration
    private let store: CheckpointStore
    private let logger: Logger
    private let deliveries: DeliveryTracker<SourcePosition>
    private let output: any MessageOutput
    /// Under `exactly_once`: the producer whose transactions carry the positions, and the newest committed one.
    private let transactional: TransactionalKafkaOutput?
    private let committed = LastCommittedPosition()
    private let queue: BoundedMessageQueue
    private let source: BinlogSource
    private let reader: Mutex<PipelineReader>
    private let state = Mutex(RunnerState())
    private let checkpointTask = Mutex<PeriodicTask?>(nil)
    private let checkpoints = Mutex<CheckpointWriter?>(nil)
    private let lockDescriptor = Mutex<Int32>(-1)
    private let reconnects: Counter
    private let checkpointFailures: Counter
    private let latency: AckLatencySampler
    private let health: PipelineHealth
    /// The snapshot's reading thread, when the pipeline may take a snapshot (`initial`, or a signal table).
    private let snapshotReader: SnapshotReader?
    /// Held while messages are made and queued, by the source thread and by a snapshot chunk going out
    /// while the stream is idle, so that the queue gets them in the order they were made.
    private let emission = NSLock()
    /// Signalled when the pending snapshot chunk went out, and when one was handed over.
    private let chunkEmitted = DispatchSemaphore(value: 0)
    private let chunkOffered = DispatchSemaphore(value: 0)
    /// Whether the thread that emits chunks while the stream idles runs (started with the first snapshot).
    private let emitterStarted = Mutex(false)

    private struct RunnerState {
        var status: Status = .starting
        var readPosition: SourcePosition?
        var gtid: String?
        var secondsBehind: Double?
        var lastError: String?
        var restartPolicy = RestartPolicy.afterBackoff
        var startedAt = Date()
        /// Whether the source was started (an `exactly_once` pipeline first reads its position from Kafka).
        var sourceLaunched = false
    }

    /// - Parameter logSummary: summarises repeated log lines (lost messages, librdkafka's); the supervisor shares one.
    public init(configuration: PipelineConfiguration, stateDirectory: String, logger: Logger,
                logSummary: RepeatedLogSummarizer = RepeatedLogSummarizer()) throws {
        var logger = logger
        logger[metadataKey: "pipeline"] = "\(configuration.name)"
        self.configuration = configuration
        self.logger = logger
        self.store = CheckpointStore(directory: stateDirectory, pipeline: configuration.name)
        self.reconnects = Counter(label: "binlogo_reconnects_total", dimensions: [("pipeline", configuration.name)])
        self.checkpointFailures = Counter(label: "binlogo_checkpoint_failures_total", dimensions: [("pipeline", configuration.name)])
        let latency = AckLatencySampler(pipeline: configuration.name)
        self.latency = latency
        self.health = PipelineHealth(pipeline: configuration.name)
        let topic: TopicTemplate, key: MessageKeyMode, headers: Bool, acceptsLoss: Bool
        let deliveries: DeliveryTracker<SourcePosition>
        let output: any MessageOutput
        var transactional: TransactionalKafkaOutput?
        let committed = self.committed
        switch configuration.output {
        case .kafka(let kafka):
            (topic, key, headers, acceptsLoss) = (kafka.topic, kafka.key, kafka.headers, !kafka.profile.failureStopsPipeline)
            deliveries = DeliveryTracker(acceptsLoss: acceptsLoss)
            let reporter = DeliveryReporter(deliveries: deliveries, pipeline: configuration.name, latency: latency, logger: logger,
                                            summarizer: logSummary, transactional: kafka.profile == .exactlyOnce)
            if kafka.profile == .exactlyOnce {
                let transactions = Counter(label: "binlogo_kafka_transactions_committed_total", dimensions: [("pipeline", configuration.name)])
                let messages = Counter(label: "binlogo_messages_committed_total", dimensions: [("pipeline", configuration.name)])
                transactional = try TransactionalKafkaOutput(
                    configuration: kafka, pipeline: configuration.name, onDelivery: reporter.onDelivery,
                    onCommitted: { position, count in
                        transactions.increment()
                        messages.increment(by: Int64(count))
                        guard let position = (position as? CommittedPosition)?.position else { return }
                        committed.value = position
                    }, onLog: reporter.onKafkaLog)
                output = transactional!
            } else {
                output = try KafkaOutput(configuration: kafka, pipeline: configuration.name, onDelivery: reporter.onDelivery,
                                         onLog: reporter.onKafkaLog)
            }
        case let .stdout(stdoutTopic, stdoutKey):
            (topic, key, headers, acceptsLoss) = (stdoutTopic, stdoutKey, false, false)
            deliveries = DeliveryTracker(acceptsLoss: acceptsLoss)
            output = StandardOutputOutput(onDelivery: DeliveryReporter(deliveries: deliveries, pipeline: configuration.name, latency: latency,
                                                                       logger: logger, summarizer: logSummary).onDelivery)
        }
        self.deliveries = deliveries
        self.output = output
        self.transactional = transactional
        self.queue = BoundedMessageQueue(output: output, maximumMessages: configuration.queue.maximumMessages,
                                         maximumBytes: configuration.queue.maximumBytes, label: configuration.name)
        let filters = configuration.filters
        self.reader = Mutex(PipelineReader(
            filter: try ChangeFilter(include: filters.include, exclude: filters.exclude, types: filters.types),
            router: ChangeRouter(pipeline: configuration.name, topic: topic, key: key, headers: headers, format: configuration.format,
                                 context: MessageContext(pipelineName: configuration.name, excludedColumns: filters.excludeColumns),
                                 logger: logger),
            metrics: PipelineMetrics(pipeline: configuration.name), logger: logger))
        reader.withLock { reader in
            reader.signalTable = configuration.snapshot.signalTable
            reader.pipelineName = configuration.name
        }
        self.source = BinlogSource(configuration: configuration.source, logger: logger)
        self.snapshotReader = configuration.snapshot.mayTakeSnapshots
            ? SnapshotReader(configuration: configuration.snapshot, pipeline: configuration.name, source: configuration.source,
                             filters: configuration.filters, logger: logger)
            : nil
    }

    public var status: Status { state.withLock { $0.status } }

    /// What `/status` shows for this pipeline.
    public var snapshot: PipelineStatus {
        let writer = checkpoints.withLock { $0 }
        let (saved, checkpointError) = (writer?.saved, writer?.lastError)
        // Taken before the state's lock, which `writeCheckpoint` never holds while it holds the reader's.
        let snapshotProgress = snapshotProgress
        return state.withLock { state in
            PipelineStatus(name: configuration.name, state: state.status.label, checkpoint: saved,
                           readPosition: state.readPosition, gtid: state.gtid, secondsBehind: state.secondsBehind,
                           lastError: state.lastError, checkpointError: checkpointError,
                           uptimeSeconds: Date().timeIntervalSince(state.startedAt),
                           secondsSinceLastAcknowledgement: deliveries.secondsSinceLastAcknowledgement,
                           unacknowledgedSeconds: deliveries.unacknowledgedSeconds,
                           checkpointAgeSeconds: health.checkpointAgeSeconds(saved: saved, read: state.readPosition),
                           reconnectingSeconds: health.reconnectingSeconds, snapshot: snapshotProgress)
        }
    }
    /// The snapshot's progress: the reading thread's, or, before it reports, what the cursor says.
    private var snapshotProgress: SnapshotProgress? {
        if let progress = snapshotReader?.progress { return progress }
        guard let cursor = reader.withLock({ $0.snapshot.cursor }) else { return nil }
        if cursor.isDone { return SnapshotProgress(state: "done") }
        return SnapshotProgress(state: "reading", table: cursor.tables?.first, tablesLeft: max(0, (cursor.tables?.count ?? 1) - 1),
                                tableRows: cursor.rows ?? 0)
    }

    /// The last checkpoint written to the state directory.
    public var savedCheckpoint: SourcePosition? { checkpoints.withLock { $0 }?.saved }
    /// The checkpoint Kafka's acknowledgements allow now (written within a second); under `exactly_once`,
    /// the position of the last committed Kafka transaction.
    public var acknowledgedPosition: SourcePosition? {
        transactional == nil ? deliveries.checkpoint : committed.value
    }
    /// What the supervisor should do once this pipeline failed.
    public var restartPolicy: RestartPolicy { state.withLock { $0.restartPolicy } }
    public var queueDepth: (messages: Int, bytes: Int) { queue.depth }

    /// Swaps the filters in place, between two events; the stream goes on without a pause or a reconnect.
    public func updateFilters(_ filters: PipelineConfiguration.Filters) throws {
        _ = try ChangeFilter(include: filters.include, exclude: filters.exclude, types: filters.types)  // validates
        reader.withLock { reader in
            // Made inside the lock: the filter belongs to the reader's state.
            if let filter = try? ChangeFilter(include: filters.include, exclude: filters.exclude, types: filters.types,
                                              tableNamesAreCaseInsensitive: reader.tableNamesAreCaseInsensitive) {
                reader.filter = filter
            }
            reader.router.context.excludedColumns = filters.excludeColumns
        }
        logger.info("filters changed in place")
    }

    /// Starts reading from the stored position (or the configured start). Throws when the stored position is unreadable.
    /// Under `exactly_once` the position committed to Kafka comes first: it is read on a thread of its own
    /// (Kafka may be slow to answer), and the pipeline shows `starting` until it streams.
    public func start() throws {
        let lock = try store.lock()
        let stored: SourcePosition?
        do {
            stored = try store.load()
        } catch {
            // Unlocked at once, so `binlogo position set` (the fix the error names) can replace the file.
            close(lock)
            throw error
        }
        lockDescriptor.withLock { $0 = lock }
        let writer = CheckpointWriter(store: store, loaded: stored, logger: logger, failures: checkpointFailures,
                                      onSaved: { [health] _ in health.checkpointMoved() })
        checkpoints.withLock { $0 = writer }
        guard let transactional else { return launchSource(from: stored, writer: writer) }
        let thread = Thread { [self] in
            nameCurrentThread("binlogo-recover")
            do {
                let position = try recover(transactional, local: stored)
                launchSource(from: position, writer: writer)
            } catch let error as KafkaError where error.kind == .stopped {
                return
            } catch {
                fail("\(error)")
            }
        }
        thread.start()
    }

    /// `exactly_once`: takes the pipeline's transactional id over and reads its last committed position;
    /// without one in Kafka, the local checkpoint (written by another profile, or before the first commit).
    private func recover(_ transactional: TransactionalKafkaOutput, local: SourcePosition?) throws -> SourcePosition? {
        let topic = transactional.settings.positionsTopic
        guard let record = try transactional.recover(isCancelled: { [self] in status != .starting }) else {
            logger.info("no position in the positions topic yet", metadata: ["topic": "\(topic)",
                                                                             "from": "\(local.map { "checkpoint \($0)" } ?? "start \(configuration.source.start)")"])
            return local
        }
        let position = try KafkaPositions.position(from: record, topic: topic, pipeline: configuration.name)
        if position != local {
            logger.info("resuming at the position committed to Kafka", metadata: ["topic": "\(topic)", "position": "\(position)",
                                                                                  "checkpoint_file": "\(local.map { "\($0)" } ?? "none")"])
        }
        committed.value = position
        return position
    }

    private func launchSource(from stored: SourcePosition?, writer: CheckpointWriter) {
        let launching = state.withLock { state -> Bool in
            guard state.status == .starting else { return false }
            state.sourceLaunched = true
            return true
        }
        guard launching else { return }
        let cursor = snapshotCursor(resumingAt: stored)
        reader.withLock { reader in
            reader.commitPoints = CommitPoints(resumingAt: stored, tracking: transactional != nil)
            reader.snapshot.cursor = cursor
        }
        let task = PeriodicTask(name: "binlogo-ckpt", interval: 1) { [self] in writeCheckpoint() }
        checkpointTask.withLock { $0 = task }
        logger.info("pipeline starting", metadata: ["from": "\(stored.map { "\($0)" } ?? "start \(configuration.source.start)")"])
        source.start(from: stored, onEvent: { [self] event in try handle(event) }, onStop: { [self] error in
            if let error { fail("\(error)") }
        }, onDumpStart: { [self] position in
            health.sourceStreaming()
            reader.withLock { reader in
                reader.commitPoints.dumpStarted(at: position)
                // A dump starts between two transactions.
                if reader.snapshot.isActive { reader.snapshot.boundary = reader.snapshot.boundary ?? position }
            }
            // Stored before the first event is read, whatever happens next.
            if acknowledgedPosition == nil { writer.writeStart(reader.withLock { $0.snapshot.stamped(position) }) }
        }, onPreflight: { [self] report in
            guard report.lowerCaseTableNames != 0 else { return }
            // The filter's patterns were validated with the configuration: made again, they cannot fail.
            try? reader.withLock { try $0.adoptTableNameRule(lowerCaseTableNames: report.lowerCaseTableNames) }
            logger.info("the server compares table names in any case: filters, topic overrides, excluded columns and snapshot requests match them in any case",
                        metadata: ["lower_case_table_names": "\(report.lowerCaseTableNames)"])
        }, onReconnect: { [reconnects, health, transactional, committed] in
            reconnects.increment()
            health.sourceReconnecting()
            // A second process running this pipeline takes the server's replication slot and this pipeline's
            // transactional id: committing again tells this one, which then stops.
            transactional?.reassertOwnership(committed: committed.value.map { CommittedPosition(position: $0) })
        }, isRelevant: { [self] event in reader.withLock { $0.filter.passes(event) } })
        state.withLock { if $0.status == .starting { $0.status = .running } }
        if let cursor, !cursor.isDone { startSnapshot(at: cursor) }
    }

    /// Starts the snapshot's reading thread at `cursor` (and, with the first snapshot, the thread that
    /// emits chunks while the stream idles); false while a cancelled snapshot's thread has not ended.
    @discardableResult
    private func startSnapshot(at cursor: SnapshotCursor) -> Bool {
        guard let snapshotReader else { return false }
        let started = snapshotReader.start(at: cursor, begin: { [self] table in reader.withLock { $0.snapshot.begin(table: table) } },
                                           identify: { [self] columns in reader.withLock { $0.snapshot.identify(keyColumns: columns) } },
                                           schemaVersion: { [self] in reader.withLock { $0.snapshot.schemaVersion } },
                                           isPaused: { [self] in reader.withLock { $0.snapshot.isPaused } },
                                           exchange: { [self] chunk in try exchange(chunk) }, onFailure: { [self] reason in fail(reason) },
                                           onRefused: { [self] reason in
                                               reader.withLock { reader in
                                                   if reader.snapshot.isReading { reader.snapshot.cancel() }
                                               }
                                               logger.error("snapshot request refused: the snapshot is cancelled, the pipeline goes on",
                                                            metadata: ["error": "\(reason)"])
                                           })
        let startsEmitter = started && emitterStarted.withLock { started in
            defer { started = true }
            return !started
        }
        if startsEmitter {
            let emitter = Thread { [self] in
                nameCurrentThread("binlogo-snapout")
                emitChunksWhileIdle()
            }
            emitter.start()
        }
        return started
    }

    /// The snapshot to take or go on with: the one the stored position carries; at a pipeline's first start
    /// (no position stored) with `snapshot: initial`, a new one; else none (`initial` takes none for a
    /// pipeline that streamed before it was configured).
    private func snapshotCursor(resumingAt stored: SourcePosition?) -> SnapshotCursor? {
        guard configuration.snapshot.mayTakeSnapshots else { return nil }
        if let cursor = stored?.snapshot { return cursor }
        guard configuration.snapshot.mode == .initial else { return nil }
        guard stored != nil else { return SnapshotCursor(tables: nil) }
        logger.info("snapshot: initial reads the tables at a pipeline's first start; this pipeline has a position from before, so it takes none")
        return nil
    }

    /// Acts on requests read from the signal table, in order, right after `event`, the one that carried
    /// them (whose position does not include them yet: read again after a crash, they are acted on again).
    private func act(on signals: [SnapshotSignal], after event: SourceEvent) {
        for signal in signals {
            let origin: Logger.Metadata = ["position": "\(signal.binlogFile):\(signal.position)"]
            switch signal.action {
            case .snapshot:
                guard status == .running else {
                    logger.info("snapshot signal left for the next start: the pipeline is stopping", metadata: origin)
                    continue
                }
                let refusal: String? = reader.withLock { reader in
                    if reader.snapshot.isReading || snapshotReader?.isRunning == true {
                        return "a snapshot is under way: cancel it first (action cancel), or ask again once it ended"
                    }
                    // As the binlog names them, for the stream's changes to them to meet the chunks.
                    let tables = signal.tables.map { reader.canonicalTableName($0) }
                    let outside = tables.filter { !reader.filter.passes(qualifiedName: $0) || reader.isSignalTable($0) }
                    if !outside.isEmpty { return "the pipeline's filters leave out \(outside.joined(separator: ", ")) (or it is the signal table)" }
                    reader.snapshot.request(SnapshotCursor(tables: nil, condition: signal.condition, chosenTables: tables),
                                            boundary: event.mayResumeHere ? event.resumePosition : nil)
                    return nil
                }
                if let refusal {
                    logger.warning("snapshot signal refused", metadata: origin.merging(["reason": "\(refusal)"]) { $1 })
                    continue
                }
                logger.info("snapshot requested through the signal table", metadata: origin.merging([
                    "tables": "\(signal.tables.joined(separator: ","))", "condition": "\(signal.condition ?? "none")"]) { $1 })
                let cursor = reader.withLock { $0.snapshot.cursor } ?? SnapshotCursor(tables: nil)
                if !startSnapshot(at: cursor) {
                    reader.withLock { $0.snapshot.cancel() }
                    logger.warning("snapshot signal refused", metadata: origin.merging(["reason": "the cancelled snapshot's reading has not ended yet; ask again"]) { $1 })
                }
            case .cancel:
                let cancelled = reader.withLock { reader -> Bool in
                    guard reader.snapshot.isReading else { return false }
                    reader.snapshot.cancel()
                    return true
                }
                guard cancelled else {
                    logger.info("cancel signal: no snapshot is under way", metadata: origin)
                    continue
                }
                snapshotReader?.cancel()
                chunkEmitted.signal()
                logger.warning("snapshot cancelled through the signal table: the tables not yet read are left unread", metadata: origin)
            case .pause, .resume:
                let pausing = signal.action == .pause
                if reader.withLock({ $0.snapshot.setPaused(pausing) }) {
                    logger.info(pausing ? "snapshot pause requested through the signal table" : "snapshot resume requested through the signal table",
                                metadata: origin)
                } else {
                    logger.info("\(signal.action.rawValue) signal: no snapshot is under way", metadata: origin)
                }
            case .watermark:
                break  // taken by the window as the stream reads it (`PipelineReader`)
            }
        }
    }

    /// A token for the next message, its send time sampled for the latency metric.
    private func nextToken() -> UInt64 {
        let token = deliveries.nextToken()
        latency.sent(token)
        return token
    }

    /// Called on the snapshot thread with each chunk, once it read the next one (so that reading a chunk
    /// overlaps the one before going out): waits until the chunk before is out, then, unless that one
    /// was refused for a DDL statement on its table, hands this one over. Returns the outcome of the one
    /// before: `.emitted`, `.schemaChanged` (it and this one are to be read again), or `.stopped`.
    private func exchange(_ chunk: PendingChunk?) throws -> SnapshotWindow.Outcome {
        while status == .running || status == .starting {
            let outcome = try reader.withLock { reader -> SnapshotWindow.Outcome in
                let outcome = reader.snapshot.takeOutcome()
                if outcome == .emitted, let chunk { try reader.snapshot.offer(chunk) }
                return outcome
            }
            if outcome != .waiting {
                if chunk != nil { chunkOffered.signal() }
                return outcome
            }
            _ = chunkEmitted.wait(timeout: .now() + .milliseconds(20))
        }
        return .stopped
    }

    /// The snapshot's emitting thread: a chunk whose high watermark the stream has passed while it idles
    /// between transactions goes out from here (the source thread emits it otherwise, at its next event).
    private func emitChunksWhileIdle() {
        while true {
            _ = chunkOffered.wait(timeout: .now() + .milliseconds(20))
            emission.lock()
            defer { emission.unlock() }
            // Checked under the lock: once `stop` passed it, nothing more goes out from here.
            guard status == .running || status == .starting else { return }
            do {
                let (batch, position): ([OutgoingMessage], SourcePosition?) = try reader.withLock { reader in
                    guard reader.snapshot.mayEmitWhileIdle, let boundary = reader.snapshot.boundary else { return ([], nil) }
                    var batch: [OutgoingMessage] = []
                    try reader.emitPendingChunk(token: nextToken, into: &batch)
                    return (batch, reader.snapshot.stamped(boundary))
                }
                guard let position else { continue }
                try queue.put(batch, reaching: transactional == nil ? nil : CommittedPosition(position: position))
                if transactional == nil { deliveries.endTransaction(at: position) }
                chunkEmitted.signal()
            } catch {
                fail("snapshot: \(error)")
                return
            }
        }
    }

    /// Called on the source thread for every event.
    private func handle(_ event: SourceEvent) throws {
        if let failure = deliveries.failure { throw failure }
        guard snapshotReader != nil else { return try emit(event, snapshotting: false) }
        emission.lock()
        defer { emission.unlock() }
        try emit(event, snapshotting: true)
    }

    /// Makes and queues an event's messages (and a snapshot chunk the event lets out).
    private func emit(_ event: SourceEvent, snapshotting: Bool) throws {
        // The event's messages are made under the reader's lock and queued after it, so that waiting for
        // room in the queue (backpressure) never holds the lock the checkpoint task also takes.
        /// Under a snapshot: the resume position with the snapshot's cursor.
        var stampedResume: SourcePosition?
        /// Whether a signal read in this event started or cancelled a snapshot.
        var signalled = false
        if !event.steps.isEmpty || event.endsEventGroup || snapshotting {
            let exactlyOnce = transactional != nil
            var signals: [SnapshotSignal] = []
            let (batch, point, emittedChunk): ([OutgoingMessage], SourcePosition?, Bool) = try reader.withLock { reader in
                var batch = try reader.messages(for: event.steps, token: nextToken)
                signals = reader.takeSignals()
                var point: SourcePosition?
                if reader.commitPoints.rows.isActive {
                    let passed = reader.commitPoints.passed(event, published: !batch.isEmpty)
                    point = exactlyOnce ? passed : nil
                }
                guard reader.snapshot.isActive else { return (batch, point, false) }
                let emits = reader.snapshot.passed(event)
                if emits {
                    try reader.emitPendingChunk(token: nextToken, into: &batch)
                    // The chunk's messages go with a position past them (under exactly_once, in the same transaction).
                    if exactlyOnce { point = event.resumePosition }
                }
                stampedResume = reader.snapshot.stamped(event.resumePosition)
                return (batch, point.map(reader.snapshot.stamped), emits)
            }
            try queue.put(batch, reaching: point.map { CommittedPosition(position: $0) })
            if !signals.isEmpty {
                act(on: signals, after: event)
                signalled = true
            }
            if emittedChunk {
                chunkEmitted.signal()
                if !event.endsTransaction, transactional == nil { deliveries.endTransaction(at: stampedResume ?? event.resumePosition) }
            }
        }
        if event.endsTransaction, transactional == nil { deliveries.endTransaction(at: stampedResume ?? event.resumePosition) }
        if signalled, event.mayResumeHere {
            // The position past the signal, with the cursor it set: a cancel is recorded even if the stream idles.
            let position = reader.withLock { $0.snapshot.stamped(event.resumePosition) }
            try queue.put([], reaching: transactional == nil ? nil : CommittedPosition(position: position))
            if transactional == nil { deliveries.endTransaction(at: position) }
        }
        // Reading progress shows even while a prepared XA transaction holds the checkpoint back, so that
        // the checkpoint's age grows where an operator can see it.
        if event.endsEventGroup {
            let behind = max(0, Date().timeIntervalSince1970 - Double(event.decoded.header.timestamp))
            state.withLock { state in
                state.readPosition = event.resumePosition
                state.gtid = event.transactionGTID
                state.secondsBehind = behind
            }
        }
    }

    /// Stops within `timeoutMilliseconds` whatever Kafka and the server do: the source stops at the end of
    /// the transaction being read (at once between transactions; given at most half the time), the queued
    /// messages are handed to Kafka and acknowledged as far as the time allows, and the checkpoint is
    /// written at the newest acknowledged transaction. What the deadline cut off is read again at the
    /// next start.
    public func stop(timeoutMilliseconds: Int32 = 10_000) {
        let deadline = DispatchTime.now() + .milliseconds(Int(max(0, timeoutMilliseconds)))
        state.withLock { state in
            if state.status == .running || state.status == .starting { state.status = .stopping }
        }
        // A runner whose start failed (or that still reads its position from Kafka) has no source to stop.
        snapshotReader?.stop()
        if state.withLock({ $0.sourceLaunched }) { stopReading(deadline: deadline) }
        // A snapshot chunk going out now is queued before the queue drains; none goes out after.
        if emission.lock(before: Date().addingTimeInterval(Self.seconds(until: deadline) / 4)) { emission.unlock() }
        if !queue.drain(timeoutSeconds: Self.seconds(until: deadline) / 2) {
            logger.warning("stop deadline: queued messages not handed to Kafka are dropped; they will be read again at the next start")
            queue.abandon()
            output.abandonPendingSends()
            queue.drain(timeoutSeconds: Self.seconds(until: deadline) / 4)
        }
        let outstanding = output.flush(timeoutMilliseconds: Int32(Self.seconds(until: deadline) * 1000))
        if outstanding > 0 { logger.warning("stopped with messages unacknowledged", metadata: ["outstanding": .stringConvertible(outstanding)]) }
        // The checkpoint thread writes one last time; one stuck in a hung disk's fsync is left behind.
        if checkpointTask.withLock({ $0 })?.cancel(timeoutSeconds: Self.seconds(until: deadline)) ?? true {
            writeCheckpoint()
        } else {
            logger.error("the checkpoint could not be written within the stop deadline (the state directory's disk does not answer); the last one written stays")
        }
        state.withLock { if $0.status == .stopping { $0.status = .stopped } }
        lockDescriptor.withLock { descriptor in
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
        logger.info("pipeline stopped", metadata: ["checkpoint": "\(savedCheckpoint.map { "\($0)" } ?? "none")"])
    }

    /// Ends the source within half the time left: at the end of the transaction being read if it comes in
    /// time, else at once (that transaction is read again at the next start).
    private func stopReading(deadline: DispatchTime) {
        source.stopAtTransactionBoundary()
        if source.waitUntilStopped(timeoutSeconds: Self.seconds(until: deadline) / 2) { return }
        logger.warning("stopping inside a transaction; it will be read again at the next start")
        source.stop()
        // The source may wait for room in the queue: the queue stops taking messages.
        if source.waitUntilStopped(timeoutSeconds: Self.seconds(until: deadline) / 4) { return }
        queue.abandon()
        if !source.waitUntilStopped(timeoutSeconds: Self.seconds(until: deadline) / 4) {
            // Blocked where no stop reaches (a connect or query to a hung server, bounded by its own
            // timeouts): it ends on its own, and whatever it hands on now is refused by the queue.
            logger.warning("the source thread did not end within the stop deadline; it is left to end on its own")
        }
    }

    private static func seconds(until deadline: DispatchTime) -> Double {
        let now = DispatchTime.now()
        return deadline > now ? Double(deadline.uptimeNanoseconds - now.uptimeNanoseconds) / 1e9 : 0
    }

    private func fail(_ reason: String) {
        let policy = restartPolicyForFailure
        // A fenced producer shows first as the failed deliveries it causes: the fencing is the reason.
        let reason = policy == .never ? output.failure?.description ?? reason : reason
        let first = state.withLock { state -> Bool in
            // What a stop's deadline cuts off is not a failure.
            if state.status == .stopping || state.status == .stopped { return false }
            state.lastError = reason
            if case .failed = state.status { return false }
            state.status = .failed(reason)
            state.restartPolicy = policy
            return true
        }
        if first {
            logger.error("pipeline failed", metadata: ["error": "\(reason)"])
            DispatchQueue.global().async { [self] in source.stop() }
        }
    }

    /// A fenced producer never restarts; under `exactly_once`, an aborted transaction or a failed message
    /// (which aborts it) restarts at once from the last committed position; the rest after a backoff.
    private var restartPolicyForFailure: RestartPolicy {
        let kafka = output.failure ?? queue.failure
        if kafka?.kind == .fenced { return .never }
        guard transactional != nil else { return .afterBackoff }
        if kafka?.kind == .transactionAborted || (kafka == nil && deliveries.failure != nil) { return .atOnce }
        return .afterBackoff
    }

    private func writeCheckpoint() {
        let depth = queue.depth
        // Read before the reader's lock: `/status` takes the two the other way round.
        let behind = state.withLock { $0.secondsBehind }
        reader.withLock { reader in
            reader.metrics.queueDepth.record(depth.messages)
            reader.metrics.inFlight.record(deliveries.inFlight)
            if let behind { reader.metrics.secondsBehind.record(behind) }
        }
        let writer = checkpoints.withLock { $0 }
        health.recordMetrics(deliveries: deliveries, saved: writer?.saved, read: state.withLock { $0.readPosition })
        if let failure = deliveries.failure { fail("\(failure)") }
        if let failure = queue.failure ?? output.failure { fail("\(failure)") }
        writer?.write(acknowledged: acknowledgedPosition)
    }
}
