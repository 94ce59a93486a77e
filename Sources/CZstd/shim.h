/*
 * binlogo's view of libzstd (Debian's libzstd-dev), for MySQL's compressed transactions
 * (TRANSACTION_PAYLOAD_EVENT). Swift calls zstd's plain functions directly
 * (ZSTD_createDCtx, ZSTD_decompressDCtx, ZSTD_isError, ...): no shims are needed.
 */
#ifndef BINLOGO_CZSTD_SHIM_H
#define BINLOGO_CZSTD_SHIM_H

#include <zstd.h>

#endif
