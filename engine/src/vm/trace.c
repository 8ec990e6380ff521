/* The evaluation trace (see trace.h): a tree built while the VM runs. */
#include <string.h>

#include "vm/trace.h"

struct gv_trace {
    gv_arena *a;
    gv_tnode root;
    gv_tnode *cur;
    uint8_t *referenced;  /* per rule declaration, allocated at the first reference */
    int oom;
    int for_lines;        /* gv_trace_new_for_lines */
};

gv_trace *gv_trace_new(gv_arena *a)
{
    gv_trace *t = gv_arena_zalloc(a, sizeof *t);
    if (!t)
        return NULL;
    t->a = a;
    t->cur = &t->root;
    return t;
}

gv_trace *gv_trace_new_for_lines(gv_arena *a)
{
    gv_trace *t = gv_trace_new(a);
    if (t)
        t->for_lines = 1;
    return t;
}

int gv_trace_for_lines(const gv_trace *t)
{
    return t->for_lines;
}

const gv_tnode *gv_trace_root(const gv_trace *t)
{
    return &t->root;
}

int gv_trace_oom(const gv_trace *t)
{
    return t->oom;
}

static gv_tnode *add(gv_trace *t, gv_tkind kind, uint32_t ip)
{
    int checked = kind == GV_T_VALUE || kind == GV_T_KEY || kind == GV_T_KEYS;
    gv_tnode *n = gv_arena_zalloc(t->a, sizeof *n + (checked ? sizeof(gv_check) : 0));
    if (!n) {
        t->oom = 1;
        return NULL;
    }
    _Static_assert(sizeof(gv_tnode) % _Alignof(gv_check) == 0, "a node's check follows it");
    if (checked)
        n->check = (gv_check *)(void *)(n + 1);
    n->kind = (uint8_t)kind;
    n->ip = ip;
    n->parent = t->cur;
    if (t->cur->last)
        t->cur->last->next = n;
    else
        t->cur->first = n;
    t->cur->last = n;
    return n;
}

/* Out of memory, an open adds nothing: the matching close must then not
 * leave the current node, so the depth is counted in `lost`. */
void gv_trace_open(gv_trace *t, gv_tkind kind, uint32_t ip)
{
    gv_tnode *n = add(t, kind, ip);
    if (n)
        t->cur = n;
    else
        t->cur->lost++;
}

void gv_trace_close(gv_trace *t, int status)
{
    if (t->cur->lost) {
        t->cur->lost--;
        return;
    }
    if (!t->cur->parent)
        return;
    t->cur->status = (uint8_t)(status < 0 ? GV_RS_FAIL : status);
    t->cur = t->cur->parent;
}

void gv_trace_pass(gv_trace *t, uint32_t ip, const gv_val *lhs)
{
    gv_tnode *n = add(t, GV_T_VALUE, ip);
    if (!n)
        return;
    n->status = GV_RS_PASS;
    n->check->ip = ip;
    n->check->lhs = *lhs;
}

void gv_trace_fail(gv_trace *t, const gv_check *c)
{
    gv_tnode *n = add(t, GV_T_VALUE, c->ip);
    if (!n)
        return;
    n->status = GV_RS_FAIL;
    n->failed = 1;
    *n->check = *c;
    n->check->ctx = NULL;
}

void gv_trace_key(gv_trace *t, uint32_t ip, int status, const gv_val *key, const gv_val *rhs, uint32_t nrhs)
{
    gv_tnode *n = add(t, GV_T_KEY, ip);
    if (!n)
        return;
    n->status = (uint8_t)status;
    n->failed = status != GV_RS_PASS;
    n->check->ip = ip;
    n->check->lhs = *key;
    n->check->rhs = nrhs ? rhs[0] : (gv_val){ 0 };
    n->check->rhs_all = rhs;
    n->check->nrhs = nrhs;
}

void gv_trace_keys(gv_trace *t, const gv_check *bulk)
{
    gv_tnode *n = bulk->lhs.node->len ? add(t, GV_T_KEYS, bulk->ip) : NULL;
    if (n)
        *n->check = *bulk;
}

int gv_trace_keys_at(const gv_tnode *keys, uint32_t m, gv_node *key, gv_check *check, gv_tnode *out)
{
    const gv_check *b = keys->check;
    if (m >= b->lhs.node->len)
        return 0;
    *key = gv_key_string(&b->lhs.node->u.members[m]);
    int pass = m + 1 == b->lhs.stop;
    /* as gv_trace_key makes it */
    *check = (gv_check){ .ip = keys->ip, .lhs = { key, b->lhs.path, NULL, NULL, 0, 0, 0 }, .rhs = b->rhs,
                         .rhs_all = b->rhs_all, .nrhs = b->nrhs };
    *out = (gv_tnode){ .kind = GV_T_KEY, .status = (uint8_t)(pass ? GV_RS_PASS : GV_RS_FAIL),
                       .failed = (uint8_t)!pass, .ip = keys->ip, .check = check, .parent = keys->parent };
    return 1;
}

gv_tmark gv_trace_mark(const gv_trace *t)
{
    return (gv_tmark){ t->cur, t->cur->last };
}

/* Points n's checks (and its children's) that point into from[0..n) at
 * *copy, made at the first. */
static int keep_rhs(gv_trace *t, gv_tnode *node, const gv_val *from, uint32_t n, gv_val **copy)
{
    for (; node; node = node->next) {
        gv_check *c = node->check;
        if (c && c->rhs_all >= from && c->rhs_all < from + n) {
            if (!*copy && !(*copy = gv_arena_memdup(t->a, from, n * sizeof *from))) {
                t->oom = 1;
                return -1;
            }
            c->rhs_all = *copy + (c->rhs_all - from);
        }
        if (node->first && keep_rhs(t, node->first, from, n, copy) < 0)
            return -1;
    }
    return 0;
}

int gv_trace_keep_rhs(gv_trace *t, gv_tmark m, const gv_val *from, uint32_t n)
{
    gv_val *copy = NULL;
    gv_tnode *first = m.last ? m.last->next : m.at->first;
    return n ? keep_rhs(t, first, from, n, &copy) : 0;
}

void gv_trace_move_first(gv_trace *t, uint32_t d)
{
    gv_tnode *prev = NULL;
    for (gv_tnode *c = t->root.first; c; prev = c, c = c->next) {
        if (c->kind != GV_T_RULE || c->ip != d)
            continue;
        if (!prev)
            return;
        prev->next = c->next;
        if (t->root.last == c)
            t->root.last = prev;
        c->next = t->root.first;
        t->root.first = c;
        return;
    }
}

int gv_trace_first_ref(gv_trace *t, uint32_t d, uint32_t nrules)
{
    if (!t->referenced && !(t->referenced = gv_arena_zalloc(t->a, nrules ? nrules : 1))) {
        t->oom = 1;
        return 0;
    }
    if (d >= nrules || t->referenced[d])
        return 0;
    t->referenced[d] = 1;
    return 1;
}

void gv_trace_set_aux(gv_trace *t, uint8_t aux)
{
    if (!t->cur->lost)
        t->cur->aux = aux;
}

void gv_trace_set_call(gv_trace *t, uint32_t ip)
{
    if (t->cur->lost)
        return;
    t->cur->aux = 1;
    t->cur->call = ip;
}

void gv_trace_wrap(gv_trace *t, uint32_t n, gv_tkind kind, int status)
{
    gv_tnode *p = t->cur, *from = p->first, *before = NULL;
    uint32_t count = 0;
    for (gv_tnode *c = p->first; c; c = c->next)
        count++;
    if (n > count)
        n = count;
    for (uint32_t i = 0; i < count - n; i++) {
        before = from;
        from = from->next;
    }
    gv_tnode *w = gv_arena_zalloc(t->a, sizeof *w);
    if (!w) {
        t->oom = 1;
        return;
    }
    w->kind = (uint8_t)kind;
    w->status = (uint8_t)status;
    w->parent = p;
    w->first = from;
    w->last = from ? p->last : NULL;
    for (gv_tnode *c = from; c; c = c->next)
        c->parent = w;
    if (before)
        before->next = w;
    else
        p->first = w;
    p->last = w;
}
