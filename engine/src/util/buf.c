#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int buf_reserve(gv_buf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
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

void gv_buf_append(gv_buf *b, const void *p, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void gv_buf_puts(gv_buf *b, const char *s)
{
    gv_buf_append(b, s, strlen(s));
}

void gv_buf_putc(gv_buf *b, char c)
{
    gv_buf_append(b, &c, 1);
}

void gv_buf_vprintf(gv_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
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

void gv_buf_json_string(gv_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    gv_buf_putc(b, '"');
    size_t run = 0; /* start of the current run of bytes needing no escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        gv_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': gv_buf_puts(b, "\\\""); break;
        case '\\': gv_buf_puts(b, "\\\\"); break;
        case '\n': gv_buf_puts(b, "\\n"); break;
        case '\r': gv_buf_puts(b, "\\r"); break;
        case '\t': gv_buf_puts(b, "\\t"); break;
        case '\b': gv_buf_puts(b, "\\b"); break;
        case '\f': gv_buf_puts(b, "\\f"); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            gv_buf_append(b, u, 6);
        }
        }
    }
    gv_buf_append(b, s + run, n - run);
    gv_buf_putc(b, '"');
}
