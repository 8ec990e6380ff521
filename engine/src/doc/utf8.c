#include "doc/utf8.h"

#include <string.h>

size_t gv_utf8_check(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs dominate data files: test eight bytes at a time */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        if ((c & 0xE0) == 0xC0) { n = 1; min = 0x80; c &= 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; min = 0x800; c &= 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; min = 0x10000; c &= 0x07; }
        else return i;
        if (i + n >= len)
            return i;
        unsigned cp = c;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return len;
}

size_t gv_text_break(const char *str, size_t avail)
{
    const unsigned char *s = (const unsigned char *)str;
    if (avail == 0)
        return 0;
    if (s[0] == '\n')
        return 1;
    if (s[0] == '\r')
        return avail > 1 && s[1] == '\n' ? 2 : 1;
    if (avail > 1 && s[0] == 0xC2 && s[1] == 0x85) /* NEL */
        return 2;
    if (avail > 2 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9)) /* LS, PS */
        return 3;
    return 0;
}

static int is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

gv_loc gv_text_loc(const char *text, size_t len, size_t off)
{
    gv_loc l = { 1, 1 };
    if (off > len)
        off = len;
    size_t i = 0;
    while (i < off) {
        size_t br = gv_text_break(text + i, len - i);
        if (br) {
            l.line++;
            l.col = 1;
            i += br;
            continue;
        }
        if (!is_cont(text[i]))
            l.col++;
        i++;
    }
    /* an offset inside a character belongs to that character */
    if (l.col > 1 && off < len && is_cont(text[off]))
        l.col--;
    return l;
}

size_t gv_text_offset(const char *text, size_t len, size_t line, size_t col)
{
    size_t i = 0;
    while (line > 0 && i < len) {
        size_t br = gv_text_break(text + i, len - i);
        i += br ? br : 1;
        if (br)
            line--;
    }
    while (col > 0 && i < len) {
        i++;
        while (i < len && is_cont(text[i]))
            i++;
        col--;
    }
    return i;
}

size_t gv_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

uint32_t gv_utf8_decode(const char *str, size_t avail, size_t *n)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (k > avail)
        k = 1;
    uint32_t cp = k == 1 ? c : k == 2 ? (c & 0x1Fu) : k == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < k; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    *n = k;
    return cp;
}

static bool is_white_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool gv_utf8_is_blank(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n;
        if (!is_white_space(gv_utf8_decode(s + i, len - i, &n)))
            return false;
        i += n;
    }
    return true;
}
