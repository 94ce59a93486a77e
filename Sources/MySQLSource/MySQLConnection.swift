import CMariaDB
import CMySQLAuth

/// One libmariadb connection (`MYSQL *`), for queries and as the carrier of a replication stream.
///
/// Not thread-safe: one thread uses it at a time. The only call that may come from
/// another thread is `interrupt()`, which unblocks a read in progress.
public final class MySQLConnection {
    let handle: UnsafeMutablePointer<MYSQL>
    public let options: MySQLConnectionOptions

    public init(_ options: MySQLConnectionOptions) throws(MySQLError) {
        guard let handle = mysql_init(nil) else {
            throw MySQLError(code: 2008, message: "out of memory", context: "initialise a MySQL connection")
        }
        self.handle = handle
        self.options = options
        if let failure = cmysqlauth_register() {
            throw MySQLError(code: UInt32(CMYSQLAUTH_ERROR), message: String(cString: failure),
                             context: "\(Self.connectContextPrefix)\(options.endpointDescription)")
        }
        var connectTimeout = options.connectTimeoutSeconds
        var readTimeout = options.readTimeoutSeconds
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &readTimeout)
        mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &readTimeout)
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        if let tls = options.tls {
            var enforce: CChar = 1
            var verify: CChar = tls.verifyServerCertificate ? 1 : 0
            mysql_options(handle, MYSQL_OPT_SSL_ENFORCE, &enforce)
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
            if let ca = tls.caFile { mysql_options(handle, MYSQL_OPT_SSL_CA, ca) }
            if let certificate = tls.certificateFile { mysql_options(handle, MYSQL_OPT_SSL_CERT, certificate) }
            if let key = tls.keyFile { mysql_options(handle, MYSQL_OPT_SSL_KEY, key) }
        }
        if let keyFile = options.serverPublicKeyFile { mysql_options(handle, MYSQL_SERVER_PUBLIC_KEY, keyFile) }
        if options.getServerPublicKey { _ = cmysqlauth_allow_key_retrieval(handle) }
        let protocolType = options.socketPath == nil ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET
        var protocolValue = protocolType.rawValue
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &protocolValue)
        let connected = mysql_real_connect(
            handle, options.socketPath == nil ? options.host : nil, options.user, options.password,
            options.database, options.socketPath == nil ? options.port : 0, options.socketPath, 0)
        guard connected != nil else {
            // Every stored property is set, so deinit runs and closes the handle.
            throw lastError(context: "\(Self.connectContextPrefix)\(options.endpointDescription)")
        }
    }

    deinit {
        mysql_close(handle)
    }

    /// Runs a statement whose result, if any, is discarded.
    public func execute(_ sql: String) throws(MySQLError) {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
            throw lastError(context: "run \(Self.abbreviate(sql))")
        }
        repeat {
            if let result = mysql_store_result(handle) { mysql_free_result(result) }
        } while mysql_next_result(handle) == 0
    }

    /// The AUTO_INCREMENT value the last INSERT of this connection generated; 0 when it generated none.
    public var lastInsertID: UInt64 { UInt64(mysql_insert_id(handle)) }

    /// Runs a query and returns its rows as text (NULL as nil), as the server formats them.
    public func query(_ sql: String) throws(MySQLError) -> [[String?]] {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
            throw lastError(context: "run \(Self.abbreviate(sql))")
        }
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return [] }
            throw lastError(context: "read the result of \(Self.abbreviate(sql))")
        }
        defer { mysql_free_result(result) }
        let columnCount = Int(mysql_num_fields(result))
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if let field = row[column] {
                    let bytes = UnsafeRawBufferPointer(start: field, count: Int(lengths[column]))
                    values.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    values.append(nil)
                }
            }
            rows.append(values)
        }
        return rows
    }

    /// Runs a query and hands each row to `body` as it arrives from the server (`mysql_use_result`), without
    /// holding the result: `row[i]` is column i's bytes, nil for NULL, valid only during the call.
    public func forEachRow(_ sql: String, _ body: (ResultRow) throws -> Void) throws {
        guard mysql_real_query(handle, sql, UInt(sql.utf8.count)) == 0 else {
            throw lastError(context: "run \(Self.abbreviate(sql))")
        }
        guard let result = mysql_use_result(handle) else {
            if mysql_field_count(handle) == 0 { return }
            throw lastError(context: "read the result of \(Self.abbreviate(sql))")
        }
        defer { mysql_free_result(result) }
        let columnCount = Int(mysql_num_fields(result))
        while let fields = mysql_fetch_row(result) {
            guard let lengths = mysql_fetch_lengths(result) else { break }
            try body(ResultRow(fields: fields, lengths: lengths, count: columnCount))
        }
        if mysql_errno(handle) != 0 { throw lastError(context: "read the result of \(Self.abbreviate(sql))") }
    }

    /// One row of `forEachRow`: the bytes of each column as the server sent them.
    public struct ResultRow {
        let fields: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
        let lengths: UnsafeMutablePointer<UInt>
        public let count: Int

        public subscript(column: Int) -> UnsafeRawBufferPointer? {
            guard let field = fields[column] else { return nil }
            return UnsafeRawBufferPointer(start: field, count: Int(lengths[column]))
        }
    }

    /// The first column of the first row, or nil when there is no row or it is NULL.
    public func queryValue(_ sql: String) throws(MySQLError) -> String? {
        try query(sql).first?.first ?? nil
    }

    /// The server's thread id of this connection (what `KILL` takes).
    public var serverThreadID: UInt { mysql_thread_id(handle) }

    /// The socket's file descriptor (for `SourceControl` to shut it down from another thread), or -1.
    var socketDescriptor: Int32 { Int32(mysql_get_socket(handle)) }

    /// Unblocks a read in progress on another thread by shutting the socket down; the
    /// connection is unusable afterwards.
    public func interrupt() {
        let descriptor = mysql_get_socket(handle)
        if descriptor >= 0 { _ = shutdownSocket(descriptor) }
    }

    /// How the context of an error from making a connection begins.
    static let connectContextPrefix = "connect to "

    func lastError(context: String) -> MySQLError {
        MySQLError(code: mysql_errno(handle), message: String(cString: mysql_error(handle)), context: context)
    }

    static func abbreviate(_ sql: String) -> String {
        sql.count <= 80 ? "`\(sql)`" : "`\(sql.prefix(77))...`"
    }
}

#if canImport(Glibc)
import Glibc
private func shutdownSocket(_ descriptor: Int32) -> Int32 { shutdown(descriptor, Int32(SHUT_RDWR)) }
#endif
