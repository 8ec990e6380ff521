/* Text conversions behind the built-in functions, each reproducing the Rust
 * standard-library routine cfn-guard 3.1.1 calls (see functions.c for the
 * probes): f64 Display, i64/f64 FromStr, urlencoding::decode, Unicode case
 * mapping. */
#define _GNU_SOURCE 1 /* newlocale, towupper_l */
#include "vm/functions.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "doc/utf8.h"

/* ---- f64 Display ---- */

void gv_fmt_rust_float(gv_buf *out, double v)
{
    if (isnan(v)) {
        gv_buf_puts(out, "NaN");
        return;
    }
    if (signbit(v))
        gv_buf_putc(out, '-');
    v = fabs(v);
    if (isinf(v)) {
        gv_buf_puts(out, "inf");
        return;
    }
    if (v == 0) {
        gv_buf_putc(out, '0');
        return;
    }
    /* the shortest %e form that reads back as v: Rust prints those digits */
    char e[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, v);
        if (strtod(e, NULL) == v)
            break;
    }
    char digits[24];
    size_t nd = 0;
    const char *p = e;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    int exp10 = atoi(p + 1); /* value = d.ddd x 10^exp10 */
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (exp10 >= 0) {
        size_t ip = (size_t)exp10 + 1; /* digits before the point */
        for (size_t i = 0; i < ip; i++)
            gv_buf_putc(out, i < nd ? digits[i] : '0');
        if (nd > ip) {
            gv_buf_putc(out, '.');
            gv_buf_append(out, digits + ip, nd - ip);
        }
    } else {
        gv_buf_puts(out, "0.");
        for (int i = 0; i < -exp10 - 1; i++)
            gv_buf_putc(out, '0');
        gv_buf_append(out, digits, nd);
    }
}

/* ---- FromStr ---- */

int gv_parse_rust_i64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == len)
        return 0;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (lim - d) / 10)
            return 0; /* overflow is an error in Rust, not a wrap */
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

static int ieq(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != w[i])
            return 0;
    return 1;
}

int gv_parse_rust_f64(const char *s, size_t len, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    const char *b = s + i;
    size_t bl = len - i;
    if (ieq(b, bl, "inf") || ieq(b, bl, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    if (ieq(b, bl, "nan")) {
        *out = NAN;
        return 1;
    }
    /* digits [. digits] | . digits, then an optional exponent: no blanks, no hex */
    size_t int_d = 0, frac_d = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, int_d++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, frac_d++;
    }
    if (int_d + frac_d == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, ed++;
        if (!ed)
            return 0;
    }
    if (i != len)
        return 0;
    char tmp[128];
    char *heap = NULL, *t = tmp;
    if (len >= sizeof tmp) {
        if (!(heap = malloc(len + 1)))
            return 0;
        t = heap;
    }
    memcpy(t, s, len);
    t[len] = '\0';
    *out = strtod(t, NULL); /* syntax checked above; overflow gives inf as in Rust */
    free(heap);
    return 1;
}

/* ---- url decoding ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int gv_url_decode(const char *s, size_t len, gv_buf *out)
{
    size_t start = out->len;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int h = i + 1 < len ? hexval(s[i + 1]) : -1;
            int l = i + 2 < len ? hexval(s[i + 2]) : -1;
            if (h >= 0 && l >= 0) {
                gv_buf_putc(out, (char)(h * 16 + l));
                i += 2;
                continue;
            }
        }
        gv_buf_putc(out, s[i]);
    }
    size_t n = out->len - start;
    return gv_utf8_check(out->data ? out->data + start : "", n) == n;
}

/* ---- case mapping ---- */

static uint32_t utf8_decode(const unsigned char *s, size_t len, size_t *adv)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (n > len)
        n = 1;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (s[k] & 0x3Fu);
    *adv = n;
    return cp;
}

static void put_cp(gv_buf *out, uint32_t cp)
{
    char b[4];
    gv_buf_append(out, b, gv_utf8_encode(cp, b));
}

/* SpecialCasing.txt's unconditional one-to-many mappings that occur in
 * practice (Rust applies them all; the rare Greek iota forms are left to the
 * simple mapping). */
static int special_upper(uint32_t cp, gv_buf *out)
{
    switch (cp) {
    case 0x00DF: gv_buf_puts(out, "SS"); return 1;              /* ß */
    case 0x0149: put_cp(out, 0x02BC); gv_buf_putc(out, 'N'); return 1; /* ŉ */
    case 0x01F0: gv_buf_putc(out, 'J'); put_cp(out, 0x030C); return 1; /* ǰ */
    case 0x1E9E: put_cp(out, 0x1E9E); return 1;
    case 0xFB00: gv_buf_puts(out, "FF"); return 1;
    case 0xFB01: gv_buf_puts(out, "FI"); return 1;
    case 0xFB02: gv_buf_puts(out, "FL"); return 1;
    case 0xFB03: gv_buf_puts(out, "FFI"); return 1;
    case 0xFB04: gv_buf_puts(out, "FFL"); return 1;
    case 0xFB05:
    case 0xFB06: gv_buf_puts(out, "ST"); return 1;
    case 0x0587: put_cp(out, 0x0535); put_cp(out, 0x0552); return 1; /* և */
    default: return 0;
    }
}

void gv_case_map(const char *s, size_t len, int upper, gv_buf *out)
{
    size_t i = 0;
    /* ASCII needs no tables and is by far the common case */
    for (; i < len && !(s[i] & 0x80); i++)
        gv_buf_putc(out, (char)(upper ? toupper((unsigned char)s[i]) : tolower((unsigned char)s[i])));
    if (i == len)
        return;
    /* A locale object, not setlocale(): no process-wide state is touched. */
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    const unsigned char *u = (const unsigned char *)s;
    while (i < len) {
        size_t adv;
        uint32_t cp = utf8_decode(u + i, len - i, &adv);
        if (upper) {
            if (!special_upper(cp, out))
                put_cp(out, loc ? (uint32_t)towupper_l((wint_t)cp, loc)
                                : (cp < 0x80 ? (uint32_t)toupper((int)cp) : cp));
        } else if (cp == 0x0130) { /* İ -> i + combining dot above */
            gv_buf_putc(out, 'i');
            put_cp(out, 0x0307);
        } else if (cp == 0x03A3) {
            /* final sigma: after a letter and not before one */
            int before = 0, after = 0;
            if (i > 0) {
                size_t k = i - 1;
                while (k > 0 && (u[k] & 0xC0) == 0x80)
                    k--;
                size_t a2;
                uint32_t pc = utf8_decode(u + k, len - k, &a2);
                before = loc ? iswalpha_l((wint_t)pc, loc) : isalpha((int)(pc & 0x7F));
            }
            if (i + adv < len) {
                size_t a2;
                uint32_t nc = utf8_decode(u + i + adv, len - i - adv, &a2);
                after = loc ? iswalpha_l((wint_t)nc, loc) : isalpha((int)(nc & 0x7F));
            }
            put_cp(out, before && !after ? 0x03C2 : 0x03C3);
        } else {
            put_cp(out, loc ? (uint32_t)towlower_l((wint_t)cp, loc)
                            : (cp < 0x80 ? (uint32_t)tolower((int)cp) : cp));
        }
        i += adv;
    }
    if (loc)
        freelocale(loc);
}
