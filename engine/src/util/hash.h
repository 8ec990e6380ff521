/* One hash for the whole engine: xxHash XXH3, 64 bits. */
#ifndef GV_HASH_H
#define GV_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t gv_hash(const void *p, size_t n);

#endif
