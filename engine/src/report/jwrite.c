#include "report/jwrite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void gv_jw_init_json(gv_jw *w, gv_buf *out, int depth)
{
    *w = (gv_jw){ .out = out, .depth = depth, .cap = 32 };
    w->lv = w->small;
    gv_buf_init(&w->tmp);
}

void gv_jw_init_tree(gv_jw *w, gv_jb *b)
{
    *w = (gv_jw){ .b = b, .cap = 32 };
    w->lv = w->small;
    gv_buf_init(&w->tmp);
}

gv_jt *gv_jw_finish(gv_jw *w)
{
    if (w->lv != w->small)
        free(w->lv);
    w->lv = w->small;
    gv_buf_free(&w->tmp);
    if (w->b && w->oom)
        w->b->oom = 1;
    return w->root;
}

/* JSON: the separator, newline, indent and name before a value, in one
 * reservation (nearly every line of a report is one of these). */
static void json_lead(gv_jw *w, gv_jw_key key)
{
    static const char spaces[64] = "                                                                ";
    if (!w->n)
        return;
    gv_jw_level *l = &w->lv[w->n - 1];
    gv_buf *out = w->out;
    size_t indent = 2 * ((size_t)w->depth + w->n);
    size_t room = indent + key.len + 70; /* ",\n" + indent + quoted key + 64 for the fixed copy */
    if (out->len + room + 1 > out->cap && !gv_buf_reserve(out, room))
        return;
    char *p = out->data + out->len;
    *p = ',';
    p += l->any;
    l->any = 1;
    *p++ = '\n';
    if (indent <= sizeof spaces)
        memcpy(p, spaces, sizeof spaces);
    else
        memset(p, ' ', indent);
    p += indent;
    if (key.s) {
        *p++ = '"';
        gv_copy_short(p, key.s, key.len);
        p += key.len;
        memcpy(p, "\": ", 3);
        p += 3;
    }
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
        json_lead(w, key);
        gv_buf_putc(w->out, obj ? '{' : '[');
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
    if (!w->out)
        return;
    if (l->any)
        gv_json_newline(w->out, w->depth + (int)w->n);
    gv_buf_putc(w->out, l->obj ? '}' : ']');
}

void gv_jw_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_json_string(w->out, s ? s : "", s ? len : 0);
    } else {
        attach(w, key, gv_jt_strn(w->b, s, len));
    }
}

void gv_jw_null_k(gv_jw *w, gv_jw_key key)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_append(w->out, "null", 4);
    } else {
        attach(w, key, gv_jt_null(w->b));
    }
}

void gv_jw_bool_k(gv_jw *w, gv_jw_key key, int v)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_puts(w->out, v ? "true" : "false");
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
    json_lead(w, key);
    if (n)
        gv_doc_render_json_at(w->out, n, w->depth + (int)w->n);
    else
        gv_buf_append(w->out, "null", 4);
}
