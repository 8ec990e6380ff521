/* serde_json's pretty printer: two-space indent, "key": value, empty
 * arrays and objects as [] and {}, floats as ryu prints them. */
#include <string.h>

#include "report/fmt.h"
#include "report/jtree.h"
#include "report/jwrite.h"

/* A newline and the indent for depth, in one append. */
static void indent(gv_buf *out, int depth)
{
    size_t n = 2 * (size_t)(depth > 0 ? depth : 0);
    if (out->len + n + 66 > out->cap && !gv_buf_reserve(out, n + 65))
        return;
    char *p = gv_json_put_newline(out->data + out->len, n);
    *p = '\0';
    out->len = (size_t)(p - out->data);
}

void gv_doc_render_json_at(gv_buf *out, const gv_node *n, int depth)
{
    if (n->kind == GV_LIST) {
        if (!n->len) {
            gv_buf_puts(out, "[]");
            return;
        }
        gv_buf_putc(out, '[');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            indent(out, depth + 1);
            gv_doc_render_json_at(out, n->u.items[i], depth + 1);
        }
        indent(out, depth);
        gv_buf_putc(out, ']');
    } else if (n->kind == GV_MAP) {
        if (!n->len) {
            gv_buf_puts(out, "{}");
            return;
        }
        gv_buf_putc(out, '{');
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                gv_buf_putc(out, ',');
            indent(out, depth + 1);
            gv_buf_json_string(out, n->u.members[i].key->str, n->u.members[i].key->len);
            gv_buf_puts(out, ": ");
            gv_doc_render_json_at(out, n->u.members[i].value, depth + 1);
        }
        indent(out, depth);
        gv_buf_putc(out, '}');
    } else {
        gv_fmt_scalar_json(out, n);
    }
}

static void jt_json(gv_buf *out, const gv_jt *v, int depth)
{
    switch (v->kind) {
    case GV_JT_NULL: gv_buf_puts(out, "null"); return;
    case GV_JT_BOOL: gv_buf_puts(out, v->b ? "true" : "false"); return;
    case GV_JT_STR: gv_buf_json_string(out, v->s, v->len); return;
    case GV_JT_DOC: gv_doc_render_json_at(out, v->doc, depth); return;
    default: break;
    }
    int obj = v->kind == GV_JT_OBJ;
    if (!v->first) {
        gv_buf_puts(out, obj ? "{}" : "[]");
        return;
    }
    gv_buf_putc(out, obj ? '{' : '[');
    for (const gv_jt *c = v->first; c; c = c->next) {
        if (c != v->first)
            gv_buf_putc(out, ',');
        indent(out, depth + 1);
        if (obj) { /* names of the serde shape: nothing to escape (jtree.h) */
            gv_buf_putc(out, '"');
            gv_buf_append(out, c->key, c->keylen);
            gv_buf_append(out, "\": ", 3);
        }
        jt_json(out, c, depth + 1);
    }
    indent(out, depth);
    gv_buf_putc(out, obj ? '}' : ']');
}

void gv_jt_render_json_at(gv_buf *out, const gv_jt *v, int depth)
{
    if (v)
        jt_json(out, v, depth);
}

void gv_jt_render_json(gv_buf *out, const gv_jt *v)
{
    if (v)
        jt_json(out, v, 0);
}
