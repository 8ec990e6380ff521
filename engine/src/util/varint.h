/* The varint of bundles and their blobs: LEB128 of v + 1, so that small
 * values and UINT32_MAX (a "none" marker, which wraps to 0) take one byte. */
#ifndef GV_VARINT_H
#define GV_VARINT_H

#include <stdint.h>

#include "util/buf.h"

static inline void gv_buf_varint(gv_buf *b, uint32_t v)
{
    unsigned char s[5];
    size_t n = 0;
    v += 1;
    do {
        s[n] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v)
            s[n] |= 0x80;
        n++;
    } while (v);
    gv_buf_append(b, s, n);
}

/* Decodes one varint at *p (not past end) into *v and advances *p.
 * Returns 0 when it is cut short or longer than any uint32. */
static inline int gv_varint_read(const char **p, const char *end, uint32_t *v)
{
    uint32_t x = 0;
    for (unsigned shift = 0; shift < 35 && *p < end; shift += 7) {
        uint8_t c = (uint8_t)*(*p)++;
        x |= (uint32_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x - 1;
            return 1;
        }
    }
    return 0;
}

#endif
