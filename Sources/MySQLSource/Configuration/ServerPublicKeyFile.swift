#if canImport(Glibc)
import Glibc
#endif

/// Checks `mysql.server_public_key_file` before a connection uses it: over plain TCP the password
/// is encrypted with this key, so a file that cannot be read or holds no public key is refused at
/// once, whatever the server's authentication cache holds.
enum ServerPublicKeyFile {
    /// Why the file at `path` cannot serve as the server's public key, as one line with the fix; nil when it can.
    static func problem(at path: String) -> String? {
        guard let file = fopen(path, "r") else {
            return "mysql.server_public_key_file \(path) cannot be read: \(String(cString: strerror(errno))): copy the server's public key there (SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' as an administrator)"
        }
        defer { fclose(file) }
        var bytes = [UInt8](repeating: 0, count: 16_384)
        let count = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        let text = String(decoding: bytes[0..<count], as: UTF8.self)
        guard text.contains("-----BEGIN PUBLIC KEY-----") || text.contains("-----BEGIN RSA PUBLIC KEY-----") else {
            return "mysql.server_public_key_file \(path) holds no PEM public key (-----BEGIN PUBLIC KEY-----): copy the server's public key there (SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key' as an administrator)"
        }
        return nil
    }
}
