/* Copying an evaluation's results out of its scratch arena. The scratch of
 * one evaluation is mostly temporaries (value sets, paths of every node
 * visited); what the report needs is a small part of it. -z reports once
 * every rules file has been evaluated, so keeping each file's scratch alive
 * until then held tens of megabytes for a 1,000-resource template; copying
 * the results out lets each scratch go as soon as its file is done.
 *
 * Only what lies in the scratch is copied: document nodes, program
 * constants and rule texts are shared. A pointer map keeps shared objects
 * shared (a path prefix, a check context, a map's key nodes), so the copy
 * has the shape of the original and costs one visit per object. */
#include <stdlib.h>
#include <string.h>

#include "vm/eval.h"

typedef struct ptr_slot {
    const void *from;
    void *to;
} ptr_slot;

typedef struct retain {
    const gv_arena_span *spans;
    size_t nspans;
    gv_arena *dst;
    ptr_slot *slots; /* open addressing, power-of-two size */
    size_t cap, used;
    int oom;
} retain;

static int held(const retain *r, const void *p)
{
    return p && gv_arena_spans_hold(r->spans, r->nspans, p);
}

static size_t slot_of(const retain *r, const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 7) & (r->cap - 1);
}

static void *lookup(const retain *r, const void *p)
{
    if (!r->cap)
        return NULL;
    for (size_t i = slot_of(r, p);; i = (i + 1) & (r->cap - 1)) {
        if (!r->slots[i].from)
            return NULL;
        if (r->slots[i].from == p)
            return r->slots[i].to;
    }
}

static int grow(retain *r)
{
    size_t cap = r->cap ? r->cap * 2 : 1024;
    ptr_slot *old = r->slots, *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    size_t oldcap = r->cap;
    r->slots = s;
    r->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].from) {
            size_t j = slot_of(r, old[i].from);
            while (s[j].from)
                j = (j + 1) & (cap - 1);
            s[j] = old[i];
        }
    free(old);
    return 0;
}

static void remember(retain *r, const void *from, void *to)
{
    if ((r->used + 1) * 2 > r->cap && grow(r) < 0) {
        r->oom = 1;
        return;
    }
    size_t i = slot_of(r, from);
    while (r->slots[i].from)
        i = (i + 1) & (r->cap - 1);
    r->slots[i] = (ptr_slot){ from, to };
    r->used++;
}

/* A copy of n bytes at p when they lie in the scratch; p otherwise. */
static void *copy_bytes(retain *r, const void *p, size_t n, int text)
{
    if (!held(r, p))
        return (void *)p;
    void *seen = lookup(r, p);
    if (seen)
        return seen;
    void *to = text ? (void *)gv_arena_strndup(r->dst, p, n) : gv_arena_memdup(r->dst, p, n);
    if (!to) {
        r->oom = 1;
        return (void *)p;
    }
    remember(r, p, to);
    return to;
}

static const gv_node *copy_node(retain *r, const gv_node *n);

static void copy_children(retain *r, gv_node *c)
{
    if (c->kind == GV_LIST) {
        gv_node **items = copy_bytes(r, c->u.items, c->len * sizeof *items, 0);
        if (items != c->u.items)
            for (uint32_t i = 0; i < c->len; i++)
                items[i] = (gv_node *)copy_node(r, items[i]);
        c->u.items = items;
    } else if (c->kind == GV_MAP) {
        gv_member *m = copy_bytes(r, c->u.members, c->len * sizeof *m, 0);
        if (m != c->u.members)
            for (uint32_t i = 0; i < c->len; i++) {
                const gv_key *k = m[i].key;
                m[i].key = k ? copy_bytes(r, k, sizeof *k + k->len + 1, 0) : NULL;
                m[i].value = (gv_node *)copy_node(r, m[i].value);
            }
        c->u.members = m;
        if (c->index)
            c->index = copy_bytes(r, c->index, ((size_t)c->index_mask + 1) * sizeof *c->index, 0);
    } else if (c->kind == GV_STRING) {
        c->u.s = copy_bytes(r, c->u.s, c->len, 1);
    }
}

/* Nodes made at run time (function results, key nodes) live in the
 * scratch; a document's and a program's do not and are shared. */
static const gv_node *copy_node(retain *r, const gv_node *n)
{
    if (!held(r, n))
        return n;
    gv_node *seen = lookup(r, n);
    if (seen)
        return seen;
    if (n->kind > GV_MAP) { /* regexes and ranges are only made by the compiler */
        r->oom = 1;
        return n;
    }
    gv_node *c = gv_arena_memdup(r->dst, n, sizeof *n);
    if (!c) {
        r->oom = 1;
        return n;
    }
    remember(r, n, c);
    copy_children(r, c);
    return c;
}

static const gv_path *copy_path(retain *r, const gv_path *p)
{
    if (!held(r, p))
        return p;
    gv_path *seen = lookup(r, p);
    if (seen)
        return seen;
    gv_path *c = gv_arena_memdup(r->dst, p, sizeof *p);
    if (!c) {
        r->oom = 1;
        return p;
    }
    remember(r, p, c);
    c->parent = copy_path(r, p->parent);
    if (c->key)
        c->key = copy_bytes(r, c->key, c->len, 1);
    return c;
}

static void copy_val(retain *r, gv_val *v)
{
    v->node = copy_node(r, v->node);
    v->reached = copy_node(r, v->reached);
    v->path = copy_path(r, v->path);
    if (v->missing)
        v->missing = copy_bytes(r, v->missing, strlen(v->missing), 1);
}

static const gv_check_ctx *copy_ctx(retain *r, const gv_check_ctx *x)
{
    if (!held(r, x))
        return x;
    gv_check_ctx *seen = lookup(r, x);
    if (seen)
        return seen;
    gv_check_ctx *c = gv_arena_memdup(r->dst, x, sizeof *x);
    if (!c) {
        r->oom = 1;
        return x;
    }
    remember(r, x, c);
    c->up = copy_ctx(r, x->up);
    return c;
}

static void copy_check(retain *r, gv_check *c)
{
    copy_val(r, &c->lhs);
    copy_val(r, &c->rhs);
    if (c->rhs_all && held(r, c->rhs_all)) {
        gv_val *all = lookup(r, c->rhs_all);
        if (!all) {
            all = gv_arena_memdup(r->dst, c->rhs_all, (c->nrhs ? c->nrhs : 1) * sizeof *all);
            if (!all) {
                r->oom = 1;
                return;
            }
            remember(r, c->rhs_all, all);
            for (uint32_t i = 0; i < c->nrhs; i++)
                copy_val(r, &all[i]);
        }
        c->rhs_all = all;
    }
    c->ctx = copy_ctx(r, c->ctx);
}

int gv_eval_result_retain(gv_eval_result *res, const gv_arena *scratch, gv_arena *dst)
{
    gv_arena tmp;
    gv_arena_init(&tmp, 4096);
    retain r = { .dst = dst };
    r.spans = gv_arena_spans(scratch, &tmp, &r.nspans);
    r.oom = !r.spans && r.nspans;
    gv_rule_result *rules = r.oom ? NULL : gv_arena_memdup(dst, res->rules, (res->nrules ? res->nrules : 1) * sizeof *rules);
    r.oom |= !rules;
    for (uint32_t i = 0; !r.oom && i < res->nrules; i++) {
        gv_rule_result *rr = &rules[i];
        if (!rr->nchecks) {
            rr->checks = NULL;
            continue;
        }
        gv_check *checks = gv_arena_memdup(dst, rr->checks, rr->nchecks * sizeof *checks);
        if (!checks) {
            r.oom = 1;
            break;
        }
        for (uint32_t k = 0; k < rr->nchecks && !r.oom; k++)
            copy_check(&r, &checks[k]);
        rr->checks = checks;
    }
    free(r.slots);
    gv_arena_free(&tmp);
    if (r.oom)
        return -1;
    res->rules = rules;
    return 0;
}
