#include "report/fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/program.h"

/* Shortest decimal digits that read back as d (d finite, > 0): d is
 * 0.DIGITS x 10^point. Returns the number of digits. */
static int shortest_digits(double d, char digits[24], int *point)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d || prec == 17)
            break;
    }
    int n = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
    *point = (*p == 'e' ? atoi(p + 1) : 0) + 1;
    return n;
}

static void zeros(gv_buf *out, int n)
{
    for (int i = 0; i < n; i++)
        gv_buf_putc(out, '0');
}

/* Handles sign, zero and non-finite values; returns 1 when it printed. */
static int special(gv_buf *out, double *d, const char *zero, const char *inf, const char *nan)
{
    if (isnan(*d)) {
        gv_buf_puts(out, nan);
        return 1;
    }
    if (signbit(*d)) {
        gv_buf_putc(out, '-');
        *d = -*d;
    }
    if (isinf(*d)) {
        gv_buf_puts(out, inf);
        return 1;
    }
    if (*d == 0) {
        gv_buf_puts(out, zero);
        return 1;
    }
    return 0;
}

static void exponential(gv_buf *out, const char *dg, int n, int point)
{
    gv_buf_putc(out, dg[0]);
    if (n > 1) {
        gv_buf_putc(out, '.');
        gv_buf_append(out, dg + 1, (size_t)n - 1);
    }
    gv_buf_printf(out, "e%d", point - 1);
}

/* Positional notation; with_point adds ".0" to whole numbers. */
static void positional(gv_buf *out, const char *dg, int n, int point, int with_point)
{
    if (point <= 0) {
        gv_buf_puts(out, "0.");
        zeros(out, -point);
        gv_buf_append(out, dg, (size_t)n);
    } else if (point >= n) {
        gv_buf_append(out, dg, (size_t)n);
        zeros(out, point - n);
        if (with_point)
            gv_buf_puts(out, ".0");
    } else {
        gv_buf_append(out, dg, (size_t)point);
        gv_buf_putc(out, '.');
        gv_buf_append(out, dg + point, (size_t)(n - point));
    }
}

void gv_fmt_float_ryu(gv_buf *out, double d)
{
    if (special(out, &d, "0.0", "inf", "NaN"))
        return;
    char dg[24];
    int point, n = shortest_digits(d, dg, &point);
    if ((point >= n && point <= 16) || (point > 0 && point <= 16) || (point > -5 && point <= 0))
        positional(out, dg, n, point, 1);
    else
        exponential(out, dg, n, point);
}

void gv_fmt_float_display(gv_buf *out, double d)
{
    if (special(out, &d, "0", "inf", "NaN"))
        return;
    char dg[24];
    int point, n = shortest_digits(d, dg, &point);
    positional(out, dg, n, point, 0);
}

void gv_fmt_float_debug(gv_buf *out, double d)
{
    if (special(out, &d, "0.0", "inf", "NaN"))
        return;
    char dg[24];
    int point, n = shortest_digits(d, dg, &point);
    if (d < 1e-4 || d >= 1e16)
        exponential(out, dg, n, point);
    else
        positional(out, dg, n, point, 1);
}

static void range_text(gv_buf *out, const gv_range_node *r)
{
    gv_buf_putc(out, r->lo_incl ? '[' : '(');
    if (r->kind == GV_RANGE_RT_FLOAT) {
        gv_fmt_float_display(out, r->lo_f);
        gv_buf_putc(out, ',');
        gv_fmt_float_display(out, r->hi_f);
    } else if (r->kind == GV_RANGE_RT_CHAR) {
        gv_buf_printf(out, "%c,%c", (char)r->lo_i, (char)r->hi_i);
    } else {
        gv_buf_printf(out, "%lld,%lld", (long long)r->lo_i, (long long)r->hi_i);
    }
    gv_buf_putc(out, r->hi_incl ? ']' : ')');
}

void gv_fmt_value_display(gv_buf *out, const gv_node *n)
{
    if (n->kind == GV_CHAR)
        gv_buf_printf(out, "'%c'", n->u.s[0]);
    else
        gv_fmt_value(out, n);
}

static void value_as(gv_buf *out, const gv_node *n, const char *null_text)
{
    switch (n->kind) {
    case GV_NULL: gv_buf_puts(out, null_text); break;
    case GV_BOOL: gv_buf_puts(out, n->u.b ? "true" : "false"); break;
    case GV_INT: gv_buf_int(out, (long long)n->u.i); break;
    case GV_FLOAT: gv_fmt_float_display(out, n->u.f); break;
    case GV_STRING:
    case GV_CHAR: /* cfn-guard's reports show a char quoted like a string */
        gv_buf_putc(out, '"');
        gv_buf_append(out, n->u.s, n->len);
        gv_buf_putc(out, '"');
        break;
    case GV_REGEX:
        gv_buf_puts(out, "\"/");
        gv_buf_append(out, n->u.s, n->len);
        gv_buf_puts(out, "/\"");
        break;
    case GV_RANGE: range_text(out, (const gv_range_node *)n); break;
    case GV_LIST:
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            value_as(out, n->u.items[i], null_text);
        }
        gv_buf_putc(out, ']');
        break;
    case GV_MAP:
        gv_buf_putc(out, '{');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            gv_buf_putc(out, '"');
            gv_buf_append(out, n->u.members[i].key->str, n->u.members[i].key->len);
            gv_buf_puts(out, "\":");
            value_as(out, n->u.members[i].value, null_text);
        }
        gv_buf_putc(out, '}');
        break;
    }
}

void gv_fmt_value(gv_buf *out, const gv_node *n)
{
    value_as(out, n, "\"NULL\"");
}

void gv_fmt_scalar_json(gv_buf *out, const gv_node *n)
{
    gv_buf t;
    switch (n->kind) {
    case GV_NULL: gv_buf_puts(out, "null"); break;
    case GV_BOOL: gv_buf_puts(out, n->u.b ? "true" : "false"); break;
    case GV_INT: gv_buf_int(out, (long long)n->u.i); break;
    case GV_FLOAT: gv_fmt_float_ryu(out, n->u.f); break;
    case GV_STRING:
    case GV_CHAR: gv_buf_json_string(out, n->u.s, n->len); break; /* cfn-guard prints a char as a string */
    case GV_LIST:
    case GV_MAP: break;
    default:
        gv_buf_init(&t);
        gv_fmt_value(&t, n);
        if (n->kind == GV_REGEX && t.len >= 2) /* drop the quotes gv_fmt_value adds */
            gv_buf_json_string(out, t.data + 1, t.len - 2);
        else
            gv_buf_json_string(out, t.data ? t.data : "", t.len);
        if (t.oom)
            out->oom = 1;
        gv_buf_free(&t);
    }
}

void gv_fmt_value_generic(gv_buf *out, const gv_node *n)
{
    if (n->kind == GV_LIST) {
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            gv_fmt_value_generic(out, n->u.items[i]);
        }
        gv_buf_putc(out, ']');
    } else if (n->kind == GV_MAP) {
        gv_buf_putc(out, '{');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            gv_buf_json_string(out, n->u.members[i].key->str, n->u.members[i].key->len);
            gv_buf_putc(out, ':');
            gv_fmt_value_generic(out, n->u.members[i].value);
        }
        gv_buf_putc(out, '}');
    } else {
        gv_fmt_scalar_json(out, n);
    }
}

void gv_fmt_loc(gv_buf *out, const gv_node *n)
{
    unsigned l = n && n->located && n->line ? n->line - 1 : 0;
    unsigned c = n && n->located && n->col ? n->col - 1 : 0;
    /* written in place: two or three per failed check of a report */
    if (out->len + 32 > out->cap && !gv_buf_reserve(out, 31))
        return;
    char *d = out->data + out->len;
    memcpy(d, "[L:", 3);
    d = gv_put_uint(d + 3, l);
    memcpy(d, ",C:", 3);
    d = gv_put_uint(d + 3, c);
    *d++ = ']';
    *d = '\0';
    out->len = (size_t)(d - out->data);
}

void gv_fmt_path(gv_buf *out, const gv_val *v)
{
    gv_path_print(out, v->path); /* literals have none, but see gv_check_rhs */
}

const char *gv_fmt_type_name(const gv_node *n)
{
    switch (n->kind) {
    case GV_NULL: return "null";
    case GV_BOOL: return "bool";
    case GV_INT: return "int";
    case GV_FLOAT: return "float";
    case GV_STRING: return "String";
    case GV_CHAR: return "char";
    case GV_LIST: return "array";
    case GV_MAP: return "map";
    case GV_REGEX: return "Regex";
    default: { /* cfn-guard names a range by its bounds' type (probed) */
        const gv_range_node *r = (const gv_range_node *)n;
        return r->kind == GV_RANGE_RT_FLOAT ? "range(float, float)"
               : r->kind == GV_RANGE_RT_CHAR ? "range(char, char)"
                                             : "range(int, int)";
    }
    }
}

/* Rust's Debug of a str: quotes, with \" \\ and control characters escaped. */
static void debug_str(gv_buf *out, const char *s, size_t n)
{
    gv_buf_putc(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': gv_buf_puts(out, "\\\""); break;
        case '\\': gv_buf_puts(out, "\\\\"); break;
        case '\n': gv_buf_puts(out, "\\n"); break;
        case '\r': gv_buf_puts(out, "\\r"); break;
        case '\t': gv_buf_puts(out, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                gv_buf_printf(out, "\\u{%x}", c);
            else
                gv_buf_putc(out, (char)c);
        }
    }
    gv_buf_putc(out, '"');
}

static void debug_path(gv_buf *out, const char *path, size_t plen, unsigned line, unsigned col)
{
    gv_buf_puts(out, "Path(");
    debug_str(out, path, plen);
    gv_buf_printf(out, ", Location { line: %u, col: %u })", line, col);
}

/* A node made at run time has no location of its own: cfn-guard shows
 * the one of the value it was made from (from; probed on json_parse and
 * parse_char results), for its items too. */
static const gv_node *loc_of(const gv_node *n, const gv_node *from)
{
    return n->located || !from ? n : from;
}

static void debug_node_path(gv_buf *out, const gv_node *n, const char *path, size_t plen)
{
    debug_path(out, path, plen, n->located && n->line ? n->line - 1 : 0, n->located && n->col ? n->col - 1 : 0);
}

static void debug_at(gv_buf *out, const gv_node *n, const char *path, size_t plen, const gv_node *from);

static void debug_child(gv_buf *out, const gv_node *n, const char *path, size_t plen, const char *step,
                        size_t slen, const gv_node *from)
{
    gv_buf p;
    gv_buf_init(&p);
    gv_buf_append(&p, path, plen);
    gv_buf_putc(&p, '/');
    gv_buf_append(&p, step, slen);
    debug_at(out, n, p.data ? p.data : "", p.len, from);
    gv_buf_free(&p);
}

static void debug_map(gv_buf *out, const gv_node *n, const char *path, size_t plen, const gv_node *from)
{
    gv_buf_puts(out, "MapValue { keys: [");
    for (uint32_t i = 0; i < n->len; i++) {
        const gv_member *m = &n->u.members[i];
        gv_buf_puts(out, i ? ", String((" : "String((");
        if (!n->located && from) { /* a map made at run time: its key at path/key (probed) */
            gv_buf k;
            gv_buf_init(&k);
            gv_buf_append(&k, path, plen);
            gv_buf_putc(&k, '/');
            gv_buf_append(&k, m->key->str, m->key->len);
            debug_node_path(out, from, k.data ? k.data : "", k.len);
            gv_buf_free(&k);
        } else {
            debug_path(out, path, plen, m->line ? m->line - 1 : 0, m->col ? m->col - 1 : 0);
        }
        gv_buf_puts(out, ", ");
        debug_str(out, m->key->str, m->key->len);
        gv_buf_puts(out, "))");
    }
    gv_buf_puts(out, "], values: {");
    for (uint32_t i = 0; i < n->len; i++) {
        const gv_member *m = &n->u.members[i];
        if (i)
            gv_buf_puts(out, ", ");
        debug_str(out, m->key->str, m->key->len);
        gv_buf_puts(out, ": ");
        debug_child(out, m->value, path, plen, m->key->str, m->key->len, from);
    }
    gv_buf_puts(out, "} }");
}

static void debug_at(gv_buf *out, const gv_node *n, const char *path, size_t plen, const gv_node *from)
{
    static const char *const names[] = { "Null", "Bool", "Int", "Float", "String", "List", "Map", "Regex", "RangeInt", "Char" };
    gv_buf_printf(out, "%s(", n->kind < 10 ? names[n->kind] : "Null");
    if (n->kind == GV_NULL) {
        debug_node_path(out, loc_of(n, from), path, plen);
        gv_buf_putc(out, ')');
        return;
    }
    gv_buf_putc(out, '(');
    debug_node_path(out, loc_of(n, from), path, plen);
    gv_buf_puts(out, ", ");
    switch (n->kind) {
    case GV_BOOL: gv_buf_puts(out, n->u.b ? "true" : "false"); break;
    case GV_INT: gv_buf_int(out, (long long)n->u.i); break;
    case GV_FLOAT: gv_fmt_float_debug(out, n->u.f); break;
    case GV_STRING:
    case GV_REGEX: debug_str(out, n->u.s, n->len); break;
    case GV_CHAR: gv_buf_printf(out, "'%c'", n->u.s[0]); break; /* Rust's Debug of a char */
    case GV_LIST:
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->len; i++) {
            char idx[16];
            int k = snprintf(idx, sizeof idx, "%u", i);
            if (i)
                gv_buf_puts(out, ", ");
            debug_child(out, n->u.items[i], path, plen, idx, (size_t)k, from);
        }
        gv_buf_putc(out, ']');
        break;
    case GV_MAP: debug_map(out, n, path, plen, from); break;
    default: break;
    }
    gv_buf_puts(out, "))");
}

void gv_fmt_debug(gv_buf *out, const gv_node *n, const char *path, size_t plen)
{
    debug_at(out, n, path, plen, NULL);
}

void gv_fmt_debug_from(gv_buf *out, const gv_node *n, const char *path, size_t plen, const gv_node *from)
{
    debug_at(out, n, path, plen, from);
}
