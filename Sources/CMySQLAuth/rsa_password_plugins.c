/*
 * The client side of caching_sha2_password and sha256_password (see cmysqlauth.h for why binlogo
 * has its own). The exchange, as the MySQL server runs it:
 *
 *   server -> client  20-byte nonce (+ NUL)
 *   caching_sha2_password:
 *     client -> server  SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) . nonce)       (the "fast path")
 *     server -> client  3: the server had the account's hash cached, done
 *                       4: full authentication: the password itself is needed
 *   full authentication, and every sha256_password login:
 *     over TLS or a unix socket: client -> server  password + NUL
 *     over plain TCP:            client -> server  RSA-OAEP(server's public key, (password + NUL) XOR nonce)
 *                                (the key from a file, or asked for with one byte: 2, or 1 for sha256_password)
 */
#include "cmysqlauth.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysql/plugin_auth.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

/* An authentication plugin as libmariadb takes it (mysql/client_plugin.h, which Debian's libmariadb-dev
   cannot compile: it includes ma_compress.h, which the package does not ship). */
struct authentication_plugin {
    MYSQL_CLIENT_PLUGIN_HEADER
    int (*authenticate_user)(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql);
};
enum {
    authentication_plugin_type = 2,              /* MYSQL_CLIENT_AUTHENTICATION_PLUGIN */
    authentication_plugin_interface = 0x0100,    /* MYSQL_CLIENT_AUTHENTICATION_PLUGIN_INTERFACE_VERSION */
};

enum {
    nonce_length = 20,
    sha256_length = 32,
    /* A public key in PEM is well under 4 KiB even at 8192 bits. */
    max_key_file_bytes = 16384,
    max_password_bytes = 1024,
};

/* The one-byte messages of caching_sha2_password. */
enum {
    fast_authentication_succeeded = 3,
    full_authentication_needed = 4,
    caching_sha2_key_request = 2,
    sha256_key_request = 1,
};

/* The MARIADB_OPT_USERDATA entry that allows fetching the key; its value is this marker's address. */
static const char key_retrieval_entry[] = "binlogo.get_server_public_key";
static int key_retrieval_marker = 1;

int cmysqlauth_allow_key_retrieval(MYSQL *mysql) {
    return mysql_optionsv(mysql, MARIADB_OPT_USERDATA, (void *)key_retrieval_entry, (void *)&key_retrieval_marker);
}

static int key_retrieval_allowed(MYSQL *mysql) {
    void *value = NULL;
    mysql_get_optionv(mysql, MARIADB_OPT_USERDATA, (void *)key_retrieval_entry, &value);
    return value == &key_retrieval_marker;
}

/* The key file given with MYSQL_SERVER_PUBLIC_KEY, or NULL. */
static const char *key_file(MYSQL *mysql) {
    char *path = NULL;
    mysql_get_optionv(mysql, MYSQL_SERVER_PUBLIC_KEY, &path);
    return path && path[0] ? path : NULL;
}

/* Sets the connection's error (one line) and returns CR_ERROR. */
static int fail(MYSQL *mysql, const char *format, ...) {
    char message[MYSQL_ERRMSG_SIZE];  /* what libmariadb keeps of an error message */
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(message, sizeof message, format, arguments);
    va_end(arguments);
    mysql->methods->set_error(mysql, CMYSQLAUTH_ERROR, "HY000", "%s", message);
    return CR_ERROR;
}

/* The connection's password; "" when none was given. */
static const char *password_of(MYSQL *mysql) {
    return mysql->passwd ? mysql->passwd : "";
}

static int connection_is_tls(MYSQL *mysql) {
    return mysql_get_ssl_cipher(mysql) != NULL;
}

static int connection_is_unix_socket(MYSQL_PLUGIN_VIO *vio) {
    MYSQL_PLUGIN_VIO_INFO info;
    memset(&info, 0, sizeof info);
    vio->info(vio, &info);
    return info.protocol == MYSQL_VIO_SOCKET;
}

/* Reads the server's nonce; returns 0 on success, else the plugin result to return. */
static int read_nonce(MYSQL_PLUGIN_VIO *vio, unsigned char nonce[nonce_length]) {
    unsigned char *packet;
    int length = vio->read_packet(vio, &packet);
    if (length < 0) return CR_ERROR;
    if (length != nonce_length + 1) return CR_SERVER_HANDSHAKE_ERR;
    memcpy(nonce, packet, nonce_length);
    return 0;
}

static int sha256(const unsigned char *first, size_t first_length, const unsigned char *second, size_t second_length,
                  unsigned char digest[sha256_length]) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    int ok = context && EVP_DigestInit_ex(context, EVP_sha256(), NULL) == 1
        && EVP_DigestUpdate(context, first, first_length) == 1
        && (second_length == 0 || EVP_DigestUpdate(context, second, second_length) == 1)
        && EVP_DigestFinal_ex(context, digest, NULL) == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

/* SHA256(password) XOR SHA256(SHA256(SHA256(password)) . nonce): proves the password without revealing it. */
static int fast_path_scramble(const char *password, const unsigned char nonce[nonce_length], unsigned char scramble[sha256_length]) {
    unsigned char once[sha256_length], twice[sha256_length], salted[sha256_length];
    int ok = sha256((const unsigned char *)password, strlen(password), NULL, 0, once)
        && sha256(once, sizeof once, NULL, 0, twice)
        && sha256(twice, sizeof twice, nonce, nonce_length, salted);
    for (int index = 0; index < sha256_length; index++) scramble[index] = once[index] ^ salted[index];
    OPENSSL_cleanse(once, sizeof once);
    OPENSSL_cleanse(twice, sizeof twice);
    return ok;
}

/* The connection may get the server's key: from the key file, or from the server when allowed. */
static int may_encrypt(MYSQL *mysql, int local) {
    return key_file(mysql) || local || key_retrieval_allowed(mysql);
}

/* The status variable that shows the key a plugin's server side uses. */
static const char *key_status_variable(const char *plugin) {
    return strcmp(plugin, "sha256_password") == 0 ? "Rsa_public_key" : "Caching_sha2_password_rsa_public_key";
}

static int missing_key(MYSQL *mysql, const char *plugin) {
    return fail(mysql, "%s over plain TCP needs the server's RSA public key to send the password: set mysql.server_public_key_file "
                       "to a copy of the server's key (SHOW STATUS LIKE '%s'), or use TLS (mysql.tls), or set "
                       "mysql.get_server_public_key: true to fetch it from the server (a man in the middle could send his "
                       "own and read the password)", plugin, key_status_variable(plugin));
}

/* The server's public key, from the key file or asked for; NULL after setting the connection's error. */
static EVP_PKEY *server_public_key(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql, const char *plugin, unsigned char request) {
    const char *path = key_file(mysql);
    static const size_t capacity = max_key_file_bytes;
    unsigned char *file_bytes = NULL;
    const unsigned char *pem;
    size_t length;
    if (path) {
        FILE *file = fopen(path, "r");
        if (!file) {
            fail(mysql, "mysql.server_public_key_file %s cannot be read: %s", path, strerror(errno));
            return NULL;
        }
        file_bytes = malloc(capacity);
        length = file_bytes ? fread(file_bytes, 1, capacity, file) : 0;
        fclose(file);
        pem = file_bytes;
    } else {
        unsigned char *packet;
        int received;
        if (vio->write_packet(vio, &request, 1) || (received = vio->read_packet(vio, &packet)) < 0) {
            fail(mysql, "%s: the server sent no RSA public key", plugin);
            return NULL;
        }
        pem = packet;
        length = (size_t)received;
    }
    BIO *bio = pem ? BIO_new_mem_buf(pem, (int)length) : NULL;
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(file_bytes);
    ERR_clear_error();
    if (!key) {
        if (path) {
            fail(mysql, "mysql.server_public_key_file %s is not a PEM public key (-----BEGIN PUBLIC KEY-----): copy the "
                        "server's key there (SHOW STATUS LIKE '%s')", path, key_status_variable(plugin));
        } else {
            fail(mysql, "%s: what the server sent is not a PEM public key", plugin);
        }
    }
    return key;
}

/* Sends RSA-OAEP((password + NUL) XOR nonce). */
static int send_encrypted_password(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql, EVP_PKEY *key, const char *plugin,
                                   const unsigned char nonce[nonce_length]) {
    const char *password = password_of(mysql);
    size_t length = strlen(password) + 1;
    int key_bytes = EVP_PKEY_get_size(key);
    /* OAEP with SHA-1 takes at most the key's size less 42 bytes. */
    if (length > max_password_bytes || key_bytes - 42 < (int)length) {
        return fail(mysql, "%s: the password is too long for the server's %d-bit RSA key (at most %d bytes); use TLS (mysql.tls)",
                    plugin, key_bytes * 8, key_bytes - 43);
    }
    unsigned char mixed[max_password_bytes];
    for (size_t index = 0; index < length; index++) mixed[index] = (unsigned char)password[index] ^ nonce[index % nonce_length];
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new(key, NULL);
    unsigned char *encrypted = malloc((size_t)key_bytes);
    size_t encrypted_length = (size_t)key_bytes;
    int ok = context && encrypted && EVP_PKEY_encrypt_init(context) > 0
        && EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_OAEP_PADDING) > 0
        && EVP_PKEY_encrypt(context, encrypted, &encrypted_length, mixed, length) > 0;
    OPENSSL_cleanse(mixed, sizeof mixed);
    EVP_PKEY_CTX_free(context);
    ERR_clear_error();
    int result = CR_OK;
    if (!ok) {
        result = fail(mysql, "%s: encrypting the password with the server's RSA key failed", plugin);
    } else if (vio->write_packet(vio, encrypted, (int)encrypted_length)) {
        result = CR_ERROR;
    }
    free(encrypted);
    return result;
}

/* Full authentication over plain TCP (no TLS, no unix socket): the password encrypted with the server's key. */
static int send_password_with_rsa(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql, const char *plugin, unsigned char request,
                                  const unsigned char nonce[nonce_length]) {
    EVP_PKEY *key = server_public_key(vio, mysql, plugin, request);
    if (!key) return CR_ERROR;
    int result = send_encrypted_password(vio, mysql, key, plugin, nonce);
    EVP_PKEY_free(key);
    return result;
}

static int send_password_in_clear(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql) {
    const char *password = password_of(mysql);
    return vio->write_packet(vio, (const unsigned char *)password, (int)strlen(password) + 1) ? CR_ERROR : CR_OK;
}

static int authenticate_caching_sha2(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql) {
    static const char plugin[] = "caching_sha2_password";
    unsigned char nonce[nonce_length];
    int failure = read_nonce(vio, nonce);
    if (failure) return failure;
    if (!password_of(mysql)[0]) return vio->write_packet(vio, (const unsigned char *)"", 0) ? CR_ERROR : CR_OK;
    unsigned char scramble[sha256_length];
    if (!fast_path_scramble(password_of(mysql), nonce, scramble)) return fail(mysql, "%s: SHA-256 failed", plugin);
    if (vio->write_packet(vio, scramble, sha256_length)) return CR_ERROR;
    unsigned char *reply;
    /* An error, or the server switching to the account's own plugin: libmariadb goes on from there. */
    int length = vio->read_packet(vio, &reply);
    if (length < 0) return CR_ERROR;
    if (length != 1 || (reply[0] != fast_authentication_succeeded && reply[0] != full_authentication_needed)) {
        return CR_SERVER_HANDSHAKE_ERR;
    }
    /* Only now is TLS up when this is the server's default plugin: libmariadb starts TLS as it sends
       the first packet. Without TLS (also when a server without TLS let an unverified connection go
       on in clear) and without a way to the key, refuse even when the server had the account cached:
       a setup that would fail after the server's next restart, when the full exchange is needed,
       fails on its first connection. */
    int secure = connection_is_tls(mysql) || connection_is_unix_socket(vio);
    if (!secure && !may_encrypt(mysql, 0)) return missing_key(mysql, plugin);
    if (reply[0] == fast_authentication_succeeded) return CR_OK;
    if (secure) return send_password_in_clear(vio, mysql);
    return send_password_with_rsa(vio, mysql, plugin, caching_sha2_key_request, nonce);
}

static int authenticate_sha256(MYSQL_PLUGIN_VIO *vio, MYSQL *mysql) {
    static const char plugin[] = "sha256_password";
    unsigned char nonce[nonce_length];
    int failure = read_nonce(vio, nonce);
    if (failure) return failure;
    if (connection_is_tls(mysql)) return send_password_in_clear(vio, mysql);
    if (!password_of(mysql)[0]) return vio->write_packet(vio, (const unsigned char *)"", 0) ? CR_ERROR : CR_OK;
    /* The server wants RSA even on a unix socket; a key asked for there cannot come from the network. */
    if (!may_encrypt(mysql, connection_is_unix_socket(vio))) return missing_key(mysql, plugin);
    return send_password_with_rsa(vio, mysql, plugin, sha256_key_request, nonce);
}

static struct authentication_plugin caching_sha2_plugin = {
    authentication_plugin_type, authentication_plugin_interface,
    "caching_sha2_password", "binlogo", "caching_sha2_password that fetches the server's key only when allowed",
    {1, 0, 0}, "binlogo", NULL, NULL, NULL, NULL, authenticate_caching_sha2,
};

static struct authentication_plugin sha256_plugin = {
    authentication_plugin_type, authentication_plugin_interface,
    "sha256_password", "binlogo", "sha256_password that fetches the server's key only when allowed",
    {1, 0, 0}, "binlogo", NULL, NULL, NULL, NULL, authenticate_sha256,
};

static pthread_once_t registration_once = PTHREAD_ONCE_INIT;
static char registration_error[300];

static void register_plugin(MYSQL *mysql, struct authentication_plugin *plugin) {
    struct st_mysql_client_plugin *registered = mysql_client_register_plugin(mysql, (struct st_mysql_client_plugin *)plugin);
    if (registered == (struct st_mysql_client_plugin *)plugin || registration_error[0]) return;
    snprintf(registration_error, sizeof registration_error, "libmariadb has its own %s plugin loaded (%s), binlogo cannot use its own",
             plugin->name, registered ? "loaded before binlogo's" : mysql_error(mysql));
}

static void register_plugins(void) {
    MYSQL *mysql = mysql_init(NULL);
    if (!mysql) {
        snprintf(registration_error, sizeof registration_error, "out of memory");
        return;
    }
    register_plugin(mysql, &caching_sha2_plugin);
    register_plugin(mysql, &sha256_plugin);
    mysql_close(mysql);
}

const char *cmysqlauth_register(void) {
    pthread_once(&registration_once, register_plugins);
    return registration_error[0] ? registration_error : NULL;
}
