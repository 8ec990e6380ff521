/* Growable byte buffer for building output and scratch strings. */
#ifndef GV_BUF_H
#define GV_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct gv_buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int oom;      /* set once an allocation failed; further appends are dropped */
} gv_buf;

void gv_buf_init(gv_buf *b);
void gv_buf_free(gv_buf *b);
void gv_buf_clear(gv_buf *b);
void gv_buf_append(gv_buf *b, const void *p, size_t n);
void gv_buf_puts(gv_buf *b, const char *s);
void gv_buf_putc(gv_buf *b, char c);
void gv_buf_printf(gv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gv_buf_vprintf(gv_buf *b, const char *fmt, va_list ap);
/* Appends s as a JSON string literal (quotes included, escapes applied). */
void gv_buf_json_string(gv_buf *b, const char *s, size_t n);

#endif
