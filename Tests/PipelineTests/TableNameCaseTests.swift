import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Names in the configuration match as the server matches them: column names in any case always (MySQL's
/// rule), table names in any case where `lower_case_table_names` says so. A mismatch here is silent in the
/// worst way: an excluded secret published, a filtered table never read.
@Suite(.serialized) struct TableNameCaseTests {
    @Test func excludedColumnsAreLeftOutWhateverTheCaseTheConfigurationWritesThem() throws {
        let harness = try PipelineHarness(prefix: "colcase", filters: { database in
            .init(include: ["\(database).*"], excludeColumns: ["\(database).users": ["PassWord", "api_token"]])
        })
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20), password VARCHAR(40), API_TOKEN VARCHAR(40))")
        try harness.start()
        try connection.execute("INSERT INTO users VALUES (1, 'ada', 'secret-1', 'token-1'), (2, 'bob', 'secret-2', 'token-2')")
        try connection.execute("UPDATE users SET password = 'secret-3', name = 'bea' WHERE id = 2")
        try connection.execute("DELETE FROM users WHERE id = 1")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()

        let messages = try harness.messages()
        #expect(messages.count == 4, "\(messages.count) messages")
        for message in messages {
            let text = String(decoding: message.value, as: UTF8.self)
            #expect(!text.contains("secret") && !text.contains("token-"), "an excluded column was published: \(text)")
            #expect(!text.lowercased().contains("password") && !text.lowercased().contains("api_token"), "\(text)")
        }
        var rebuilt = TableRebuilder()
        try rebuilt.apply(messages)
        let expected = TableRebuilder.select(try connection.query("SELECT id, name FROM users"), columns: ["id", "name"])
        #expect(TableRebuilder.firstDifferences(rebuilt.tables["\(harness.database.name).users"] ?? [:], expected) == nil)
    }

    /// On a server started with `lower_case_table_names = 1` (tables stored, and named in the binlog, in lower
    /// case), a configuration that writes the names as the application's SQL does: include and exclude
    /// patterns, a topic override, excluded columns, the signal table and a snapshot request.
    @Test func aServerWithCaseInsensitiveTableNamesMatchesTheConfiguredNamesInAnyCase() throws {
        let sandbox = try SandboxServer.start(try ServerFlavor.underTest, options: ["--lower-case-table-names=1"])
        defer { try? sandbox.stop() }
        let cluster = try KafkaMockProcess.shared()
        let ordersTopic = try cluster.newTopic("lctn-orders", partitions: 3)
        let harness = try PipelineHarness(prefix: "lctn", sandbox: sandbox, filters: { database in
            let shouted = database.uppercased()
            return .init(include: ["\(shouted).Orders", "\(shouted).Users", "\(shouted).Orders_*"], exclude: ["\(shouted).ORDERS_ARCHIVE"],
                         excludeColumns: ["\(shouted).Users": ["password"]])
        }, adjust: { configuration in
            let shouted = configuration.filters.include[0].split(separator: ".")[0]
            if case .kafka(var kafka) = configuration.output {
                kafka.topic = try! TopicTemplate(kafka.topic.template, overrides: ["\(shouted).ORDERS": ordersTopic])
                configuration.output = .kafka(kafka)
            }
            configuration.snapshot = SnapshotConfiguration(mode: .never, chunkRows: 100, signalTable: "\(shouted).Signals")
        })
        let shouted = harness.database.name.uppercased()
        let connection = try harness.database.connect()
        #expect(try connection.queryValue("SELECT @@lower_case_table_names") == "1")
        try connection.execute(SnapshotSignal.createTable("Signals"))
        try connection.execute("CREATE TABLE Orders (id INT PRIMARY KEY, v INT)")
        try connection.execute("CREATE TABLE Users (id INT PRIMARY KEY, name VARCHAR(20), password VARCHAR(40))")
        try connection.execute("CREATE TABLE Orders_Archive (id INT PRIMARY KEY)")
        try connection.execute("INSERT INTO Orders SELECT seq, 0 FROM \(numbers(1...1_000))")
        try harness.start()

        try connection.execute("INSERT INTO Signals (pipeline, action, tables) VALUES ('lctn', 'snapshot', '\(shouted).ORDERS')")
        // Half the rows change while they are read; the other half reach the topic only through the snapshot.
        for round in 1...10 { try connection.execute("UPDATE Orders SET v = \(round) WHERE id % 20 = \(round)") }
        try connection.execute("INSERT INTO Users VALUES (1, 'ada', 'secret-1')")
        try connection.execute("INSERT INTO Orders_Archive VALUES (1)")
        #expect(waitUntil(seconds: 60) { harness.runner.savedCheckpoint?.snapshot?.isDone == true },
                "the requested snapshot ends: \(String(describing: harness.runner.savedCheckpoint))")
        #expect(try harness.waitForCheckpointAtEnd())
        harness.runner.stop()

        let orders = try harness.messages(topic: ordersTopic)
        let orderValues = try PipelineHarness.values(orders)
        // Rows the writer changed while their chunk was read come from the stream instead (the window).
        let readIDs = orderValues.filter { $0.head["type"] as? String == "read" }.compactMap { $0.newImage?["id"] as? Int }
        #expect(readIDs.count >= 500 && Set(readIDs).count == readIDs.count, "\(readIDs.count) reads, each row at most once")
        let tableNames = Set(orderValues.map { "\($0.head["database"] ?? "").\($0.head["table"] ?? "")" })
        #expect(tableNames == ["\(harness.database.name).orders"], "snapshot and stream name the table as the binlog does: \(tableNames)")
        var rebuilt = TableRebuilder()
        try rebuilt.apply(orders)
        let expected = TableRebuilder.select(try connection.query("SELECT id, v FROM orders"), columns: ["id", "v"])
        #expect(TableRebuilder.firstDifferences(rebuilt.tables["\(harness.database.name).orders"] ?? [:], expected) == nil,
                "\(TableRebuilder.firstDifferences(rebuilt.tables["\(harness.database.name).orders"] ?? [:], expected) ?? "")")

        let others = try PipelineHarness.values(try harness.messages())
        #expect(others.map { $0.head["table"] as? String } == ["users"], "only the users row, on the default topic: \(others)")
        #expect(others.first?.newImage?["password"] == nil && others.first?.newImage?["name"] as? String == "ada")
    }
}
