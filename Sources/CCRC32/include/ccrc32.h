/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320: zlib's and the binlog checksum's)
 * by carry-less multiplication (PCLMULQDQ), for the long stretches of large events.
 *
 * The functions work on the CRC's running state (the value before the final inversion),
 * so the caller starts with 0xFFFFFFFF, may finish the tail with a table, and inverts at
 * the end. Prefix: `ccrc32_`.
 */
#ifndef BINLOGO_CCRC32_H
#define BINLOGO_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has PCLMULQDQ and SSE4.1, which `ccrc32_fold` needs (false off x86-64).
int ccrc32_is_supported(void);

/// Folds `length` bytes into the running state `state` and returns the new state.
/// `length` must be a multiple of 16 and at least 64, and `ccrc32_is_supported()` true.
uint32_t ccrc32_fold(uint32_t state, const uint8_t *bytes, size_t length);

#endif
