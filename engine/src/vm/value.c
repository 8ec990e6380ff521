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

static size_t digits(uint32_t u)
{
    size_t n = 1;
    while (u >= 10) {
        u /= 10;
        n++;
    }
    return n;
}

/* Paths are printed three or four times for each failed check of a report
 * (its path, its reason, its message): measured, then written from the
 * leaf back in one reservation. A path past 100,001 steps keeps only its
 * last 100,001. */
#define PATH_MAX_STEPS 100001u

void gv_path_print(gv_buf *out, const gv_path *p)
{
    size_t total = 0, steps = 0;
    for (const gv_path *q = p; q && steps < PATH_MAX_STEPS; q = q->parent, steps++)
        total += 1 + (q->key ? q->len : digits(q->index));
    if (!total || (out->len + total + 1 > out->cap && !gv_buf_reserve(out, total)))
        return;
    char *e = out->data + out->len + total;
    *e = '\0';
    steps = 0;
    for (const gv_path *q = p; q && steps < PATH_MAX_STEPS; q = q->parent, steps++) {
        if (q->key) {
            e -= q->len;
            gv_copy_short(e, q->key, q->len);
        } else {
            uint32_t u = q->index;
            do
                *--e = (char)('0' + u % 10);
            while (u /= 10);
        }
        *--e = '/';
    }
    out->len += total;
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
