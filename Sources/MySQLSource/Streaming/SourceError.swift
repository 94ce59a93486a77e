/// Why a source cannot stream, as one line that names the setting and the fix.
public struct SourceError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The server's settings or the user's grants do not allow streaming (preflight).
        case preflight
        /// Cannot reach the server, or the connection broke; the source retries with backoff.
        case connection
        /// The server refused the user (password, grants) or the TLS settings; not retried.
        case refused
        /// The binlog needed to resume is gone from the server: the pipeline cannot continue without a gap.
        case binlogPurged
        /// The binlog holds something binlogo refuses to decode.
        case decoding
        /// The server logged an INCIDENT_EVENT: changes may be missing from the binlog there. The source stops
        /// until a person moves the pipeline's position past it (`binlogo position set`).
        case incident
        /// A password that cannot be read, a start position that does not fit the server.
        case configuration
        /// What the source handed downstream failed there; the source stopped.
        case downstream
    }

    public let kind: Kind
    public let description: String
    /// The server's error number, when the server said no.
    public let serverCode: UInt32?

    public init(_ kind: Kind, _ description: String, serverCode: UInt32? = nil) {
        self.kind = kind
        self.description = description
        self.serverCode = serverCode
    }

    /// A connection failure with what to check.
    static func connecting(_ error: MySQLError) -> SourceError {
        let hint: String
        switch error.code {
        case 1045: hint = "check the user and password"
        case 1044, 1227: hint = "grant the user REPLICATION SLAVE, REPLICATION CLIENT and SELECT"
        case 2002, 2003, 2005, 2006, 2013: hint = "check host, port or socket, and that the server is up"
        case 2026: hint = "check the TLS settings (CA, certificate, key) and that the server offers TLS"
        default: hint = "see the server's error"
        }
        // The server refusing the user or the TLS handshake will not heal by retrying; a network error may.
        let refused = [1044, 1045, 1227, 2026].contains(error.code)
        return SourceError(refused ? .refused : .connection, "\(error): \(hint)", serverCode: error.code)
    }
}
