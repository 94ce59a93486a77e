import Foundation

/// Which database server a sandbox runs: the test bench has one of each.
public enum ServerFlavor: String, Sendable, CaseIterable, CustomStringConvertible {
    /// MariaDB 10.11 from Debian 12 (`scripts/mariadb-sandbox.sh`).
    case mariadb
    /// MySQL 9.x from Debian sid, run through its own loader (`scripts/mysql-sandbox.sh`).
    case mysql

    /// The script that starts and stops a sandbox of this flavor.
    var script: String {
        switch self {
        case .mariadb: "mariadb-sandbox.sh"
        case .mysql: "mysql-sandbox.sh"
        }
    }

    /// The prefix of the variables `scripts/test.sh` exports for the shared server of this flavor
    /// (`PREFIX_HOST`, `PREFIX_PORT`, `PREFIX_SOCKET`).
    var environmentPrefix: String {
        switch self {
        case .mariadb: "BINLOGO_MYSQL"
        case .mysql: "BINLOGO_MYSQL9"
        }
    }

    /// The server the suites that exercise "a server" run against: `BINLOGO_TEST_SERVER` (`mariadb`, the
    /// default, or `mysql`). `scripts/test.sh` runs the whole suite once with each.
    public static var underTest: ServerFlavor {
        get throws {
            let value = ProcessInfo.processInfo.environment["BINLOGO_TEST_SERVER"] ?? ""
            if value.isEmpty { return .mariadb }
            guard let flavor = ServerFlavor(rawValue: value.lowercased()) else {
                throw TestBenchError("BINLOGO_TEST_SERVER=\(value) is not a server of the test bench: use mariadb or mysql")
            }
            return flavor
        }
    }

    public var description: String {
        switch self {
        case .mariadb: "MariaDB"
        case .mysql: "MySQL"
        }
    }
}
