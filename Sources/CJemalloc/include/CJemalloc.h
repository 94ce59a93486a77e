/*
 * The daemon's allocator: jemalloc (Debian's libjemalloc), linked into the `binlogo` executable so that
 * it serves every malloc of the process, librdkafka's included. Functions are prefixed `cjemalloc_`.
 */
#ifndef BINLOGO_CJEMALLOC_H
#define BINLOGO_CJEMALLOC_H

/// jemalloc's version ("5.3.0-0-g…"), or NULL when malloc is not jemalloc's.
const char *cjemalloc_version(void);

#endif
