#include "hash.h"

/* compiled in, not called through the shared library: its generic build
 * hashed a bundle at 1.1 instructions a byte, the inlined SSE2 path at 0.35,
 * and short keys skip the PLT */
#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t gv_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}
