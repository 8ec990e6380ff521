/* UTF-8 validation and text positions shared by the loaders. Positions
 * count line breaks the way libyaml does (LF, CR, CRLF, NEL, LS, PS), so a
 * position computed here agrees with a libyaml mark. */
#ifndef GV_UTF8_H
#define GV_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Returns the offset of the first byte that is not valid UTF-8 (overlong
 * forms, surrogates and code points past U+10FFFF are invalid), or len. */
size_t gv_utf8_check(const char *s, size_t len);
/* 1-based line and column (in characters) of byte offset off in text. */
gv_loc gv_text_loc(const char *text, size_t len, size_t off);
/* Byte offset of the 0-based line and column (in characters), or len when
 * the text is shorter. */
size_t gv_text_offset(const char *text, size_t len, size_t line, size_t col);
/* Length in bytes of the line break at s (0 when there is none). */
size_t gv_text_break(const char *s, size_t avail);
/* Appends one code point as UTF-8; returns the bytes written (1..4). */
size_t gv_utf8_encode(uint32_t cp, char *out);
/* Decodes the (valid) UTF-8 character at s; sets *n to its length. */
uint32_t gv_utf8_decode(const char *s, size_t avail, size_t *n);
/* True when the text holds nothing but Unicode White_Space (what Rust's
 * str::trim removes): cfn-guard calls such a file empty. */
bool gv_utf8_is_blank(const char *s, size_t len);

#endif
