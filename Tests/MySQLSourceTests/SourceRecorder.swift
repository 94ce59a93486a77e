import BinlogDecoder
import Foundation
import Logging
import MySQLSource
import Synchronization
import TestBench

/// Runs a `BinlogSource` and records what it hands downstream: each row change as
/// `database.table kind {values}`, each DDL, and the positions it reports.
final class SourceRecorder: Sendable {
    struct Recorded: Equatable, CustomStringConvertible {
        let table: String
        let kind: String
        /// The row image as JSON text (new for inserts and updates, old for deletes), keys in column order.
        let row: String
        var description: String { "\(table) \(kind) \(row)" }
    }

    /// One event handed downstream: where it is, and where reading would resume after it.
    struct HandedOn: Sendable {
        let file: String
        let position: UInt64
        let resumePosition: SourcePosition
        let endsTransaction: Bool
    }

    private struct State {
        var marker = CommitMarker()
        var changes: [Recorded] = []
        var ddl: [String] = []
        var lastPosition: SourcePosition?
        var handedOn: [HandedOn] = []
        var stopError: SourceError?
        var stopped = false
        var reconnects = 0
    }

    private final class Box: Sendable {
        let state = Mutex(State())
    }

    let source: BinlogSource
    private let box = Box()
    private let database: String

    /// - Parameters:
    ///   - pipeline: the pipeline name in the source's log metadata, as a pipeline's runner sets it.
    ///   - logger: where the source logs; by default warnings and errors to standard error.
    init(configuration: SourceConfiguration, database: String, from stored: SourcePosition? = nil, pipeline: String? = nil,
         logger: Logger? = nil) {
        var defaultLogger = Logger(label: "binlogo.test.source")
        defaultLogger.logLevel = .warning
        var logger = logger ?? defaultLogger
        if let pipeline { logger[metadataKey: "pipeline"] = "\(pipeline)" }
        source = BinlogSource(configuration: configuration, logger: logger)
        self.database = database
        let box = self.box
        source.start(from: stored, onEvent: { event in
            box.state.withLock { state in
                state.lastPosition = event.resumePosition
                state.handedOn.append(HandedOn(file: event.decoded.binlogFile, position: event.decoded.position,
                                               resumePosition: event.resumePosition, endsTransaction: event.endsTransaction))
                let record: (Change) -> Void = { change in
                    switch change {
                    case let .row(rows, row, _):
                        guard rows.table.database == database else { return }
                        let writer = JSONWriter()
                        try? rows.writeImage(row: row, image: rows.kind == .delete ? .before : .after, excluded: nil, to: writer)
                        state.changes.append(Recorded(table: rows.table.table, kind: rows.kind.rawValue,
                                                    row: String(decoding: writer.bytes, as: UTF8.self)))
                    case let .ddl(schemaChange, _):
                        if schemaChange.targets.contains(where: { $0.database == database }) || schemaChange.query.statement.contains(database) {
                            state.ddl.append(schemaChange.query.statement)
                        }
                    }
                }
                for step in event.steps { state.marker.take(step, emit: record, notice: { _ in }) }
            }
        }, onStop: { error in
            box.state.withLock {
                $0.stopError = error
                $0.stopped = true
            }
        }, onReconnect: {
            box.state.withLock { $0.reconnects += 1 }
        })
    }

    var changes: [Recorded] { box.state.withLock { $0.changes } }
    var ddl: [String] { box.state.withLock { $0.ddl } }
    var lastPosition: SourcePosition? { box.state.withLock { $0.lastPosition } }
    var handedOn: [HandedOn] { box.state.withLock { $0.handedOn } }
    var stopError: SourceError? { box.state.withLock { $0.stopError } }
    var isStopped: Bool { box.state.withLock { $0.stopped } }
    /// How many times the source went to reconnect.
    var reconnects: Int { box.state.withLock { $0.reconnects } }

    /// Waits until `condition` holds on the recorded changes, at most `seconds`.
    @discardableResult
    func wait(seconds: Double = 30, until condition: ([Recorded]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(changes) { return true }
            if isStopped { return condition(changes) }
            usleep(20_000)
        }
        return false
    }

    func waitUntilStopped(seconds: Double = 30) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isStopped { return true }
            usleep(20_000)
        }
        return false
    }

    func stop() {
        source.stop()
        source.waitUntilStopped()
    }
}
