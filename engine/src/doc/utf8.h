/* UTF-8 validation and text positions shared by the loaders. */
#ifndef GV_UTF8_H
#define GV_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Returns the offset of the first byte that is not valid UTF-8, or len. */
size_t gv_utf8_check(const char *s, size_t len);
/* 1-based line and column (in characters) of byte offset off in text. */
gv_loc gv_text_loc(const char *text, size_t len, size_t off);
/* Appends one code point as UTF-8; returns the bytes written (1..4). */
size_t gv_utf8_encode(uint32_t cp, char *out);

#endif
