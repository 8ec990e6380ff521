#include "report/jwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void gv_jw_init_json(gv_jw *w, gv_buf *out, int depth)
{
    *w = (gv_jw){ .out = out, .depth = depth, .cap = 32 };
    w->lv = w->small;
    gv_buf_init(&w->tmp);
    gv_buf_init(&w->escaped);
}

void gv_jw_init_tree(gv_jw *w, gv_jb *b)
{
    *w = (gv_jw){ .b = b, .cap = 32 };
    w->lv = w->small;
    gv_buf_init(&w->tmp);
    gv_buf_init(&w->escaped);
}

gv_jt *gv_jw_finish(gv_jw *w)
{
    if (w->lv != w->small)
        free(w->lv);
    w->lv = w->small;
    gv_buf_free(&w->tmp);
    gv_buf_free(&w->escaped);
    free(w->consts);
    w->consts = NULL;
    if (w->b && w->oom)
        w->b->oom = 1;
    return w->root;
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

/* Tree: v becomes the root, or joins the open container. */
static gv_jt *attach(gv_jw *w, gv_jw_key key, gv_jt *v)
{
    if (!v) {
        w->oom = 1;
        return NULL;
    }
    if (!w->n)
        w->root = v;
    else if (key.s)
        gv_jt_set(w->lv[w->n - 1].node, key.s, v);
    else
        gv_jt_push(w->lv[w->n - 1].node, v);
    return v;
}

void gv_jw_open_k(gv_jw *w, gv_jw_key key, int obj)
{
    gv_jt *node = NULL;
    if (w->out) {
        char *p = json_lead(w, key, 1);
        if (p) {
            *p++ = obj ? '{' : '[';
            json_done(w->out, p);
        }
    } else {
        node = attach(w, key, obj ? gv_jt_obj(w->b) : gv_jt_arr(w->b));
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
    w->lv[w->n++] = (gv_jw_level){ node, 0, (uint8_t)obj };
}

void gv_jw_end(gv_jw *w)
{
    if (w->lost) {
        w->lost--;
        return;
    }
    if (!w->n)
        return;
    gv_jw_level *l = &w->lv[--w->n];
    gv_buf *out = w->out;
    if (!out)
        return;
    size_t indent = 2 * ((size_t)w->depth + w->n);
    if (out->len + indent + 67 > out->cap && !gv_buf_reserve(out, indent + 66))
        return;
    char *p = out->data + out->len;
    if (l->any)
        p = gv_json_put_newline(p, indent);
    *p++ = l->obj ? '}' : ']';
    json_done(out, p);
}

void gv_jw_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len)
{
    if (w->out) {
        char *p = json_lead(w, key, 0);
        if (p)
            json_done(w->out, p);
        gv_buf_json_string(w->out, s ? s : "", s ? len : 0);
    } else {
        attach(w, key, gv_jt_strn(w->b, s, len));
    }
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
    const gv_jw_kept *c = w->out ? const_slot(w, s) : NULL;
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
    if (w->out) {
        char *p = json_lead(w, key, 4);
        if (p) {
            memcpy(p, "null", 4);
            json_done(w->out, p + 4);
        }
    } else {
        attach(w, key, gv_jt_null(w->b));
    }
}

void gv_jw_bool_k(gv_jw *w, gv_jw_key key, int v)
{
    if (w->out) {
        char *p = json_lead(w, key, 5);
        if (p) {
            memcpy(p, v ? "true " : "false", 5);
            json_done(w->out, p + (v ? 4 : 5));
        }
    } else {
        attach(w, key, gv_jt_bool(w->b, v));
    }
}

void gv_jw_doc_k(gv_jw *w, gv_jw_key key, const gv_node *n)
{
    if (!w->out) {
        attach(w, key, gv_jt_doc(w->b, n));
        return;
    }
    char *p = json_lead(w, key, 4);
    if (!p)
        return;
    if (n) {
        json_done(w->out, p);
        gv_doc_render_json_at(w->out, n, w->depth + (int)w->n);
    } else {
        memcpy(p, "null", 4);
        json_done(w->out, p + 4);
    }
}
