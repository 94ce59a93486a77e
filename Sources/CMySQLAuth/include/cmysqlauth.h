/*
 * binlogo's own client side of MySQL's RSA-based password plugins, caching_sha2_password (MySQL
 * 8.0+'s default, MySQL 9's only built-in password plugin) and sha256_password, registered with
 * libmariadb in place of the plugins it would load from its plugin folder.
 *
 * Why binlogo has its own: libmariadb's plugins ask the server for its RSA public key whenever a
 * password must cross plain TCP and no key file is given, or the given key file cannot be read,
 * and there is no option to forbid that. A key fetched over plain TCP can come from anyone in the
 * middle, who then reads the password. binlogo's plugins encrypt with the key file the operator
 * gave (MYSQL_SERVER_PUBLIC_KEY), fetch the key only when the connection allows it
 * (`cmysqlauth_allow_key_retrieval`) and otherwise stop with an error that names the fix,
 * before the password or its scramble is sent. Over TLS or a unix socket the password goes as
 * the server expects there (in clear inside the secure channel), as with libmariadb's plugins.
 *
 * Prefix: `cmysqlauth_`.
 */
#ifndef BINLOGO_CMYSQLAUTH_H
#define BINLOGO_CMYSQLAUTH_H

#include <mysql.h>

/// Registers binlogo's caching_sha2_password and sha256_password plugins with libmariadb, once per
/// process; call before the first connection. Returns NULL, or why they could not be registered.
const char *cmysqlauth_register(void);

/// Lets this connection fetch the server's RSA public key over plain TCP when it needs one and no
/// key file was given (MySQL's `--get-server-public-key`). Returns 0, or non-zero on failure.
int cmysqlauth_allow_key_retrieval(MYSQL *mysql);

/// The error number binlogo's plugins set when the password cannot be sent safely (no key and no
/// permission to fetch one, a key file that is not a PEM public key, a password too long for the key).
#define CMYSQLAUTH_ERROR 2061  /* CR_AUTH_PLUGIN_ERR */

#endif
