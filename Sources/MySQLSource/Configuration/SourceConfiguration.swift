/// Everything a `BinlogSource` needs: where the server is, how to register with it, where to start.
public struct SourceConfiguration: Sendable, Equatable {
    public var connection: MySQLConnectionOptions
    /// Where the password comes from; `connection.password` is filled from it at each connect.
    public var password: PasswordSource
    /// The replica id to register with; unique among the server's replicas, one per pipeline.
    public var serverID: UInt32
    /// Where to start when there is no stored position.
    public var start: StartPosition
    /// The server sends a heartbeat after this much quiet; silence for 3× this long means the connection is dead.
    public var heartbeatSeconds: Double
    public var reconnect: ReconnectPolicy
    /// Bytes of row events held for XA transactions between their start and their outcome
    /// (`source.xa_buffer_mb`); past it the pipeline stops with an error naming the setting.
    public var xaBufferLimitBytes: Int
    /// Bytes of a transaction's rows held until it ends (`source.transaction_lookahead_mb`), so that rows a
    /// ROLLBACK or ROLLBACK TO SAVEPOINT undid are never published; larger transactions stream past it.
    public var transactionLookAheadBytes: Int

    public init(connection: MySQLConnectionOptions, password: PasswordSource = .none, serverID: UInt32,
                start: StartPosition = .current, heartbeatSeconds: Double = 5, reconnect: ReconnectPolicy = ReconnectPolicy(),
                xaBufferLimitBytes: Int = 256 << 20, transactionLookAheadBytes: Int = 4 << 20) {
        self.connection = connection
        self.password = password
        self.serverID = serverID
        self.start = start
        self.heartbeatSeconds = heartbeatSeconds
        self.reconnect = reconnect
        self.xaBufferLimitBytes = xaBufferLimitBytes
        self.transactionLookAheadBytes = transactionLookAheadBytes
    }

    /// Connection options with the password resolved and the read timeout set from the heartbeat;
    /// a password or server key file that cannot serve is a `.configuration` error.
    public func resolvedConnection() throws(SourceError) -> MySQLConnectionOptions {
        var options = connection
        if password != .none {
            do { options.password = try password.resolve() } catch { throw SourceError(.configuration, error.description) }
        }
        if let keyFile = options.serverPublicKeyFile, let problem = ServerPublicKeyFile.problem(at: keyFile) {
            throw SourceError(.configuration, problem)
        }
        options.readTimeoutSeconds = UInt32(max(1, (heartbeatSeconds * 3).rounded(.up)))
        return options
    }
}

/// Exponential backoff between reconnect attempts: bounded, jittered.
public struct ReconnectPolicy: Sendable, Equatable {
    public var initialDelaySeconds: Double
    public var maximumDelaySeconds: Double
    /// Attempts before the source gives up and stops with the last error; nil retries forever.
    public var maximumAttempts: Int?

    public init(initialDelaySeconds: Double = 0.5, maximumDelaySeconds: Double = 30, maximumAttempts: Int? = nil) {
        self.initialDelaySeconds = initialDelaySeconds
        self.maximumDelaySeconds = maximumDelaySeconds
        self.maximumAttempts = maximumAttempts
    }

    /// The delay before attempt `attempt` (1-based): doubling from the initial delay up to the maximum, ±20 % jitter.
    public func delay(beforeAttempt attempt: Int) -> Double {
        let base = min(maximumDelaySeconds, initialDelaySeconds * Double(1 << min(attempt - 1, 30)))
        return base * Double.random(in: 0.8...1.2)
    }
}
