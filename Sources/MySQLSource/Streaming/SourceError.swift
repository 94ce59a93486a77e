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

    /// A connection failure with what to check; `options` are the connection's, for a hint that fits them.
    static func connecting(_ error: MySQLError, options: MySQLConnectionOptions? = nil) -> SourceError {
        let hint: String?
        switch error.code {
        case 1045:
            if let keyFile = options?.serverPublicKeyFile, options?.isPlainTCP == true {
                hint = "check the user and password, and that mysql.server_public_key_file \(keyFile) is this server's public key"
            } else {
                hint = "check the user and password"
            }
        case 1044, 1227: hint = "grant the user REPLICATION SLAVE, REPLICATION CLIENT and SELECT"
        case 2002, 2003, 2005, 2006, 2013: hint = "check host, port or socket, and that the server is up"
        case 2026 where error.happenedWhileConnecting: hint = "check the TLS settings (CA, certificate, key) and that the server offers TLS"
        case 2026: hint = "the TLS connection broke; check that the server is up"
        // binlogo's caching_sha2_password/sha256_password plugins name the setting and the fix themselves.
        case 2061: hint = nil
        case 3159: hint = "the server accepts only TLS connections (require_secure_transport=ON): set the pipeline's mysql.tls.ca"
        case 1251, 2059:
            hint = "libmariadb cannot use the user's authentication plugin: create the user IDENTIFIED WITH caching_sha2_password (MySQL) or mysql_native_password/ed25519 (MariaDB)"
        default: hint = "see the server's error"
        }
        // The server refusing the user, the TLS handshake or the key exchange will not heal by retrying; a network
        // error may, and so does a TLS error on a connection that was up (2026 is also what a dropped TLS stream reads).
        let refused = [1044, 1045, 1227, 1251, 2059, 2061, 3159].contains(error.code) || (error.code == 2026 && error.happenedWhileConnecting)
        return SourceError(refused ? .refused : .connection, hint.map { "\(error): \($0)" } ?? "\(error)", serverCode: error.code)
    }
}
