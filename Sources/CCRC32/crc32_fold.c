/*
 * Folding CRC-32 with carry-less multiplication, after Gopal et al., "Fast CRC Computation
 * for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009): four 128-bit lanes are
 * folded 64 bytes at a time, then into one lane, then reduced to 32 bits (Barrett). The
 * constants are the paper's, for the bit-reflected polynomial 0x104C11DB7.
 */
#include "ccrc32.h"

#if defined(__x86_64__)
#include <immintrin.h>

int ccrc32_is_supported(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

/* x^(4*128+32) mod P and x^(4*128-32) mod P: fold 512 bits. */
static const uint64_t k1k2[2] __attribute__((aligned(16))) = {0x0154442bd4, 0x01c6e41596};
/* x^(128+32) mod P and x^(128-32) mod P: fold 128 bits. */
static const uint64_t k3k4[2] __attribute__((aligned(16))) = {0x01751997d0, 0x00ccaa009e};
/* x^64 mod P: 64 bits to 32. */
static const uint64_t k5k0[2] __attribute__((aligned(16))) = {0x0163cd6124, 0x0000000000};
/* P' and mu for the Barrett reduction. */
static const uint64_t poly[2] __attribute__((aligned(16))) = {0x01db710641, 0x01f7011641};

/* One 128-bit lane folded forward by the distance `k` encodes, then `next` added. */
__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i lane, __m128i k, __m128i next) {
    __m128i low = _mm_clmulepi64_si128(lane, k, 0x00);
    __m128i high = _mm_clmulepi64_si128(lane, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(high, low), next);
}

__attribute__((target("pclmul,sse4.1")))
uint32_t ccrc32_fold(uint32_t state, const uint8_t *bytes, size_t length) {
    __m128i x1 = _mm_loadu_si128((const __m128i *)(bytes + 0x00));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(bytes + 0x10));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(bytes + 0x20));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(bytes + 0x30));
    x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)state));
    bytes += 64;
    length -= 64;

    __m128i k = _mm_load_si128((const __m128i *)k1k2);
    while (length >= 64) {
        x1 = fold(x1, k, _mm_loadu_si128((const __m128i *)(bytes + 0x00)));
        x2 = fold(x2, k, _mm_loadu_si128((const __m128i *)(bytes + 0x10)));
        x3 = fold(x3, k, _mm_loadu_si128((const __m128i *)(bytes + 0x20)));
        x4 = fold(x4, k, _mm_loadu_si128((const __m128i *)(bytes + 0x30)));
        bytes += 64;
        length -= 64;
    }

    k = _mm_load_si128((const __m128i *)k3k4);
    x1 = fold(x1, k, x2);
    x1 = fold(x1, k, x3);
    x1 = fold(x1, k, x4);
    while (length >= 16) {
        x1 = fold(x1, k, _mm_loadu_si128((const __m128i *)bytes));
        bytes += 16;
        length -= 16;
    }

    /* 128 bits to 64. */
    __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
    __m128i x = _mm_clmulepi64_si128(x1, k, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x);
    /* 64 bits to 32. */
    k = _mm_loadl_epi64((const __m128i *)k5k0);
    x = _mm_srli_si128(x1, 4);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k, 0x00), x);
    /* Barrett reduction. */
    k = _mm_load_si128((const __m128i *)poly);
    x = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k, 0x10);
    x = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), k, 0x00);
    x1 = _mm_xor_si128(x1, x);
    return (uint32_t)_mm_extract_epi32(x1, 1);
}

#else

#include <stdlib.h>

int ccrc32_is_supported(void) { return 0; }

/* Never called where `ccrc32_is_supported()` is false; a wrong result must not pass silently. */
uint32_t ccrc32_fold(uint32_t state, const uint8_t *bytes, size_t length) {
    (void)state;
    (void)bytes;
    (void)length;
    abort();
}

#endif
