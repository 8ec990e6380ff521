#include "vm/value.h"

#include <string.h>

int gv_valset_grow(gv_arena *a, gv_valset *s)
{
    uint32_t cap = s->cap ? s->cap * 2 : 4;
    gv_val *p = gv_arena_alloc(a, cap * sizeof *p);
    if (!p)
        return 0;
    if (s->n)
        memcpy(p, s->v, s->n * sizeof *p);
    s->v = p;
    s->cap = cap;
    return 1;
}

const gv_path *gv_path_key(gv_arena *a, const gv_path *parent, const char *key, uint32_t len)
{
    gv_path *p = gv_arena_alloc(a, sizeof *p);
    if (!p)
        return parent;
    p->parent = parent;
    p->key = key;
    p->len = len;
    p->index = 0;
    return p;
}

const gv_path *gv_path_index(gv_arena *a, const gv_path *parent, uint32_t index)
{
    gv_path *p = gv_arena_alloc(a, sizeof *p);
    if (!p)
        return parent;
    p->parent = parent;
    p->key = NULL;
    p->len = 0;
    p->index = index;
    return p;
}

static void path_print_rec(gv_buf *out, const gv_path *p, int depth)
{
    if (!p || depth > 100000)
        return;
    path_print_rec(out, p->parent, depth + 1);
    gv_buf_putc(out, '/');
    if (p->key)
        gv_buf_append(out, p->key, p->len);
    else
        gv_buf_int(out, p->index);
}

void gv_path_print(gv_buf *out, const gv_path *p)
{
    path_print_rec(out, p, 0);
}

static gv_node *make(gv_arena *a, gv_kind k)
{
    gv_node *n = gv_arena_zalloc(a, sizeof *n);
    if (n)
        n->kind = (uint8_t)k;
    return n;
}

gv_node *gv_make_string(gv_arena *a, const char *s, size_t len)
{
    gv_node *n = make(a, GV_STRING);
    if (n) {
        n->u.s = gv_arena_strndup(a, s, len);
        n->len = (uint32_t)len;
        if (!n->u.s)
            return NULL;
    }
    return n;
}

gv_node *gv_make_int(gv_arena *a, int64_t i)
{
    gv_node *n = make(a, GV_INT);
    if (n)
        n->u.i = i;
    return n;
}

gv_node *gv_make_float(gv_arena *a, double f)
{
    gv_node *n = make(a, GV_FLOAT);
    if (n)
        n->u.f = f;
    return n;
}

gv_node *gv_make_bool(gv_arena *a, bool b)
{
    gv_node *n = make(a, GV_BOOL);
    if (n)
        n->u.b = b;
    return n;
}

gv_node *gv_make_null(gv_arena *a)
{
    return make(a, GV_NULL);
}

gv_node *gv_make_char(gv_arena *a, char c)
{
    gv_node *n = gv_make_string(a, &c, 1);
    if (n)
        n->kind = GV_CHAR;
    return n;
}
