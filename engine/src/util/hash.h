/* One hash for the whole engine: xxHash XXH3, 64 bits. */
#ifndef GV_HASH_H
#define GV_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t gv_hash(const void *p, size_t n);

/* From this length on, where the processor has AVX2, the hash runs 32
 * bytes a step (the same value: XXH3 is defined by its bytes, not by the
 * instructions computing it). */
#define GV_HASH_WIDE_MIN 4096

#endif
