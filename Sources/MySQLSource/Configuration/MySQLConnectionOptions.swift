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
    /// TLS to the server; nil for none (a unix socket needs none).
    public var tls: TLSOptions?
    /// A PEM file with the server's RSA public key (`mysql.server_public_key_file`): over plain TCP,
    /// caching_sha2_password and sha256_password encrypt the password with it.
    public var serverPublicKeyFile: String?
    /// Over plain TCP without `serverPublicKeyFile`, ask the server for its RSA public key
    /// (`mysql.get_server_public_key`, MySQL's `--get-server-public-key`). Off by default: a man in the
    /// middle could send his own key and read the password.
    public var getServerPublicKey: Bool

    public init(
        host: String = "127.0.0.1",
        port: UInt32 = 3306,
        socketPath: String? = nil,
        user: String,
        password: String? = nil,
        database: String? = nil,
        connectTimeoutSeconds: UInt32 = 10,
        readTimeoutSeconds: UInt32 = 60,
        tls: TLSOptions? = nil,
        serverPublicKeyFile: String? = nil,
        getServerPublicKey: Bool = false
    ) {
        self.host = host
        self.port = port
        self.socketPath = socketPath
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
        self.tls = tls
        self.serverPublicKeyFile = serverPublicKeyFile
        self.getServerPublicKey = getServerPublicKey
    }

    /// The password crosses the network unprotected unless encrypted: TCP without TLS.
    var isPlainTCP: Bool { socketPath == nil && tls == nil }

    /// `user@host:port` or `user@socket`, for messages; never includes the password.
    public var endpointDescription: String {
        if let socketPath { return "\(user)@\(socketPath)" }
        return "\(user)@\(host):\(port)"
    }
}

/// TLS settings for the connection to the server.
public struct TLSOptions: Sendable, Equatable {
    /// PEM file of the certificate authority that signed the server's certificate.
    public var caFile: String?
    /// Client certificate and key, for servers that require them.
    public var certificateFile: String?
    public var keyFile: String?
    /// Check the server's certificate against the CA and its host name (on by default).
    public var verifyServerCertificate: Bool

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, verifyServerCertificate: Bool = true) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.verifyServerCertificate = verifyServerCertificate
    }
}
