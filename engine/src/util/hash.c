#include "hash.h"

#include <xxhash.h>

uint64_t gv_hash(const void *p, size_t n)
{
    return XXH3_64bits(p, n);
}
