/* How `json_parse` types a plain scalar. cfn-guard's data loader and its
 * json_parse function read YAML through different code: json_parse goes
 * through serde_yaml, whose rules for untagged plain scalars differ from the
 * loader's (yaml_scalar.c). Probed with cfn-guard 3.1.1 (probes 3xx):
 *
 *  - "" (an empty scalar), ~, null, Null, NULL: null (nUll is a string);
 *  - true/True/TRUE, false/False/FALSE: bools (tRue is a string);
 *  - integers with an optional sign: decimal, 0x hex, 0o octal, 0b binary
 *    (lower-case prefixes only: 0X1F is a string). A decimal with a
 *    leading zero and more digits (017, +017, -017, 08) is a string, and is
 *    not tried as a float either. No underscores (1_000 is a string);
 *  - an integer above the 64-bit signed range but within 64 unsigned bits
 *    wraps (18446744073709551615 gives -1); one beyond that, or below the
 *    signed range, that still fits 128 bits aborts json_parse ("invalid
 *    type: integer ... as u128"); longer ones fall through to floats;
 *  - floats as Rust parses them (.5, 5., 1e3, +.5), when finite: 1e400,
 *    inf and nan are strings; .inf/.Inf/.INF (signed) and .nan/.NaN/.NAN
 *    are the infinities and NaN (cfn-guard evaluates them, but aborts when
 *    a report has to show one: see docs/language.md 15.5);
 *  - anything else: a string.
 * Core tags are strict: !!bool takes only the six bool words, !!null only
 * the four null words (not ""), !!int an integer as above (017 is an
 * error, 0x10 is 16), !!float a finite float or one of the .inf/.nan words
 * (017 is 17.0; inf, nan and 1e400 are errors); any other core tag (!!str,
 * !!binary) gives a string.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "doc/yaml_scalar.h"

static int is_one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return 1;
    return 0;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 99;
}

/* Magnitude of digits in the given radix, as Rust's from_str_radix reads
 * them: at least one digit, nothing else. Sets *wide when the value does
 * not fit 64 bits, *huge when it does not fit 128 bits either. The 128-bit
 * value is kept as two halves (hi:lo). */
static int magnitude(const char *s, size_t n, unsigned radix, uint64_t *out, int *wide, int *huge)
{
    uint64_t lo = 0, hi = 0;
    *wide = *huge = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)digit_value(s[i]);
        if (d >= radix)
            return 0;
        if (*huge)
            continue;
        uint64_t low = (lo & 0xffffffffu) * radix + d;
        uint64_t high = (lo >> 32) * radix + (low >> 32);
        uint64_t carry = high >> 32;
        if (hi > (UINT64_MAX - carry) / radix) {
            *huge = 1;
            continue;
        }
        lo = (high << 32) | (low & 0xffffffffu);
        hi = hi * radix + carry;
    }
    *wide = hi != 0;
    *out = lo;
    return 1;
}

typedef enum { INT_NONE, INT_OK, INT_TOO_BIG } int_kind;

/* serde_yaml's integer reading (sign, radix prefix, leading-zero rule). */
static int_kind parse_int(const char *s, size_t n, int64_t *out)
{
    int neg = 0;
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    unsigned radix = 10;
    if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        radix = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    } else if (n - i > 1 && s[i] == '0') {
        return INT_NONE; /* leading zero: a string (checked by the caller) */
    }
    uint64_t mag;
    int wide, huge;
    if (!magnitude(s + i, n - i, radix, &mag, &wide, &huge) || huge)
        return INT_NONE;
    if (wide)
        return INT_TOO_BIG;
    if (neg) {
        if (mag > (uint64_t)INT64_MAX + 1)
            return INT_TOO_BIG;
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
    } else {
        *out = (int64_t)mag; /* above INT64_MAX: wraps, as cfn-guard's `as i64` */
    }
    return INT_OK;
}

int gv_scalar_zero_padded(const char *s, size_t n)
{
    if (n && (s[0] == '+' || s[0] == '-'))
        s++, n--;
    if (n < 2 || s[0] != '0')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static const char *const nulls[] = { "~", "null", "Null", "NULL", NULL };
static const char *const trues[] = { "true", "True", "TRUE", NULL };
static const char *const falses[] = { "false", "False", "FALSE", NULL };

/* serde_yaml's own spellings of the infinities and NaN ("+.nan" is not one). */
static int special_float(const char *s, size_t n, double *out)
{
    static const char *const pos[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
    static const char *const neg[] = { "-.inf", "-.Inf", "-.INF", NULL };
    static const char *const nan[] = { ".nan", ".NaN", ".NAN", NULL };
    if (is_one_of(s, n, pos))
        *out = INFINITY;
    else if (is_one_of(s, n, neg))
        *out = -INFINITY;
    else if (is_one_of(s, n, nan))
        *out = NAN;
    else
        return 0;
    return 1;
}

gv_node *gv_serde_plain_scalar(gv_doc *d, const char *s, size_t len, uint32_t line, uint32_t col,
                               gv_scalar_status *st)
{
    gv_node *n;
    double f;
    *st = GV_SCALAR_OK;
    if (len == 0 || is_one_of(s, len, nulls)) {
        n = gv_node_new(d, GV_NULL, line, col);
    } else if (is_one_of(s, len, trues) || is_one_of(s, len, falses)) {
        if ((n = gv_node_new(d, GV_BOOL, line, col)))
            n->u.b = s[0] == 't' || s[0] == 'T';
    } else if (special_float(s, len, &f)) {
        if ((n = gv_node_new(d, GV_FLOAT, line, col)))
            n->u.f = f;
    } else {
        int64_t i;
        int_kind k = parse_int(s, len, &i);
        if (k == INT_TOO_BIG) {
            *st = GV_SCALAR_BAD_NUMBER;
            return NULL;
        }
        if (k == INT_OK) {
            if ((n = gv_node_new(d, GV_INT, line, col)))
                n->u.i = i;
        } else if (!gv_scalar_zero_padded(s, len) && !(len > 1 && s[0] == '+' && (s[1] == '+' || s[1] == '-')) &&
                   gv_parse_f64(s, len, &f) && isfinite(f)) { /* nan, inf, 1e400: strings */
            if ((n = gv_node_new(d, GV_FLOAT, line, col)))
                n->u.f = f;
        } else {
            n = gv_node_new_string(d, s, len, line, col);
        }
    }
    if (!n)
        *st = GV_SCALAR_NOMEM;
    return n;
}

gv_scalar_status gv_serde_core_scalar(gv_doc *d, const char *type, const char *s, size_t len,
                                      uint32_t line, uint32_t col, gv_node **out)
{
    int64_t i;
    double f;
    gv_node *n;
    if (strcmp(type, "bool") == 0) {
        int t = is_one_of(s, len, trues);
        if (!t && !is_one_of(s, len, falses))
            return GV_SCALAR_BAD_NUMBER;
        if ((n = gv_node_new(d, GV_BOOL, line, col)))
            n->u.b = t;
    } else if (strcmp(type, "null") == 0) {
        if (!is_one_of(s, len, nulls))
            return GV_SCALAR_BAD_NUMBER;
        n = gv_node_new(d, GV_NULL, line, col);
    } else if (strcmp(type, "int") == 0) {
        if (parse_int(s, len, &i) != INT_OK)
            return GV_SCALAR_BAD_INT;
        if ((n = gv_node_new(d, GV_INT, line, col)))
            n->u.i = i;
    } else if (strcmp(type, "float") == 0) {
        if (special_float(s, len, &f) ||
            (!(len > 1 && s[0] == '+' && (s[1] == '+' || s[1] == '-')) && gv_parse_f64(s, len, &f) &&
             isfinite(f))) {
            if ((n = gv_node_new(d, GV_FLOAT, line, col)))
                n->u.f = f;
        } else {
            return GV_SCALAR_BAD_FLOAT;
        }
    } else {
        n = gv_node_new_string(d, s, len, line, col);
    }
    *out = n;
    return n ? GV_SCALAR_OK : GV_SCALAR_NOMEM;
}
