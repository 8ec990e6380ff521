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
    size_t cap = r->cap ? r->cap * 2 : 64; /* most results copy a few dozen objects */
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

/* The copy of the n bytes at p: p itself when they are not in the scratch
 * (or memory ran out), the one made before when there is one, else a new
 * one, and then *fresh is set: its own pointers still lead into the
 * scratch and are the caller's to copy. */
static void *take(retain *r, const void *p, size_t n, int text, int *fresh)
{
    *fresh = 0;
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
    *fresh = 1;
    return to;
}

/* Bytes with no pointers in them. */
static void *copy_bytes(retain *r, const void *p, size_t n, int text)
{
    int fresh;
    return take(r, p, n, text, &fresh);
}

static const gv_node *copy_node(retain *r, const gv_node *n);

static void copy_children(retain *r, gv_node *c)
{
    int fresh;
    if (c->kind == GV_LIST) {
        gv_node **items = take(r, c->u.items, c->len * sizeof *items, 0, &fresh);
        for (uint32_t i = 0; fresh && i < c->len; i++)
            items[i] = (gv_node *)copy_node(r, items[i]);
        c->u.items = items;
    } else if (c->kind == GV_MAP) {
        gv_member *m = take(r, c->u.members, gv_map_block_size(c), 0, &fresh);
        for (uint32_t i = 0; fresh && i < c->len; i++) {
            const gv_key *k = m[i].key;
            m[i].key = k ? copy_bytes(r, k, sizeof *k + k->len + 1, 0) : NULL;
            m[i].value = (gv_node *)copy_node(r, m[i].value);
        }
        c->u.members = m; /* the index came along: it holds positions */
    } else if (c->kind == GV_STRING || c->kind == GV_CHAR) {
        c->u.s = copy_bytes(r, c->u.s, c->len, 1);
    }
}

/* Nodes made at run time (function results, key nodes) live in the
 * scratch; a document's and a program's do not and are shared. */
static const gv_node *copy_node(retain *r, const gv_node *n)
{
    if (held(r, n) && (n->kind == GV_REGEX || n->kind == GV_RANGE)) { /* only made by the compiler */
        r->oom = 1;
        return n;
    }
    int fresh;
    gv_node *c = take(r, n, sizeof *n, 0, &fresh);
    if (fresh)
        copy_children(r, c);
    return c;
}

static const gv_path *copy_path(retain *r, const gv_path *p)
{
    int fresh;
    gv_path *c = take(r, p, sizeof *p, 0, &fresh);
    if (fresh) {
        c->parent = copy_path(r, c->parent);
        if (c->key)
            c->key = copy_bytes(r, c->key, c->len, 1);
    }
    return c;
}

static void copy_val(retain *r, gv_val *v)
{
    v->node = copy_node(r, v->node);
    v->reached = copy_node(r, v->reached);
    v->path = copy_path(r, v->path);
    const gv_key_item *ki = gv_val_key_item(v);
    if (ki) { /* the text is the end of the item record: copied whole */
        int fresh;
        size_t len = strlen(ki->text);
        gv_key_item *k = take(r, ki, sizeof *ki + len + 1, 0, &fresh);
        if (fresh) {
            k->path = copy_path(r, k->path);
            k->node = copy_node(r, k->node);
        }
        v->missing = k->text;
    } else if (gv_val_var_miss(v)) {
        int fresh;
        gv_var_miss *m = take(r, gv_val_var_miss(v), sizeof *m, 0, &fresh);
        if (fresh)
            copy_val(r, &m->var);
        v->missing = m->text;
    } else if (v->missing) {
        v->missing = copy_bytes(r, v->missing, strlen(v->missing), 1);
    }
}

static const gv_check_ctx *copy_ctx(retain *r, const gv_check_ctx *x)
{
    int fresh;
    gv_check_ctx *c = take(r, x, sizeof *x, 0, &fresh);
    if (fresh)
        c->up = copy_ctx(r, c->up);
    return c;
}

static void copy_check(retain *r, gv_check *c)
{
    copy_val(r, &c->lhs);
    copy_val(r, &c->rhs);
    if (c->rhs_all) {
        int fresh;
        gv_val *all = take(r, c->rhs_all, (c->nrhs ? c->nrhs : 1) * sizeof *all, 0, &fresh);
        for (uint32_t i = 0; fresh && i < c->nrhs; i++)
            copy_val(r, &all[i]);
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
