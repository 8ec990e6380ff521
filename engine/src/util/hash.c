#include "hash.h"

/* compiled in, not called through the shared library: short keys (most
 * calls) skip the PLT and the dispatch, and a bundle's checksum takes
 * about a tenth fewer instructions */
#define XXH_INLINE_ALL
#if defined(__x86_64__) && defined(__GNUC__)
/* AVX2's 32-byte steps for long inputs, chosen at run time: a bundle's
 * checksum (1.7 MB for the Control Tower rules) was an eighth of a run on
 * an empty template at SSE2's 16 bytes a step */
#define XXH_DISPATCH_AVX2 1
#define XXH_TARGET_AVX2 __attribute__((__target__("avx2")))
#define GV_HASH_AVX2 1
#include <immintrin.h> /* __m256i: xxhash.h includes only what its compile-time vector needs */
#endif
#include <xxhash.h>

#ifdef GV_HASH_AVX2
/* XXH3_64bits of a long input (past its 240-byte short forms) with the
 * default secret and seed, which is what this is, with AVX2 steps. */
__attribute__((__target__("avx2"))) static uint64_t hash_long_avx2(const void *p, size_t n)
{
    return XXH3_hashLong_64b_internal(p, n, XXH3_kSecret, sizeof XXH3_kSecret, XXH3_accumulate_512_avx2,
                                      XXH3_scrambleAcc_avx2);
}
#endif

uint64_t gv_hash(const void *p, size_t n)
{
#ifdef GV_HASH_AVX2
    if (n >= GV_HASH_WIDE_MIN && __builtin_cpu_supports("avx2"))
        return hash_long_avx2(p, n);
#endif
    return XXH3_64bits(p, n);
}
