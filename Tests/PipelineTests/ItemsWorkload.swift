import MySQLSource
import TestBench

/// The message format tests' table and changes: two rows inserted by one statement, the first updated,
/// then moved to another key, the second deleted.
enum ItemsWorkload {
    static let createTable = """
        CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2), seen TIMESTAMP(3) NULL,
                            tags SET('a','b','c'), doc JSON)
        """

    /// Makes the changes; returns the first row's price, seen, tags and doc as the server prints them
    /// after the insert (the TIMESTAMP in UTC).
    static func run(on database: TestDatabase, _ connection: MySQLConnection) throws -> [String?] {
        try connection.execute("""
            INSERT INTO items VALUES (1, 'Kaffee ☕', 4.50, '2026-11-25 09:30:00.125', 'a,c', '{"n": [1, 2.5], "s": "x"}'),
                                     (2, 'Tee', 3.00, NULL, '', NULL)
            """)
        let utc = try database.connect()
        try utc.execute("SET time_zone = '+00:00'")
        let row = try utc.query("SELECT CAST(price AS CHAR), CAST(seen AS CHAR), CAST(tags AS CHAR), CAST(doc AS CHAR) FROM items WHERE id = 1")
        try connection.execute("UPDATE items SET name = 'Espresso', price = 4.90 WHERE id = 1")
        try connection.execute("UPDATE items SET id = 3 WHERE id = 1")
        try connection.execute("DELETE FROM items WHERE id = 2")
        return row.first ?? []
    }
}
