#define _GNU_SOURCE
#include "CJemalloc.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <jemalloc/jemalloc.h>

/*
 * jemalloc's settings for the daemon, read by jemalloc at its first allocation; MALLOC_CONF in the
 * environment overrides any of them (an operator's tuning wins).
 *
 * Every message is allocated on one thread (the encoder's, librdkafka's copy and headers on the
 * sending thread) and freed on another (the sending thread, librdkafka's delivery-report thread).
 * glibc's malloc pays for that pattern in its slow paths (_int_malloc, _int_free: a third of the
 * sending thread's samples); jemalloc's per-thread arenas and caches do not (Docs/benchmarks.md,
 * "Allocator"). Freed pages go back to the kernel after a second (dirty_decay_ms) and at once once
 * purged (muzzy_decay_ms: 0), so RSS after a burst falls back instead of staying at its peak.
 */
const char *malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";

/// Whether the process's `malloc` is jemalloc's: the library is linked, and no other malloc came first.
static int jemalloc_serves_malloc(void) {
    void *(*process_malloc)(size_t) = malloc;
    Dl_info info;
    if (dladdr((void *)process_malloc, &info) == 0 || info.dli_fname == NULL) return 0;
    return strstr(info.dli_fname, "jemalloc") != NULL;
}

const char *cjemalloc_version(void) {
    if (!jemalloc_serves_malloc()) return NULL;
    const char *version = NULL;
    size_t size = sizeof(version);
    if (mallctl("version", &version, &size, NULL, 0) != 0) return NULL;
    return version;
}
