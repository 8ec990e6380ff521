#include "report/jwrite.h"

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

/* JSON: the separator, newline, indent and name before a value. */
static void json_lead(gv_jw *w, const char *key)
{
    if (!w->n)
        return;
    gv_jw_level *l = &w->lv[w->n - 1];
    if (l->any)
        gv_buf_putc(w->out, ',');
    l->any = 1;
    gv_json_newline(w->out, w->depth + (int)w->n);
    if (key) {
        gv_buf_putc(w->out, '"');
        gv_buf_puts(w->out, key);
        gv_buf_append(w->out, "\": ", 3);
    }
}

/* Tree: v becomes the root, or joins the open container. */
static gv_jt *attach(gv_jw *w, const char *key, gv_jt *v)
{
    if (!v) {
        w->oom = 1;
        return NULL;
    }
    if (!w->n)
        w->root = v;
    else if (key)
        gv_jt_set(w->lv[w->n - 1].node, key, v);
    else
        gv_jt_push(w->lv[w->n - 1].node, v);
    return v;
}

static void open_level(gv_jw *w, const char *key, int obj)
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

void gv_jw_obj(gv_jw *w, const char *key) { open_level(w, key, 1); }
void gv_jw_arr(gv_jw *w, const char *key) { open_level(w, key, 0); }

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

void gv_jw_str(gv_jw *w, const char *key, const char *s, size_t len)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_json_string(w->out, s ? s : "", s ? len : 0);
    } else {
        attach(w, key, gv_jt_strn(w->b, s, len));
    }
}

void gv_jw_cstr(gv_jw *w, const char *key, const char *s)
{
    gv_jw_str(w, key, s, s ? strlen(s) : 0);
}

void gv_jw_tmp(gv_jw *w, const char *key)
{
    if (w->tmp.oom)
        w->oom = 1;
    gv_jw_str(w, key, w->tmp.data, w->tmp.len);
}

void gv_jw_null(gv_jw *w, const char *key)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_append(w->out, "null", 4);
    } else {
        attach(w, key, gv_jt_null(w->b));
    }
}

void gv_jw_bool(gv_jw *w, const char *key, int v)
{
    if (w->out) {
        json_lead(w, key);
        gv_buf_puts(w->out, v ? "true" : "false");
    } else {
        attach(w, key, gv_jt_bool(w->b, v));
    }
}

void gv_jw_doc(gv_jw *w, const char *key, const gv_node *n)
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
