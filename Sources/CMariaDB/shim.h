/*
 * binlogo's view of libmariadb (MariaDB Connector/C).
 *
 * Swift cannot call C variadic functions or function-like macros, so the few
 * libmariadb entry points that are variadic (mariadb_rpl_optionsv) or macros
 * (mariadb_rpl_init) get a typed `static inline` wrapper here, prefixed
 * `cmariadb_`; so does the packet read of the binlog stream, which hides
 * libmariadb's `packet_error` macro and `net.read_pos`, and the sending of a
 * command libmariadb has no call for (MySQL's COM_BINLOG_DUMP_GTID). Nothing
 * else lives here.
 */
#ifndef BINLOGO_CMARIADB_SHIM_H
#define BINLOGO_CMARIADB_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <mariadb_rpl.h>

/// `mariadb_rpl_init(mysql)`: a replication handle over an open connection.
static inline MARIADB_RPL *cmariadb_rpl_init(MYSQL *mysql) {
    return mariadb_rpl_init(mysql);
}

/// The binlog file to start from (empty: the server's first/current file, see COM_BINLOG_DUMP).
static inline int cmariadb_rpl_set_filename(MARIADB_RPL *rpl, const char *name, size_t length) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, name, length);
}

/// The byte position in that file to start from (4 is the first event).
static inline int cmariadb_rpl_set_start_position(MARIADB_RPL *rpl, unsigned long position) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, position);
}

/// The server_id this client registers with; unique among the primary's replicas.
static inline int cmariadb_rpl_set_server_id(MARIADB_RPL *rpl, unsigned int server_id) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, server_id);
}

/// COM_BINLOG_DUMP flags (MARIADB_RPL_BINLOG_DUMP_NON_BLOCK, MARIADB_RPL_BINLOG_SEND_ANNOTATE_ROWS, ...).
static inline int cmariadb_rpl_set_flags(MARIADB_RPL *rpl, unsigned int flags) {
    return mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, flags);
}

/// Reads the connection's next packet (after `mariadb_rpl_open`: a binlog event behind a status
/// byte, an EOF packet or an error packet) and points `*bytes` at it, valid until the next read.
/// Returns its length, or -1 on error (see `mysql_errno`). Unlike `mariadb_rpl_fetch`, it neither
/// allocates an event nor copies and parses the packet.
static inline long cmariadb_read_packet(MYSQL *mysql, const unsigned char **bytes) {
    unsigned long length = mysql_net_read_packet(mysql);
    if (length == packet_error) return -1;
    *bytes = mysql->net.read_pos;
    return (long)length;
}

/// Sends one command packet (the command byte, then `length` > 0 bytes of `arg`) without reading the
/// answer; for MySQL's COM_BINLOG_DUMP_GTID (0x1e), which libmariadb has no call for. The events that
/// follow are read with `cmariadb_read_packet`. Returns 0, or non-zero on error (see `mysql_errno`).
static inline int cmariadb_send_command(MYSQL *mysql, unsigned char command, const unsigned char *arg, size_t length) {
    return mysql->methods->db_command(mysql, (enum enum_server_command)command, (const char *)arg, length, 1, NULL);
}

#endif
