import Foundation
import KafkaOutput
import MySQLSource
import Pipeline
import TestBench
import Testing

/// Where messages go and with which key: DDL by the tables it changes (not the session's database),
/// keys that name their table, a primary key change split so each key stays in one partition, and
/// account-management statements never published.
@Suite(.serialized) struct RoutingTests {
    private func create(_ connection: MySQLConnection, _ statements: [String]) throws {
        for statement in statements { try connection.execute(statement) }
    }

    @Test func ddlIsFilteredRoutedAndNamedByTheTablesItChanges() throws {
        let cluster = try KafkaMockProcess.shared()
        let other = try TestDatabase.create(prefix: "ddl_other")
        let harness = try PipelineHarness(prefix: "ddl", topicTemplate: "binlogo.{database}.{table}",
                                          filters: { .init(include: ["\($0).*"], exclude: ["\($0).hidden"]) })
        let shop = harness.database.name
        for table in ["products", "renamed", "hidden"] { try cluster.control("create-topic binlogo.\(shop).\(table) 1 1") }
        try cluster.control("create-topic binlogo.\(shop) 1 1")
        let connection = try harness.database.connect()
        try connection.execute("CREATE TABLE products (id INT PRIMARY KEY)")
        try connection.execute("CREATE TABLE hidden (id INT PRIMARY KEY)")
        try harness.start()
        defer { harness.runner.stop() }

        // A session with no default database, and one whose default database is another one.
        let noDefault = try MySQLConnection(harness.database.sandbox.connectionOptions())
        try noDefault.execute("ALTER TABLE `\(shop)`.products ADD COLUMN name VARCHAR(20)")
        try connection.execute("CREATE TABLE `\(other.name)`.secret (id INT PRIMARY KEY)")
        try connection.execute("ALTER TABLE hidden ADD COLUMN note VARCHAR(20)")
        try noDefault.execute("RENAME TABLE `\(shop)`.products TO `\(shop)`.renamed")
        try noDefault.execute("ALTER DATABASE `\(shop)` CHARACTER SET utf8mb4")
        #expect(try harness.waitForCheckpointAtEnd())
        // The server's own view of what happened: the table moved, the other database's table exists.
        let tables = try noDefault.query(
            "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('\(shop)', '\(other.name)') ORDER BY 1, 2")
            .map { "\($0[0] ?? "").\($0[1] ?? "")" }
        #expect(tables == ["\(shop).hidden", "\(shop).renamed", "\(other.name).secret"].sorted())

        let products = try PipelineHarness.values(harness.messages(topic: "binlogo.\(shop).products"))
        #expect(products.map { $0.head["type"] as? String } == ["ddl", "ddl"], "ALTER and RENAME of products")
        #expect(products.allSatisfy { $0.head["database"] as? String == shop && $0.head["table"] as? String == "products" })
        #expect(((products.first?["data"] as? [String: Any])?["sql"] as? String)?.contains("ADD COLUMN name") == true)
        #expect(try harness.messages(topic: "binlogo.\(shop).hidden").isEmpty, "DDL of an excluded table is filtered")
        let database = try PipelineHarness.values(harness.messages(topic: "binlogo.\(shop)"))
        #expect(database.count == 1 && database.first?.head["table"] as? String == "", "ALTER DATABASE, on the database's topic")
        let everything = try harness.messages(topic: "binlogo.\(shop).products") + harness.messages(topic: "binlogo.\(shop)")
        #expect(!everything.contains { $0.valueText.contains("secret") }, "another database's DDL is not this pipeline's")
        #expect(everything.allSatisfy { $0.keyText?.hasPrefix("{\"database\":\"\(shop)\"") == true }, "\(everything.map(\.keyText))")
    }

    @Test func keysNameTheirTableLeaveExcludedColumnsOutAndFollowAPrimaryKeyChange() throws {
        let harness = try PipelineHarness(
            prefix: "keys", filters: { .init(include: ["\($0).*"], excludeColumns: ["\($0).people": ["ssn"]]) }, partitions: 4)
        let connection = try harness.database.connect()
        try create(connection, [
            "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(10))", "CREATE TABLE b (id INT PRIMARY KEY, v VARCHAR(10))",
            "CREATE TABLE people (ssn VARCHAR(11), region INT, name VARCHAR(20), PRIMARY KEY (ssn, region))",
        ])
        try harness.start()
        defer { harness.runner.stop() }
        try create(connection, [
            "INSERT INTO a VALUES (1, 'a1')", "INSERT INTO b VALUES (1, 'b1')",
            "INSERT INTO people VALUES ('123-45-6789', 7, 'Ann')",
            "UPDATE a SET id = 2 WHERE id = 1", "INSERT INTO a VALUES (1, 'again')", "UPDATE a SET v = 'x' WHERE id = 1",
        ])
        #expect(try harness.waitForCheckpointAtEnd())
        let messages = try harness.messages()
        let database = harness.database.name
        func key(_ table: String, _ pk: String) -> String { "{\"database\":\"\(database)\",\"table\":\"\(table)\",\"primary_key\":\(pk)}" }

        let keys = Set(messages.compactMap(\.keyText))
        #expect(keys == [key("a", "{\"id\":1}"), key("a", "{\"id\":2}"), key("b", "{\"id\":1}"), key("people", "{\"region\":7}")],
                "\(keys)")
        #expect(!messages.contains { ($0.keyText ?? "").contains("123-45") || $0.valueText.contains("123-45") }, "ssn is excluded")

        // The key change: a delete under the old key and an insert under the new one; the old key's later
        // changes come after that delete, in the same partition.
        let oldKey = messages.filter { $0.keyText == key("a", "{\"id\":1}") }.sorted { $0.offset < $1.offset }
        #expect(Set(oldKey.map(\.partition)).count == 1)
        let oldKeyValues = try PipelineHarness.values(oldKey)
        #expect(oldKeyValues.map { $0.head["type"] as? String } == ["insert", "delete", "insert", "update"])
        #expect(oldKeyValues[1].head["primary_key_changed"] as? Bool == true)
        #expect(oldKeyValues[1].head["commit"] as? Bool == false, "the delete is not the transaction's last message")
        let newKey = try PipelineHarness.values(messages.filter { $0.keyText == key("a", "{\"id\":2}") })
        #expect(newKey.map { $0.head["type"] as? String } == ["insert"])
        #expect(newKey.first?.head["primary_key_changed"] as? Bool == true && newKey.first?.head["commit"] as? Bool == true)
        // What the server holds now, rebuilt key by key: each key's messages are in one partition, in order.
        let rows = try connection.query("SELECT id, v FROM a ORDER BY id").map { "\($0[0] ?? ""):\($0[1] ?? "")" }
        var rebuilt: [Int: String] = [:]
        for (_, keyed) in Dictionary(grouping: messages.filter { $0.keyText?.contains("\"table\":\"a\"") == true }, by: { $0.keyText! }) {
            for value in try PipelineHarness.values(keyed.sorted { $0.offset < $1.offset }) {
                if value.head["type"] as? String == "delete" {
                    if let id = value.oldImage?["id"] as? Int { rebuilt[id] = nil }
                } else if let new = value.newImage, let id = new["id"] as? Int {
                    rebuilt[id] = new["v"] as? String
                }
            }
        }
        #expect(rebuilt.keys.sorted().map { "\($0):\(rebuilt[$0] ?? "")" } == rows)
    }

    @Test func accountManagementStatementsAreNeverPublished() throws {
        // Every database: the other suites' rows on the shared server come too, so partitions enough that the
        // mock cluster (5 MB per partition) keeps this test's own statements.
        let harness = try PipelineHarness(prefix: "accounts", filters: { _ in .init() }, partitions: 24)
        let connection = try harness.database.connect()
        let user = "u_\(harness.database.name)"
        let password = "pw-\(UUID().uuidString.prefix(12))"
        try harness.start()
        defer { harness.runner.stop() }
        let accounts = PasswordStatements(flavor: harness.database.sandbox.flavor, user: user, password: password,
                                          database: harness.database.name)
        try create(connection, accounts.statements)
        let hash = try accounts.loggedSecret(over: connection)
        try create(connection, [
            "CREATE TABLE after_accounts (id INT PRIMARY KEY)", "INSERT INTO after_accounts VALUES (1)",
            "DROP USER '\(user)'@'%'",
            // DDL that carries a credential in its text: published with its literals redacted.
            "CREATE TABLE linked (id INT PRIMARY KEY) COMMENT 'wrapper \"mysql\", user \"app\", password \"\(password)-5\"'",
            "CREATE PROCEDURE make_user() BEGIN CREATE USER 'p_\(user)'@'%' IDENTIFIED BY '\(password)-6'; END",
        ])
        #expect(try harness.waitForCheckpointAtEnd())
        let messages = try harness.messages()
        #expect(try PipelineHarness.values(messages).contains { $0.newImage?["id"] as? Int == 1 }, "the stream went on past them")
        #expect(!messages.contains { $0.valueText.contains(password) || $0.valueText.contains(hash) || $0.valueText.contains("'\(user)'") },
                "no account statement, password or hash reaches Kafka")
        let ddl = try PipelineHarness.values(messages).compactMap { ($0["data"] as? [String: Any])?["sql"] as? String }
        #expect(ddl.contains { $0.contains("CREATE TABLE linked") && $0.contains("<redacted>") }, "\(ddl)")
        #expect(ddl.contains { $0.contains("CREATE") && $0.contains("PROCEDURE") && $0.contains("<redacted>") }, "\(ddl)")
    }
}
