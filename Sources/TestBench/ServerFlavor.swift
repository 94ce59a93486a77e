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

    public var description: String {
        switch self {
        case .mariadb: "MariaDB"
        case .mysql: "MySQL"
        }
    }
}
