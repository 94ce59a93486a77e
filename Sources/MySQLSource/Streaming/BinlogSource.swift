import BinlogDecoder
import Foundation
import Logging
import ThreadNames

/// The reading half of a pipeline: streams a server's binlog as decoded events, from a stored
/// position or the configured start, on a thread of its own (reading the socket blocks).
///
/// It runs the preflight checks, fills in column names from information_schema when the server
/// does not log them, and survives lost connections, server restarts and killed replication
/// threads: it reconnects with bounded, jittered exponential backoff and resumes right after the
/// last event it handed downstream, so nothing is skipped and nothing repeated. A purged binlog,
/// a failed preflight or an undecodable event stop it with a `SourceError`.
public final class BinlogSource: Sendable {
    public let configuration: SourceConfiguration
    private let logger: Logger
    private let control = SourceControl()
    private let finished = DispatchSemaphore(value: 0)

    public init(configuration: SourceConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts streaming on a new thread.
    /// - Parameters:
    ///   - stored: the position to resume from (a checkpoint); nil starts at `configuration.start`.
    ///   - onEvent: called on the source's thread for every event, in binlog order; it may block
    ///     (that is backpressure); throwing stops the source.
    ///   - onStop: called once when the source has stopped: nil after `stop()`, else the reason.
    ///   - onDumpStart: called on the source's thread each time a dump starts, with the position it starts from
    ///     (so a new pipeline can store where it began before any change arrives).
    ///   - onPreflight: called on the source's thread with the preflight's report, once, before the first dump starts.
    ///   - onReconnect: called on the source's thread before each reconnect attempt (for metrics).
    ///   - isRelevant: whether the pipeline wants a rows event (its filter): a prepared XA transaction with
    ///     none such does not hold the checkpoint back.
    public func start(from stored: SourcePosition?, onEvent: @escaping @Sendable (SourceEvent) throws -> Void,
                      onStop: @escaping @Sendable (SourceError?) -> Void,
                      onDumpStart: @escaping @Sendable (SourcePosition) -> Void = { _ in },
                      onPreflight: @escaping @Sendable (ServerPreflight.Report) -> Void = { _ in },
                      onReconnect: @escaping @Sendable () -> Void = {},
                      isRelevant: @escaping @Sendable (RowsEvent) -> Bool = { _ in true }) {
        let thread = Thread { [self] in
            nameCurrentThread("binlogo-source")
            var reader = SourceReader(configuration: configuration, logger: logger, control: control, position: stored,
                                      onDumpStart: onDumpStart, onPreflight: onPreflight, onReconnect: onReconnect, isRelevant: isRelevant)
            let error = reader.run(onEvent: onEvent)
            onStop(error)
            finished.signal()
        }
        thread.start()
    }

    /// Asks the source to stop; returns at once. A blocked read is interrupted.
    public func stop() {
        control.requestStop()
    }

    /// Asks the source to stop once the transaction being read has ended, so that nothing of the next
    /// one is handed on; at once when no transaction is open. Returns at once.
    public func stopAtTransactionBoundary() {
        control.requestStopAtBoundary()
    }

    /// Waits until the source's thread has ended (after `stop()` or a fatal error).
    public func waitUntilStopped() {
        finished.wait()
        finished.signal()
    }

    /// Waits at most `timeoutSeconds` for the source's thread to end; returns whether it did.
    public func waitUntilStopped(timeoutSeconds: Double) -> Bool {
        guard finished.wait(timeout: .now() + timeoutSeconds) == .success else { return false }
        finished.signal()
        return true
    }
}

/// The source thread's state: the decoder, where reading stands, the schema cache.
private struct SourceReader {
    let configuration: SourceConfiguration
    let logger: Logger
    let control: SourceControl
    var position: SourcePosition?
    var decoder = BinlogDecoder()
    var transactions: TransactionAssembler
    var schema: SchemaCache?
    var committedGTID: String?
    var tablesWithStaleSchema: Set<UInt64> = []
    /// MySQL with `gtid_mode=ON`: every transaction complete before `position`, once known (from the set a
    /// GTID dump starts after, or a binlog file's PREVIOUS_GTIDS), then grown by each transaction read.
    var executedGTIDs: MySQLGTIDSet?
    /// The GTID of the MySQL transaction being read, added to `executedGTIDs` when it ends.
    var pendingGTID: (source: MySQLGTIDSet.SourceTag, number: Int64)?
    var serverIsMariaDB = false
    var gtidModeIsOn = false
    let onDumpStart: (SourcePosition) -> Void
    let onPreflight: (ServerPreflight.Report) -> Void
    let onReconnect: () -> Void

    init(configuration: SourceConfiguration, logger: Logger, control: SourceControl, position: SourcePosition?,
         onDumpStart: @escaping (SourcePosition) -> Void, onPreflight: @escaping (ServerPreflight.Report) -> Void,
         onReconnect: @escaping () -> Void,
         isRelevant: @escaping @Sendable (RowsEvent) -> Bool) {
        self.configuration = configuration
        self.logger = logger
        self.control = control
        self.position = position
        self.committedGTID = position?.gtid
        self.executedGTIDs = position?.gtidSet
        self.transactions = TransactionAssembler(xaBufferLimitBytes: configuration.xaBufferLimitBytes,
                                                 lookAheadLimitBytes: configuration.transactionLookAheadBytes,
                                                 isRelevant: isRelevant)
        self.onDumpStart = onDumpStart
        self.onPreflight = onPreflight
        self.onReconnect = onReconnect
    }

    mutating func run(onEvent: (SourceEvent) throws -> Void) -> SourceError? {
        var attempt = 0
        var preflightPassed = false
        while !control.isStopping {
            do {
                let options: MySQLConnectionOptions
                do {
                    options = try configuration.resolvedConnection()
                } catch {
                    return SourceError(.configuration, error.description)
                }
                let queries = try connect(options)
                if !preflightPassed {
                    let report = try ServerPreflight(start: position == nil ? configuration.start : nil).run(on: queries)
                    for warning in report.warnings { logger.warning("\(warning)") }
                    decoder = BinlogDecoder(checksum: report.checksumIsCRC32 ? .crc32 : .none)
                    serverIsMariaDB = report.isMariaDB
                    if !report.hasFullRowMetadata { schema = SchemaCache(connectionOptions: options) }
                    onPreflight(report)
                    preflightPassed = true
                }
                let start = try resolveStart(queries)
                let replication = try connect(options)
                guard control.attach(socket: replication.socketDescriptor) else { return nil }
                defer { control.detach() }
                let stream: BinlogReplicationStream
                do {
                    stream = try start.open(on: replication, serverID: configuration.serverID, heartbeatSeconds: configuration.heartbeatSeconds)
                } catch {
                    throw classify(error, at: start)
                }
                logger.info("streaming", metadata: ["server": "\(options.endpointDescription)", "from": "\(start)"])
                if attempt > 0 { logger.info("reconnected", metadata: ["attempts": .stringConvertible(attempt)]) }
                attempt = 0
                while true {
                    let more: Bool
                    do {
                        more = try stream.next { bytes in try handle(bytes, onEvent: onEvent) } != nil
                    } catch let error as MySQLError {
                        throw classify(error, at: start)
                    }
                    if !more { break }
                }
                if control.isStopping { return nil }
                throw SourceError(.connection, "the server ended the binlog stream")
            } catch let error as SourceError {
                if control.isStopping { return nil }
                guard error.kind == .connection else { return error }
                attempt += 1
                if let maximum = configuration.reconnect.maximumAttempts, attempt > maximum {
                    return error
                }
                let delay = configuration.reconnect.delay(beforeAttempt: attempt)
                logger.warning("replication connection lost, reconnecting", metadata: [
                    "error": "\(error)", "attempt": .stringConvertible(attempt), "delay_seconds": .stringConvertible((delay * 100).rounded() / 100),
                    "resume": "\(position.map { "\($0)" } ?? "start")",
                ])
                onReconnect()
                if !control.sleep(seconds: delay) { return nil }
            } catch let error as BinlogDecodingError {
                return SourceError(.decoding, "\(error)")
            } catch {
                if control.isStopping { return nil }
                return SourceError(.downstream, "\(error)")
            }
        }
        return nil
    }

    private func connect(_ options: MySQLConnectionOptions) throws(SourceError) -> MySQLConnection {
        do {
            return try MySQLConnection(options)
        } catch {
            throw SourceError.connecting(error, options: options)
        }
    }

    /// Where the dump starts: the stored or last position, else the configured start.
    private mutating func resolveStart(_ connection: MySQLConnection) throws(SourceError) -> DumpStart {
        do {
            if !serverIsMariaDB {
                gtidModeIsOn = try connection.queryValue("SELECT @@global.gtid_mode")?.uppercased() == "ON"
                if !gtidModeIsOn { executedGTIDs = nil }
            }
            if let position {
                // By GTID set only between transactions: a reconnect inside one resumes at the same event.
                if let set = position.gtidSet, gtidModeIsOn, transactions.isBetweenTransactions {
                    return .mysqlGTIDs(set)
                }
                // A position set by GTID (`binlogo position set … 0-1-1234`) has no file yet.
                if position.file.isEmpty, let gtid = position.gtid {
                    return .mariaDBGTID(gtid)
                }
                if position.file.isEmpty {
                    throw SourceError(.configuration, "the stored position \(position) needs gtid_mode=ON on \(connection.options.endpointDescription): turn it on, or store a FILE:POSITION with `binlogo position set`")
                }
                return .file(.init(file: position.file, position: position.position))
            }
            switch configuration.start {
            case .current:
                if gtidModeIsOn, let text = try connection.queryValue("SELECT @@global.gtid_executed") {
                    // After every transaction the server has: no race between a file position and a set.
                    let set = try MySQLGTIDSet(parsing: text)
                    executedGTIDs = set
                    return .mysqlGTIDs(set)
                }
                let statement = try MySQLServerVersion(of: connection).binlogStatusStatement
                guard let row = try connection.query(statement).first, let file = row[0],
                      let offset = row[1].flatMap({ UInt32($0) }) else {
                    throw SourceError(.preflight, "\(statement) is empty on \(connection.options.endpointDescription): is log_bin on?")
                }
                return .file(.init(file: file, position: offset))
            case .earliest:
                guard let file = try connection.query("SHOW BINARY LOGS").first?.first ?? nil else {
                    throw SourceError(.preflight, "SHOW BINARY LOGS is empty on \(connection.options.endpointDescription)")
                }
                return .file(.init(file: file, position: 4))
            case let .file(file, offset):
                return .file(.init(file: file, position: offset))
            case .mariaDBGTID(let gtid):
                guard serverIsMariaDB else {
                    throw SourceError(.configuration, "start \(gtid) is a MariaDB GTID but \(connection.options.endpointDescription) is MySQL: give a MySQL GTID set (uuid:1-100)")
                }
                return .mariaDBGTID(gtid)
            case .mysqlGTIDSet(let set):
                guard !serverIsMariaDB else {
                    throw SourceError(.configuration, "start \(set) is a MySQL GTID set but \(connection.options.endpointDescription) is MariaDB: give a MariaDB GTID (domain-server-sequence)")
                }
                guard gtidModeIsOn else {
                    throw SourceError(.configuration, "start \(set) is a GTID set but gtid_mode is not ON on \(connection.options.endpointDescription): start at FILE:POSITION, or turn GTIDs on (SET PERSIST enforce_gtid_consistency = ON; then gtid_mode OFF_PERMISSIVE, ON_PERMISSIVE, ON)")
                }
                executedGTIDs = set
                return .mysqlGTIDs(set)
            }
        } catch let error as SourceError {
            throw error
        } catch let error as MySQLError {
            throw SourceError.connecting(error)
        } catch {
            throw SourceError(.preflight, "@@global.gtid_executed on \(connection.options.endpointDescription) is not a GTID set: \(error)")
        }
    }

    /// Error 1236 means the server cannot send from there (purged, or past the end): fatal. Others: reconnect,
    /// also MySQL's 1236 that says another replica connected with this `server_id` (MariaDB says it with 4052):
    /// that one took the replication slot over, and may be gone by the next attempt.
    private func classify(_ error: MySQLError, at start: DumpStart) -> SourceError {
        if error.code == 1236, !error.message.contains("same server_uuid/server_id") {
            let place: String
            if case .mysqlGTIDs = start { place = "\(start)" } else { place = position.map { "\($0)" } ?? "\(start)" }
            return SourceError(.binlogPurged,
                               "the server cannot send the binlog from \(place) (\(error.message)): it was purged or never existed; set the pipeline's position with `binlogo position set` to go on, accepting the gap",
                               serverCode: error.code)
        }
        return SourceError.connecting(error)
    }

    private mutating func handle(_ bytes: UnsafeRawBufferPointer, onEvent: (SourceEvent) throws -> Void) throws {
        // A compressed transaction is handed on as the events inside it; only the last of them carries a next
        // position (the payload event's end), so the resume point stays at the payload until it is all handled.
        let outer = try decoder.decode(bytes)
        var next: DecodedEvent? = outer.event.isTransactionPayload ? try decoder.nextPayloadEvent() : outer
        while let decoded = next.take() {
            try handle(decoded, onEvent: onEvent)
            next = try decoder.nextPayloadEvent()
        }
    }

    private mutating func handle(_ decoded: consuming DecodedEvent, onEvent: (SourceEvent) throws -> Void) throws {
        /// A MySQL GTID event's transaction, which counts as read once its group ends.
        var startedGTID: (source: MySQLGTIDSet.SourceTag, number: Int64)?
        switch decoded.event {
        case .heartbeat, .formatDescription:
            return
        case let .rotate(file, nextPosition):
            // Reading goes on in the file the rotate names; its own header position belongs to the old file.
            position = SourcePosition(file: file, position: UInt32(truncatingIfNeeded: nextPosition), gtid: committedGTID,
                                      gtidSet: executedGTIDs)
            if decoded.header.isArtificial {
                if nextPosition > 0 { onDumpStart(position!) }
                return
            }
            try onEvent(SourceEvent(decoded: decoded, resumePosition: position!, transactionGTID: transactions.currentGTID,
                                    steps: TransactionSteps(), endsTransaction: false, endsEventGroup: false,
                                    mayResumeHere: transactions.mayResumeHere))
            return
        case .tableMap(var table) where !table.hasColumnNames:
            if let schema {
                if try schema.complete(&table) {
                    decoder.updateTable(table)
                } else if tablesWithStaleSchema.insert(table.tableID).inserted {
                    logger.warning("information_schema does not match the binlog's table map; columns are named @1, @2, …",
                                   metadata: ["table": "\(table.qualifiedName)", "position": "\(decoded.binlogFile):\(decoded.position)"])
                }
            }
        case .mysqlGTID(let gtid) where !gtid.isAnonymous:
            startedGTID = (MySQLGTIDSet.SourceTag(uuid: MySQLGTID.uuidText(gtid.sourceID), tag: gtid.tag ?? ""), gtid.transactionNumber)
        case .gtidState(let text) where !serverIsMariaDB && gtidModeIsOn:
            // PREVIOUS_GTIDS at the head of a file: every transaction of the files before it.
            var set = executedGTIDs ?? MySQLGTIDSet()
            do {
                set.formUnion(try MySQLGTIDSet(parsing: text))
            } catch {
                throw BinlogDecodingError(binlogFile: decoded.binlogFile, position: decoded.position, eventType: decoded.header.type,
                                          reason: "PREVIOUS_GTIDS \(text) is not a GTID set: \(error)")
            }
            executedGTIDs = set
        case let .incident(number, message):
            throw incident(decoded, number: number, message: message)
        default:
            break
        }
        // The assembler alone decides where transactions end; the table maps above are filled in first.
        let steps = try transactions.consume(decoded)
        if let schema { steps.forEach { if case .schemaChange = $0 { schema.invalidate() } } }
        if transactions.endedEventGroup {
            // None on MySQL with gtid_mode OFF, whose transactions are anonymous.
            committedGTID = transactions.currentGTID.isEmpty ? nil : transactions.currentGTID
            if let (source, number) = pendingGTID.take(), executedGTIDs != nil { executedGTIDs!.insert(source, number: number) }
        }
        // After the group before it ended (a GTID event also ends a group the stream cut short), never before.
        if case .mysqlGTID = decoded.event { pendingGTID = startedGTID }
        if decoded.header.nextPosition > 0 {
            position = SourcePosition(file: decoded.binlogFile, position: decoded.header.nextPosition, gtid: committedGTID,
                                      gtidSet: executedGTIDs)
        }
        defer { _ = control.eventHandled(betweenTransactions: transactions.isBetweenTransactions) }
        guard let position, !control.isStopping else { return }
        // Moved, not copied, into the event handed on: this runs for every event.
        try onEvent(SourceEvent(decoded: consume decoded, resumePosition: position, transactionGTID: transactions.currentGTID,
                                steps: consume steps, endsTransaction: transactions.mayCheckpointAfter,
                                endsEventGroup: transactions.endedEventGroup, mayResumeHere: transactions.mayResumeHere))
    }
}

extension SourceReader {
    /// An INCIDENT_EVENT stops the source: the server says changes may be missing from the binlog there, and
    /// only a person can judge whether the data downstream still holds; the error says how to go past it.
    func incident(_ decoded: DecodedEvent, number: UInt16, message: String) -> SourceError {
        let next = decoded.header.nextPosition > 0 ? UInt64(decoded.header.nextPosition) : decoded.position + UInt64(decoded.header.eventLength)
        let name = number == 1 ? " (LOST_EVENTS)" : ""
        let pipeline = logger[metadataKey: "pipeline"].map { "\($0)" } ?? "PIPELINE"
        return SourceError(.incident,
                           "\(decoded.binlogFile):\(decoded.position): the server logged incident \(number)\(name) \"\(message)\": changes may be missing from the binlog here, so the pipeline stops; check the data it reads against the server, then go past the incident with `binlogo position set --pipeline \(pipeline) \(decoded.binlogFile):\(next)` (with the daemon's --config) and start it again")
    }
}
