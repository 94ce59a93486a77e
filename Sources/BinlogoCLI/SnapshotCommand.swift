import ArgumentParser
import Foundation
import MySQLSource
import Pipeline

/// `binlogo snapshot start|cancel|pause|resume --config F --pipeline P …`: asks a running pipeline for a snapshot of
/// chosen tables (optionally of the rows meeting a condition), or cancels the one under way, by inserting
/// a row into the pipeline's signal table (`snapshot.signal_table`) on the source server. The row reaches
/// the pipeline through the binlog itself, on every node that runs it, in order with the changes around it;
/// the pipeline's progress shows in `binlogo status`.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Ask a running pipeline for a snapshot of chosen tables, or cancel one.",
        subcommands: [Start.self, Cancel.self, Pause.self, Resume.self])

    struct Options: ParsableArguments {
        @Option(help: "The main configuration file.")
        var config: String = "/etc/binlogo/binlogo.yaml"

        @Option(help: "The pipeline's name.")
        var pipeline: String
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Snapshot the tables given, while the pipeline streams.")
        @OptionGroup var options: Options

        @Option(name: .customLong("table"), help: "A table to read, as database.table (repeat for more).")
        var tables: [String] = []

        @Option(name: .customLong("where"), help: "SQL the rows must meet, e.g. \"id > 1000\" (read with the pipeline's user).")
        var condition: String?

        func validate() throws {
            if tables.isEmpty { throw ValidationError("name the tables to read with --table database.table") }
            if let bad = tables.first(where: { $0.split(separator: ".", omittingEmptySubsequences: false).count != 2 }) {
                throw ValidationError("--table \(bad) is not database.table")
            }
            if let condition, let problem = SnapshotCondition.problem(condition) {
                throw ValidationError("--where: \(problem)")
            }
        }

        func run() throws {
            try SignalWriter(options: options).insert(action: "snapshot", tables: tables.joined(separator: ","), condition: condition)
            print("\(options.pipeline): snapshot of \(tables.joined(separator: ", "))\(condition.map { " where \($0)" } ?? "") requested; `binlogo status` shows its progress")
        }
    }

    struct Cancel: BareSignalCommand {
        static let configuration = CommandConfiguration(abstract: "End the snapshot under way where it stands.")
        static let action = "cancel"
        @OptionGroup var options: Options
    }

    struct Pause: BareSignalCommand {
        static let configuration = CommandConfiguration(abstract: "Hold the snapshot under way before its next chunk (kept across restarts).")
        static let action = "pause"
        @OptionGroup var options: Options
    }

    struct Resume: BareSignalCommand {
        static let configuration = CommandConfiguration(abstract: "Go on with a paused snapshot.")
        static let action = "resume"
        @OptionGroup var options: Options
    }
}

/// A `binlogo snapshot` subcommand whose signal is its action alone (no tables, no condition).
private protocol BareSignalCommand: ParsableCommand {
    static var action: String { get }
    var options: SnapshotCommand.Options { get }
}

extension BareSignalCommand {
    func run() throws {
        try SignalWriter(options: options).insert(action: Self.action, tables: nil, condition: nil)
        print("\(options.pipeline): \(Self.action) requested")
    }
}

/// Inserts a signal row for one pipeline, with each failure a person can fix named with its fix.
private struct SignalWriter {
    let options: SnapshotCommand.Options

    func insert(action: String, tables: String?, condition: String?) throws {
        let pipeline = try configuredPipeline(options.pipeline, in: options.config, command: "binlogo snapshot").pipeline
        guard let table = pipeline.snapshot.signalTable else {
            throw CommandFailure("binlogo snapshot: pipeline \(options.pipeline) has no signal table; add `snapshot: {signal_table: binlogo.signals}` to it in \(options.config), reload the daemon (SIGHUP), and create the table")
        }
        let connectionOptions: MySQLConnectionOptions
        let connection: MySQLConnection
        do {
            connectionOptions = try pipeline.source.resolvedConnection()
            connection = try MySQLConnection(connectionOptions)
        } catch {
            throw CommandFailure("binlogo snapshot: \(error)")
        }
        let quotedTable = SignalTable(name: table, pipeline: options.pipeline).quotedName
        let values = [options.pipeline, action, tables, condition].map { $0.map(SignalTable.textLiteral) ?? "NULL" }.joined(separator: ", ")
        do {
            try connection.execute("INSERT INTO \(quotedTable) (pipeline, action, tables, `condition`) VALUES (\(values))")
        } catch where error.code == 1146 {
            throw CommandFailure("binlogo snapshot: the signal table \(table) does not exist; create it: \(SnapshotSignal.createTable(quotedTable));")
        } catch where error.code == 1142 {
            // The server checks privileges before it looks for the table: it may be missing too.
            let grant = "GRANT INSERT ON \(quotedTable) TO '\(SchemaCache.quote(connectionOptions.user))'@'%';"
            let parts = table.split(separator: ".").map { SchemaCache.quote(String($0)) }
            let exists = (try? connection.queryValue(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\(parts[0])' AND TABLE_NAME = '\(parts[1])'")) ?? nil
            if exists == "0" {
                throw CommandFailure("binlogo snapshot: the signal table \(table) does not exist (or \(connectionOptions.user) cannot see it) and \(connectionOptions.user) may not insert into it; as an administrator, create it and grant it: \(SnapshotSignal.createTable(quotedTable)); \(grant)")
            }
            throw CommandFailure("binlogo snapshot: \(connectionOptions.user) may not insert into \(table); grant it: \(grant)")
        } catch {
            throw CommandFailure("binlogo snapshot: \(error)")
        }
    }
}
