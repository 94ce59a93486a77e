/// Where and how to reach a MySQL or MariaDB server.
public struct MySQLConnectionOptions: Sendable, Equatable {
    /// Host name or address for TCP; ignored when `socketPath` is set.
    public var host: String
    public var port: UInt32
    /// A unix socket path; when set, it is used instead of TCP.
    public var socketPath: String?
    public var user: String
    public var password: String?
    /// Default database for queries, if any.
    public var database: String?
    public var connectTimeoutSeconds: UInt32
    /// How long a read may block; replication sets it above the heartbeat period.
    public var readTimeoutSeconds: UInt32

    public init(
        host: String = "127.0.0.1",
        port: UInt32 = 3306,
        socketPath: String? = nil,
        user: String,
        password: String? = nil,
        database: String? = nil,
        connectTimeoutSeconds: UInt32 = 10,
        readTimeoutSeconds: UInt32 = 60
    ) {
        self.host = host
        self.port = port
        self.socketPath = socketPath
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
    }

    /// `user@host:port` or `user@socket`, for messages; never includes the password.
    public var endpointDescription: String {
        if let socketPath { return "\(user)@\(socketPath)" }
        return "\(user)@\(host):\(port)"
    }
}
