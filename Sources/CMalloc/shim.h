/*
 * glibc's malloc tuning (mallopt, from <malloc.h>, which Swift's Glibc module leaves out),
 * as typed functions prefixed `cmalloc_`. Nothing else lives in this file.
 */
#ifndef BINLOGO_CMALLOC_SHIM_H
#define BINLOGO_CMALLOC_SHIM_H

#include <malloc.h>

/// Free memory at the top of the heap is given back to the kernel only beyond this many bytes.
static inline int cmalloc_set_trim_threshold(int bytes) {
    return mallopt(M_TRIM_THRESHOLD, bytes);
}

/// Blocks of this many bytes and more are mapped on their own (mmap) instead of taken from the heap.
static inline int cmalloc_set_mmap_threshold(int bytes) {
    return mallopt(M_MMAP_THRESHOLD, bytes);
}

#endif
