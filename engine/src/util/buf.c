#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void gv_buf_init(gv_buf *b)
{
    memset(b, 0, sizeof *b);
}

void gv_buf_free(gv_buf *b)
{
    free(b->data);
    gv_buf_init(b);
}

void gv_buf_clear(gv_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int gv_buf_reserve(gv_buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    if (b->spill && b->len >= b->spill_at) {
        if (b->spill(b->spill_ctx, b) < 0) {
            b->oom = 1;
            return 0;
        }
        if (b->len + extra + 1 <= b->cap)
            return 1;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void gv_buf_fill(gv_buf *b, char c, size_t n)
{
    static const char spaces[64] = "                                                                ";
    if (b->len + n + 1 > b->cap && !gv_buf_reserve(b, n))
        return;
    if (c == ' ' && n <= sizeof spaces) /* indents: a short copy beats memset's set-up */
        memcpy(b->data + b->len, spaces, n);
    else
        memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gv_buf_int(gv_buf *b, long long v)
{
    if (b->len + 22 > b->cap && !gv_buf_reserve(b, 21))
        return;
    char *d = gv_put_int(b->data + b->len, v);
    *d = '\0';
    b->len = (size_t)(d - b->data);
}

/* Whether fmt's conversions are all plain %s, %.*s, %c, %d, %u, %zu or %%
 * (no flags or widths): the report messages' formats, which then skip
 * vsnprintf (about 750 instructions a call, most of an error message). */
static int simple_format(const char *fmt)
{
    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
        if (p[1] == 's' || p[1] == 'd' || p[1] == 'u' || p[1] == 'c' || p[1] == '%')
            p += 2;
        else if (p[1] == 'z' && p[2] == 'u')
            p += 3;
        else if (p[1] == '.' && p[2] == '*' && p[3] == 's')
            p += 4;
        else
            return 0;
    }
    return 1;
}

static void simple_printf(gv_buf *b, const char *fmt, va_list ap)
{
    if (!gv_buf_reserve(b, 0)) /* even "" leaves a NUL-terminated buffer */
        return;
    for (const char *p = fmt;;) {
        const char *q = strchr(p, '%');
        if (!q) {
            gv_buf_puts(b, p);
            return;
        }
        gv_buf_append(b, p, (size_t)(q - p));
        switch (*++q) {
        case 's': {
            const char *a = va_arg(ap, const char *);
            gv_buf_puts(b, a ? a : "(null)"); /* as glibc prints it */
            break;
        }
        case '.': { /* %.*s: at most that many bytes, up to a NUL */
            int prec = va_arg(ap, int);
            const char *a = va_arg(ap, const char *);
            if (!a) /* as glibc prints it */
                a = prec < 0 || prec >= 6 ? "(null)" : "";
            gv_buf_append(b, a, prec < 0 ? strlen(a) : strnlen(a, (size_t)prec));
            q += 2;
            break;
        }
        case 'c': gv_buf_putc(b, (char)va_arg(ap, int)); break;
        case 'd': gv_buf_int(b, va_arg(ap, int)); break;
        case 'u': gv_buf_int(b, va_arg(ap, unsigned)); break;
        case 'z': gv_buf_int(b, (long long)va_arg(ap, size_t)); q++; break;
        default: gv_buf_putc(b, '%'); break;
        }
        p = q + 1;
    }
}

/* Otherwise formats straight into the free room when it fits (most pieces
 * are short), so the format usually runs once, not twice. */
void gv_buf_vprintf(gv_buf *b, const char *fmt, va_list ap)
{
    if (b->oom)
        return;
    if (simple_format(fmt)) {
        simple_printf(b, fmt, ap);
        return;
    }
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n >= 0 && (size_t)n < room) {
        b->len += (size_t)n;
        return;
    }
    if (n < 0 || !gv_buf_reserve(b, (size_t)n)) {
        if (b->data)
            b->data[b->len] = '\0'; /* a partial write is dropped */
        return;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void gv_buf_printf(gv_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gv_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

#if !defined(__SSE2__)
/* Whether any of the 8 bytes in x needs escaping in a JSON string: below
 * 0x20, '"' or '\\' (the bit tricks are exact: a borrow only starts at a
 * byte that is below the bound). */
static int needs_escape8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high ? 1 : 0;
}
#endif

/* The bytes a JSON string escapes: below 0x20, '"' and '\\'. */
static const unsigned char escaped[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

#if defined(__SSE2__)
/* Bit k set when p[k] is escaped, for the 16 bytes at p. */
static inline unsigned escape_mask16(const char *p)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i low = _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl); /* v <= 0x1f, unsigned */
    __m128i hit = _mm_or_si128(low, _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The first index from i on of a byte to escape in s[0..n), or n. Error
 * messages quote JSON values, so escapes come every few dozen bytes: the
 * scan restarts often and must be cheap to start. A string of 16 bytes or
 * more ends with the 16 bytes before its end (overlapping what was seen,
 * never reading past it). */
static size_t next_escape(const char *s, size_t i, size_t n)
{
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        unsigned mask = escape_mask16(s + i);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
    if (i < n && n >= 16) {
        unsigned mask = escape_mask16(s + n - 16) >> (16 - (n - i));
        return mask ? i + (size_t)__builtin_ctz(mask) : n;
    }
#else
    uint64_t x;
    while (i + 8 <= n && (memcpy(&x, s + i, 8), !needs_escape8(x)))
        i += 8;
#endif
    while (i < n && !escaped[(unsigned char)s[i]])
        i++;
    return i;
}

/* Writes c's escape at d; returns the end. */
static char *put_escape(char *d, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    d[0] = '\\';
    switch (c) {
    case '"': d[1] = '"'; return d + 2;
    case '\\': d[1] = '\\'; return d + 2;
    case '\n': d[1] = 'n'; return d + 2;
    case '\r': d[1] = 'r'; return d + 2;
    case '\t': d[1] = 't'; return d + 2;
    case '\b': d[1] = 'b'; return d + 2;
    case '\f': d[1] = 'f'; return d + 2;
    default:
        memcpy(d + 1, "u00", 3);
        d[4] = hex[c >> 4];
        d[5] = hex[c & 15];
        return d + 6;
    }
}

/* s[0..n) escaped at d, which has room for 6n bytes; returns the end:
 * runs of plain bytes copied whole, escapes written in place. */
static char *escape_into(char *d, const char *s, size_t n)
{
    for (size_t i = 0;;) {
        size_t j = next_escape(s, i, n);
        if (j - i <= 16)
            gv_copy_short(d, s + i, j - i);
        else
            memcpy(d, s + i, j - i);
        d += j - i;
        if (j == n)
            return d;
        d = put_escape(d, (unsigned char)s[j]);
        i = j + 1;
    }
}

/* Strings are escaped in slices, so a long one never needs six times its
 * length reserved at once. */
#define ESCAPE_SLICE ((size_t)4096)

/* s[0..n) escaped after b's text, with `quote` before and after it when
 * set. */
static void json_escape(gv_buf *b, const char *s, size_t n, int quote)
{
    size_t first = n < ESCAPE_SLICE ? n : ESCAPE_SLICE;
    if (b->len + 6 * first + 20 > b->cap && !gv_buf_reserve(b, 6 * first + 19))
        return;
    if (quote)
        b->data[b->len++] = '"';
    for (size_t at = 0;;) {
        size_t k = n - at < ESCAPE_SLICE ? n - at : ESCAPE_SLICE;
        b->len = (size_t)(escape_into(b->data + b->len, s + at, k) - b->data);
        at += k;
        if (at == n)
            break;
        k = n - at < ESCAPE_SLICE ? n - at : ESCAPE_SLICE;
        if (b->len + 6 * k + 20 > b->cap && !gv_buf_reserve(b, 6 * k + 19)) {
            b->data[b->len] = '\0';
            return;
        }
    }
    if (quote)
        b->data[b->len++] = '"';
    b->data[b->len] = '\0';
}

void gv_buf_json_string(gv_buf *b, const char *s, size_t n)
{
    json_escape(b, s, n, 1);
}

void gv_buf_json_escaped(gv_buf *b, const char *s, size_t n)
{
    json_escape(b, s, n, 0);
}
