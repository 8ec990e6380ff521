/* Growable byte buffer for building output and scratch strings. The
 * appends are inline with a one-compare fast path: reports write tens of
 * millions of small pieces (one punctuation mark, one indent), and a call
 * plus strlen per piece used to cost more than the bytes themselves. */
#ifndef GV_BUF_H
#define GV_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct gv_buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int oom;      /* set once an allocation failed; further appends are dropped */
    /* Optional: when set and at least spill_at bytes are held, a growth
     * first offers the text to spill(), which must consume it all (len 0)
     * or return -1 (appends are then dropped, as when memory runs out).
     * Only for append-only writers: offsets taken earlier become stale. */
    int (*spill)(void *ctx, struct gv_buf *b);
    void *spill_ctx;
    size_t spill_at;
} gv_buf;

void gv_buf_init(gv_buf *b);
void gv_buf_free(gv_buf *b);
void gv_buf_clear(gv_buf *b);
/* Makes room for extra more bytes (and the NUL); 0 when out of memory. */
int gv_buf_reserve(gv_buf *b, size_t extra);
void gv_buf_printf(gv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gv_buf_vprintf(gv_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (quotes included, escapes applied). */
void gv_buf_json_string(gv_buf *b, const char *s, size_t n);
/* The same without the quotes: what stands between them. */
void gv_buf_json_escaped(gv_buf *b, const char *s, size_t n);
/* n copies of byte c. */
void gv_buf_fill(gv_buf *b, char c, size_t n);
/* A decimal integer (what "%lld" prints, without printf). */
void gv_buf_int(gv_buf *b, long long v);

/* n bytes from s to d without a call for the short pieces reports are
 * made of (names, path steps): two overlapping words, never reading past
 * s + n (libc's memcpy costs more than such a copy). */
static inline void gv_copy_short(char *d, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else {
        memcpy(d, s, n);
    }
}

static inline void gv_buf_append(gv_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap && !gv_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void gv_buf_puts(gv_buf *b, const char *s)
{
    gv_buf_append(b, s, strlen(s));
}

static inline void gv_buf_putc(gv_buf *b, char c)
{
    if (b->len + 2 > b->cap && !gv_buf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

/* u's decimal digits at d (room for 20); returns the end. Two digits a
 * step from the end, the length found first: every location of a report
 * ("[L:36,C:26]") writes two of these. */
static inline char *gv_put_uint(char *d, unsigned long long u)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    unsigned n = 1;
    for (unsigned long long t = u; t >= 10; t /= 10)
        n++;
    char *end = d + n, *p = end;
    for (; u >= 100; u /= 100) {
        p -= 2;
        memcpy(p, pairs + 2 * (u % 100), 2);
    }
    if (u >= 10)
        memcpy(p - 2, pairs + 2 * u, 2);
    else
        p[-1] = (char)('0' + u);
    return end;
}

/* v's decimal digits, signed, at d (room for 20); returns the end. */
static inline char *gv_put_int(char *d, long long v)
{
    if (v < 0)
        *d++ = '-';
    /* unsigned arithmetic: LLONG_MIN has no positive counterpart */
    return gv_put_uint(d, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

#endif
