#include "report/jwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/yaml_emit.h"

void gv_jw_init_json(gv_jw *w, gv_buf *out, int depth)
{
    *w = (gv_jw){ .out = out, .depth = depth, .cap = 32 };
    w->lv = w->small;
    gv_buf_init(&w->tmp);
    gv_buf_init(&w->escaped);
}

void gv_jw_init_yaml(gv_jw *w, gv_buf *out)
{
    gv_jw_init_json(w, out, 0);
    w->yaml = 1;
}

void gv_jw_init_probe(gv_jw *w)
{
    gv_jw_init_json(w, NULL, 0);
    w->probe = 1;
}

void gv_jw_finish(gv_jw *w)
{
    if (w->lv != w->small)
        free(w->lv);
    w->lv = w->small;
    gv_buf_free(&w->tmp);
    gv_buf_free(&w->escaped);
    free(w->consts);
    w->consts = NULL;
}

/* JSON: the separator, newline, indent and name before a value, and
 * `extra` more bytes the caller writes at the returned end, in one
 * reservation (nearly every line of a report is one of these). Inline in
 * each kind of value: a call per line was a fifth of the lead's cost.
 * NULL when out of memory. */
static inline __attribute__((always_inline)) char *json_lead(gv_jw *w, gv_jw_key key, size_t extra)
{
    gv_buf *out = w->out;
    size_t indent = 2 * ((size_t)w->depth + w->n);
    size_t room = indent + key.len + extra + 70; /* ",\n" + indent + quoted key + 64 for the fixed copy */
    if (out->len + room + 1 > out->cap && !gv_buf_reserve(out, room))
        return NULL;
    char *p = out->data + out->len;
    if (!w->n)
        return p;
    gv_jw_level *l = &w->lv[w->n - 1];
    *p = ',';
    p += l->any;
    l->any = 1;
    p = gv_json_put_newline(p, indent);
    if (key.s) {
        *p++ = '"';
        gv_copy_short(p, key.s, key.len);
        p += key.len;
        memcpy(p, "\": ", 3);
        p += 3;
    }
    return p;
}

/* Ends what json_lead began: p is past the last byte written. */
static inline void json_done(gv_buf *out, char *p)
{
    *p = '\0';
    out->len = (size_t)(p - out->data);
}

/* ---- YAML: serde_yaml's block forms (render_yaml.c), written as given.
 * A collection's first line depends on whether it is empty ("key: {}"
 * against "key:" and its entries on the lines below), so the line break
 * after its key is written with its first entry, or "{}" at its end. */

enum { AT_ROOT, AFTER_KEY, AFTER_DASH };

static void note_hole(gv_jw *w, size_t from, int node, int depth, int dash);

/* The key or dash a value stands after in the open collection (nothing at
 * the root); *ind: that collection's indent. Returns where the value
 * stands. */
static int yaml_lead(gv_jw *w, gv_jw_key key, int *ind)
{
    gv_buf *out = w->out;
    *ind = 0;
    if (!w->n)
        return AT_ROOT;
    gv_jw_level *l = &w->lv[w->n - 1];
    int inline_first = 0; /* a collection's first entry after "- " continues that line */
    if (!l->any) {
        l->any = 1;
        if (l->intro == AFTER_KEY)
            gv_buf_putc(out, '\n');
        inline_first = l->intro == AFTER_DASH;
    }
    if (!inline_first && l->ind > 0)
        gv_buf_fill(out, ' ', (size_t)l->ind);
    *ind = l->ind;
    if (!l->obj) {
        gv_buf_append(out, "- ", 2);
        return AFTER_DASH;
    }
    gv_yaml_string(out, key.s ? key.s : "", key.len, 1, l->ind);
    gv_buf_putc(out, ':');
    return AFTER_KEY;
}

/* A YAML string scalar after its key or dash; ind: its block's indent. */
static void yaml_string_value(gv_buf *out, const char *s, size_t len, int ind)
{
    if (!gv_yaml_string(out, s, len, 0, ind))
        gv_buf_putc(out, '\n');
}

/* A scalar: spelled (null, true, false) or a string to style. Returns
 * where its value starts in out; *vind: a string's block indent, -1 at
 * the root (see gv_jw_hole). */
static size_t yaml_scalar(gv_jw *w, gv_jw_key key, const char *s, size_t len, int spelled, int *vind)
{
    int ind, at = yaml_lead(w, key, &ind);
    if (at == AFTER_KEY)
        gv_buf_putc(w->out, ' ');
    size_t from = w->out->len;
    *vind = at == AT_ROOT ? -1 : ind + 2;
    if (spelled) {
        gv_buf_append(w->out, s, len);
        gv_buf_putc(w->out, '\n');
    } else {
        yaml_string_value(w->out, s, len, at == AT_ROOT ? 0 : ind + 2);
    }
    return from;
}

static void yaml_spelled(gv_jw *w, gv_jw_key key, const char *s, size_t len)
{
    int vind;
    yaml_scalar(w, key, s, len, 1, &vind);
}

/* Opens a collection: its lead now, its entries' indent for later (a
 * mapping's sequence is not indented, serde_yaml's indentless form). */
static void yaml_open(gv_jw *w, gv_jw_key key, int obj, gv_jw_level *l)
{
    int ind, at = yaml_lead(w, key, &ind);
    l->intro = (uint8_t)at;
    l->ind = at == AT_ROOT ? 0 : at == AFTER_DASH || obj ? ind + 2 : ind;
}

static void yaml_end(gv_jw *w, const gv_jw_level *l)
{
    if (l->any) /* its entries ended their lines */
        return;
    if (l->intro == AFTER_KEY)
        gv_buf_putc(w->out, ' ');
    gv_buf_append(w->out, l->obj ? "{}\n" : "[]\n", 3);
}

static void yaml_doc(gv_jw *w, gv_jw_key key, const gv_node *n)
{
    if (!n) {
        yaml_spelled(w, key, "null", 4);
        return;
    }
    int ind, at = yaml_lead(w, key, &ind);
    size_t from = w->out->len;
    if (at == AT_ROOT)
        gv_yaml_doc_root(w->out, n);
    else
        gv_yaml_doc_entry(w->out, n, ind, at == AFTER_DASH);
    if (w->holes && n == w->holes->node) {
        if (at == AT_ROOT)
            w->holes->overflow = 1; /* not a template's part */
        else
            note_hole(w, from, 1, ind, at == AFTER_DASH);
    }
}

void gv_jw_open_k(gv_jw *w, gv_jw_key key, int obj)
{
    if (w->probe)
        return;
    gv_jw_level opened = { 0, 0, (uint8_t)obj, 0 };
    if (w->yaml) {
        yaml_open(w, key, obj, &opened);
    } else {
        char *p = json_lead(w, key, 1);
        if (p) {
            *p++ = obj ? '{' : '[';
            json_done(w->out, p);
        }
    }
    if (w->n == w->cap) {
        gv_jw_level *lv = malloc(2 * w->cap * sizeof *lv);
        if (!lv) { /* the report fails; the levels still pair up */
            w->oom = 1;
            w->lost++;
            return;
        }
        memcpy(lv, w->lv, w->n * sizeof *lv);
        if (w->lv != w->small)
            free(w->lv);
        w->lv = lv;
        w->cap *= 2;
    }
    w->lv[w->n++] = opened;
}

void gv_jw_end(gv_jw *w)
{
    if (w->probe)
        return;
    if (w->lost) {
        w->lost--;
        return;
    }
    if (!w->n)
        return;
    gv_jw_level *l = &w->lv[--w->n];
    gv_buf *out = w->out;
    if (w->yaml) {
        yaml_end(w, l);
        return;
    }
    size_t indent = 2 * ((size_t)w->depth + w->n);
    if (out->len + indent + 67 > out->cap && !gv_buf_reserve(out, indent + 66))
        return;
    char *p = out->data + out->len;
    if (l->any)
        p = gv_json_put_newline(p, indent);
    *p++ = l->obj ? '}' : ']';
    json_done(out, p);
}

/* A string after its lead. Returns where the string starts in out;
 * *depth: what writing it again takes (gv_jw_hole.depth; -1 at the YAML
 * root). */
static inline size_t str_value(gv_jw *w, gv_jw_key key, const char *s, size_t len, int *depth)
{
    len = s ? len : 0;
    s = s ? s : "";
    if (w->yaml)
        return yaml_scalar(w, key, s, len, 0, depth);
    char *p = json_lead(w, key, 0);
    if (p)
        json_done(w->out, p);
    size_t from = w->out->len;
    gv_buf_json_string(w->out, s, len);
    *depth = w->depth + (int)w->n;
    return from;
}

void gv_jw_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len)
{
    int depth;
    if (!w->probe)
        str_value(w, key, s, len, &depth);
}

/* Past this much escaped text, strings are not kept (a report quoting
 * many distinct messages escapes them each time, as before). */
#define CONSTS_MAX (1u << 20)

/* The slot holding s's escaped text, filled if need be; NULL when it
 * cannot be kept. */
static const gv_jw_kept *const_slot(gv_jw *w, const char *s)
{
    if (!w->consts && !(w->consts = calloc(GV_JW_CONSTS, sizeof *w->consts)))
        return NULL;
    gv_jw_kept *c = &w->consts[((uintptr_t)s >> 3) % GV_JW_CONSTS];
    if (c->s == s)
        return c;
    size_t len = strlen(s), at = w->escaped.len;
    if (at + len > CONSTS_MAX)
        return NULL;
    gv_buf_json_string(&w->escaped, s, len);
    if (w->escaped.oom)
        return NULL;
    *c = (gv_jw_kept){ s, (uint32_t)at, (uint32_t)(w->escaped.len - at) };
    return c;
}

void gv_jw_const_k(gv_jw *w, gv_jw_key key, const char *s)
{
    if (w->probe)
        return;
    const gv_jw_kept *c = w->yaml ? NULL : const_slot(w, s);
    if (!c) {
        gv_jw_str_k(w, key, s, strlen(s));
        return;
    }
    char *p = json_lead(w, key, c->len);
    if (p) {
        memcpy(p, w->escaped.data + c->off, c->len);
        json_done(w->out, p + c->len);
    }
}

void gv_jw_null_k(gv_jw *w, gv_jw_key key)
{
    if (w->probe)
        return;
    if (w->yaml) {
        yaml_spelled(w, key, "null", 4);
    } else {
        char *p = json_lead(w, key, 4);
        if (p) {
            memcpy(p, "null", 4);
            json_done(w->out, p + 4);
        }
    }
}

void gv_jw_bool_k(gv_jw *w, gv_jw_key key, int v)
{
    if (w->probe)
        return;
    if (w->yaml) {
        yaml_spelled(w, key, v ? "true" : "false", v ? 4 : 5);
    } else {
        char *p = json_lead(w, key, 5);
        if (p) {
            memcpy(p, v ? "true " : "false", 5);
            json_done(w->out, p + (v ? 4 : 5));
        }
    }
}

void gv_jw_int_k(gv_jw *w, gv_jw_key key, long long v)
{
    if (w->probe)
        return;
    char digits[24];
    char *end = gv_put_int(digits, v);
    if (w->yaml) {
        yaml_spelled(w, key, digits, (size_t)(end - digits));
        return;
    }
    char *p = json_lead(w, key, sizeof digits);
    if (p) {
        memcpy(p, digits, (size_t)(end - digits));
        json_done(w->out, p + (end - digits));
    }
}

static void note_hole(gv_jw *w, size_t from, int node, int depth, int dash)
{
    gv_jw_holes *h = w->holes;
    if (h->n == GV_JW_HOLES) {
        h->overflow = 1;
        return;
    }
    h->at[h->n++] = (gv_jw_hole){ from, w->out->len, depth, (uint8_t)node, (uint8_t)dash };
}

void gv_jw_hole_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len)
{
    if (w->probe)
        return;
    int depth;
    size_t from = str_value(w, key, s, len, &depth);
    if (!w->holes)
        return;
    if (depth < 0)
        w->holes->overflow = 1; /* at the root: not a template's part */
    else
        note_hole(w, from, 0, depth, 0);
}

void gv_jw_raw(gv_jw *w, const char *s, size_t len)
{
    if (w->probe || !w->n)
        return;
    w->lv[w->n - 1].any = 1;
    gv_buf_append(w->out, s, len);
}

void gv_jw_refill_str(gv_jw *w, const gv_jw_hole *h, const char *s, size_t len)
{
    if (w->yaml)
        yaml_string_value(w->out, s ? s : "", s ? len : 0, h->depth);
    else
        gv_buf_json_string(w->out, s ? s : "", s ? len : 0);
}

void gv_jw_refill_doc(gv_jw *w, const gv_jw_hole *h, const gv_node *n)
{
    if (w->yaml)
        gv_yaml_doc_entry(w->out, n, h->depth, h->dash);
    else
        gv_doc_render_json_at(w->out, n, h->depth);
}

void gv_jw_doc_k(gv_jw *w, gv_jw_key key, const gv_node *n)
{
    if (w->probe) {
        w->nonfinite |= n && gv_node_has_nonfinite(n);
        return;
    }
    if (w->yaml) {
        yaml_doc(w, key, n);
        return;
    }
    char *p = json_lead(w, key, 4);
    if (!p)
        return;
    if (n) {
        json_done(w->out, p);
        size_t from = w->out->len;
        gv_doc_render_json_at(w->out, n, w->depth + (int)w->n);
        if (w->holes && n == w->holes->node)
            note_hole(w, from, 1, w->depth + (int)w->n, 0);
    } else {
        memcpy(p, "null", 4);
        json_done(w->out, p + 4);
    }
}
