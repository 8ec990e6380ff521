/* JSON loader. cJSON decides whether the text is valid JSON and where it
 * is not; the document is then built in one pass over the text, which also
 * gives every node its line:column and keeps what cJSON's tree loses:
 * integers beyond 2^53, the integer/float distinction and strings holding
 * "\u0000". */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc_build.h"
#include "doc/loaders.h"
#include "doc/utf8.h"

typedef struct json_scan {
    const char *p, *end;
    const char *line_start;
    uint32_t line;
    uint32_t cont;      /* UTF-8 continuation bytes since line_start */
    uint32_t depth;
    const gv_load_opts *opts;
    gv_builder b;
    gv_error *err;
    const char *name;
    const char *text;
} json_scan;

static uint32_t scan_col(const json_scan *s)
{
    return (uint32_t)(s->p - s->line_start) - s->cont + 1;
}

static void scan_ws(json_scan *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '\n') {
            s->line++;
            s->line_start = ++s->p;
            s->cont = 0;
        } else if ((unsigned char)c <= ' ' && c != '\0') { /* cJSON's idea of space */
            s->p++;
        } else {
            break;
        }
    }
}

static void scan_fail(json_scan *s, gv_errcode code, const char *msg)
{
    gv_loc l = { s->line, scan_col(s) };
    gv_error_set(s->err, code, s->name, l, "%s", msg);
}

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* Decodes the string token at s->p (validated by cJSON) into the arena.
 * Returns its bytes and length; advances past the closing quote. */
static char *scan_string(json_scan *s, size_t *out_len)
{
    const char *start = ++s->p;
    const char *q = start;
    int escaped = 0;
    while (*q != '"') {
        if (*q == '\\') {
            escaped = 1;
            q++;
        }
        if (((unsigned char)*q & 0xC0) == 0x80)
            s->cont++;
        q++;
    }
    size_t raw = (size_t)(q - start);
    s->p = q + 1;
    gv_arena *a = gv_doc_arena(s->b.doc);
    if (!escaped) {
        *out_len = raw;
        return gv_arena_strndup(a, start, raw);
    }
    char *out = gv_arena_alloc(a, raw + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = start; p < q; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            uint32_t cp = 0, lo = 0;
            hex4(p + 1, &cp);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && p[1] == '\\' && p[2] == 'u' &&
                hex4(p + 3, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            }
            o += gv_utf8_encode(cp, o); /* never longer than the escape it replaces */
            break;
        }
        default: *o++ = *p; break; /* \" \\ \/ */
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - out);
    return out;
}

static gv_node *scan_number(json_scan *s, uint32_t line, uint32_t col)
{
    const char *start = s->p;
    int is_float = 0;
    while (s->p < s->end && strchr("+-0123456789.eE", *s->p)) {
        if (*s->p == '.' || *s->p == 'e' || *s->p == 'E')
            is_float = 1;
        s->p++;
    }
    char tmp[64];
    size_t n = (size_t)(s->p - start);
    char *lexeme = n < sizeof tmp ? tmp : malloc(n + 1);
    if (!lexeme)
        return NULL;
    memcpy(lexeme, start, n);
    lexeme[n] = '\0';
    gv_node *node = gv_node_new(s->b.doc, is_float ? GV_FLOAT : GV_INT, line, col);
    if (node && !is_float) {
        errno = 0;
        node->u.i = strtoll(lexeme, NULL, 10);
        if (errno == ERANGE) { /* beyond 64 bits: keep the magnitude as a float */
            node->kind = GV_FLOAT;
            node->u.f = strtod(lexeme, NULL);
        }
    } else if (node) {
        node->u.f = strtod(lexeme, NULL);
    }
    if (lexeme != tmp)
        free(lexeme);
    return node;
}

static gv_node *scan_value(json_scan *s);

static gv_node *scan_container(json_scan *s, int is_map, uint32_t line, uint32_t col)
{
    if (++s->depth > s->opts->max_depth) {
        char msg[96];
        snprintf(msg, sizeof msg, "nesting deeper than the limit of %u levels", s->opts->max_depth);
        scan_fail(s, GV_E_LIMIT, msg);
        return NULL;
    }
    gv_node *node = gv_node_new(s->b.doc, is_map ? GV_MAP : GV_LIST, line, col);
    size_t mark = is_map ? s->b.mlen : s->b.ilen;
    s->p++;
    scan_ws(s);
    while (node && *s->p != (is_map ? '}' : ']')) {
        if (is_map) {
            uint32_t kl = s->line, kc = scan_col(s);
            size_t klen;
            char *k = scan_string(s, &klen);
            const gv_key *key = k ? gv_doc_intern(s->b.doc, k, klen) : NULL;
            scan_ws(s);
            s->p++; /* ':' */
            gv_node *v = key ? scan_value(s) : NULL;
            if (!v || !gv_builder_push_member(&s->b, key, v, kl, kc))
                return NULL;
        } else {
            gv_node *v = scan_value(s);
            if (!v || !gv_builder_push_item(&s->b, v))
                return NULL;
        }
        scan_ws(s);
        if (*s->p == ',') {
            s->p++;
            scan_ws(s);
        }
    }
    if (!node)
        return NULL;
    s->p++;
    s->depth--;
    const gv_member *dup = NULL;
    int ok = is_map ? gv_builder_finish_map(&s->b, node, mark, GV_JSON_DUPKEYS, &dup)
                    : gv_builder_finish_list(&s->b, node, mark);
    if (ok < 0) {
        gv_loc l = { dup->line, dup->col };
        gv_error_set(s->err, GV_E_DATA, s->name, l, "duplicate key '%s' in a mapping", dup->key->str);
        return NULL;
    }
    return ok ? node : NULL;
}

static gv_node *scan_value(json_scan *s)
{
    scan_ws(s);
    uint32_t line = s->line, col = scan_col(s);
    gv_doc *d = s->b.doc;
    gv_node *n;
    switch (*s->p) {
    case '{': return scan_container(s, 1, line, col);
    case '[': return scan_container(s, 0, line, col);
    case '"': {
        size_t len;
        char *str = scan_string(s, &len);
        if (!str || !(n = gv_node_new(d, GV_STRING, line, col)))
            return NULL;
        n->u.s = str;
        n->len = (uint32_t)len;
        return n;
    }
    case 't': case 'f':
        n = gv_node_new(d, GV_BOOL, line, col);
        if (n)
            n->u.b = *s->p == 't';
        s->p += *s->p == 't' ? 4 : 5;
        return n;
    case 'n':
        s->p += 4;
        return gv_node_new(d, GV_NULL, line, col);
    default:
        return scan_number(s, line, col);
    }
}

/* Depth as cJSON would meet it, to tell a too-deep document from a bad one. */
static size_t find_too_deep(const char *text, size_t len, uint32_t limit)
{
    uint32_t depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > limit)
                return i;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return len;
}

static const char *describe_at(const char *p, const char *end, char *buf, size_t n)
{
    if (p >= end)
        return "end of input";
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02x", c);
    return buf;
}

gv_node *gv_json_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err)
{
    const char *name = gv_doc_name(d);
    size_t deep = find_too_deep(text, len, o->max_depth);
    if (deep < len) {
        gv_error_set(err, GV_E_LIMIT, name, gv_text_loc(text, len, deep),
                     "nesting deeper than the limit of %u levels", o->max_depth);
        return NULL;
    }
    const char *end = NULL;
    cJSON *tree = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!tree) {
        const char *at = cJSON_GetErrorPtr();
        if (!at || at < text || at > text + len)
            at = text + len;
        char what[32];
        gv_error_set(err, GV_E_DATA, name, gv_text_loc(text, len, (size_t)(at - text)),
                     "expected a JSON value, found %s", describe_at(at, text + len, what, sizeof what));
        return NULL;
    }
    cJSON_Delete(tree);
    json_scan s = { 0 };
    s.p = text;
    s.end = text + len;
    s.line_start = text;
    s.line = 1;
    s.opts = o;
    s.err = err;
    s.name = name;
    s.text = text;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3, s.cont = 2;
    gv_builder_init(&s.b, d);
    gv_node *root = scan_value(&s);
    if (root) {
        scan_ws(&s);
        if (s.p < s.end && *s.p != '\0') {
            char what[32];
            char msg[96];
            snprintf(msg, sizeof msg, "expected end of input, found %s",
                     describe_at(s.p, s.end, what, sizeof what));
            scan_fail(&s, GV_E_DATA, msg);
            root = NULL;
        }
    } else if (err->code == GV_OK) {
        gv_error_set(err, GV_E_NOMEM, name, (gv_loc){ 0, 0 }, "out of memory loading JSON");
    }
    gv_builder_free(&s.b);
    return root;
}
