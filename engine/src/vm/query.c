/* Query traversal: each step maps the current result set to the next.
 * What cfn-guard does at each step (probed, see docs/oracle-notes):
 *  - a key on anything but a map, a missing key, an index out of range,
 *    `*` on an empty list or map: unresolved (the clause then fails);
 *  - `*` on a scalar yields the scalar, `[*]` on a map the map itself; a negative index is read as its
 *    absolute value (l[-1] is l[1]);
 *  - a filter runs over a list's elements or a map's values and keeps those
 *    passing; none passing gives no result at all (the clause then skips);
 *  - unresolved results stay unresolved through later steps. */
#include <string.h>

#include "util/hash.h"
#include "vm/keycase.h"
#include "vm/vm.h"

static int nomem(gv_vm *vm)
{
    gv_error_set(vm->err, GV_E_NOMEM, vm->p->source, (gv_loc){ 0, 0 }, "out of memory evaluating rules");
    return -1;
}

static int push(gv_vm *vm, gv_valset *out, gv_val v)
{
    return gv_valset_push(vm->scratch, out, v) ? 0 : nomem(vm);
}

static int unresolved(gv_vm *vm, gv_valset *out, const gv_val *from, const char *missing)
{
    gv_val u = { NULL, from->path, from->node, missing, 0, 0 };
    return push(vm, out, u);
}

/* A missing key is looked up again in the other spellings cfn-guard tries
 * (vm/keycase.c). */
static const gv_node *lookup_key(const gv_node *map, const char *key, uint32_t len, uint64_t hash)
{
    const gv_node *child = gv_map_get(map, key, len, hash);
    if (child || map->len == 0)
        return child;
    char buf[7 * 160];
    gv_key_variant v[GV_KEY_VARIANTS];
    uint32_t n = len < 128 ? gv_key_variants(key, len, buf, sizeof buf, v) : 0;
    for (uint32_t i = 0; i < n && !child; i++)
        child = gv_map_get(map, v[i].s, v[i].len, gv_hash(v[i].s, v[i].len));
    return child;
}

static int step_key(gv_vm *vm, const gv_val *v, const char *key, uint32_t len, uint64_t hash,
                    gv_valset *out)
{
    const gv_node *n = v->node;
    const gv_node *child = n && n->kind == GV_MAP ? lookup_key(n, key, len, hash) : NULL;
    if (!child)
        return unresolved(vm, out, v, key);
    gv_val r = { child, gv_path_key(vm->scratch, v->path, key, len), NULL, NULL, 0, 0 };
    return push(vm, out, r);
}

static int step_index(gv_vm *vm, const gv_val *v, int64_t idx, gv_valset *out)
{
    const gv_node *n = v->node;
    if (!n || n->kind != GV_LIST)
        return unresolved(vm, out, v, NULL);
    if (idx < 0)
        idx = -idx; /* cfn-guard drops the sign: l[-1] is l[1] (probed) */
    if (idx >= (int64_t)n->len)
        return unresolved(vm, out, v, NULL);
    gv_val r = { n->u.items[idx], gv_path_index(vm->scratch, v->path, (uint32_t)idx), NULL, NULL, 0, 0 };
    return push(vm, out, r);
}

/* The i-th child of a list or map, with its path. */
static gv_val child_at(gv_vm *vm, const gv_val *v, uint32_t i)
{
    const gv_node *n = v->node;
    gv_val r = { 0 };
    if (n->kind == GV_LIST) {
        r.node = n->u.items[i];
        r.path = gv_path_index(vm->scratch, v->path, i);
    } else {
        const gv_member *m = &n->u.members[i];
        r.node = m->value;
        r.path = gv_path_key(vm->scratch, v->path, m->key->str, m->key->len);
    }
    return r;
}

static int step_all(gv_vm *vm, const gv_val *v, int indices, gv_valset *out)
{
    const gv_node *n = v->node;
    if ((n->kind != GV_LIST && n->kind != GV_MAP) || (indices && n->kind == GV_MAP))
        return push(vm, out, *v);
    if (n->len == 0)
        return unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++)
        if (push(vm, out, child_at(vm, v, i)) < 0)
            return -1;
    return 0;
}

static int step_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_LIST && n->kind != GV_MAP)
        return unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++) {
        gv_val c = child_at(vm, v, i);
        int st = gv_vm_block(vm, block, &c, f);
        if (st < 0)
            return -1;
        if (st == GV_PASS && push(vm, out, c) < 0)
            return -1;
    }
    return 0;
}

static int test_one(gv_vm *vm, const gv_val *c, uint32_t block, const gv_frame *f, gv_valset *out)
{
    int st = gv_vm_block(vm, block, c, f);
    if (st < 0)
        return -1;
    return st == GV_PASS ? push(vm, out, *c) : 0;
}

/* Tests each element of a list value. */
static int test_elements(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    for (uint32_t i = 0; i < v->node->len; i++) {
        gv_val c = child_at(vm, v, i);
        if (test_one(vm, &c, block, f, out) < 0)
            return -1;
    }
    return 0;
}

/* Keeps c when the filter passes with the clause's own `this` (self). */
static int test_outer(gv_vm *vm, const gv_val *self, const gv_val *c, uint32_t block, const gv_frame *f,
                      gv_valset *out)
{
    int st = gv_vm_block(vm, block, self, f);
    if (st < 0)
        return -1;
    return st == GV_PASS ? push(vm, out, *c) : 0;
}

/* `.*[f]` and `[*][f]`, which cfn-guard 3.1.1 evaluates as neither `*`
 * then `[f]` nor alike (probed, tests/conformance/probes). For each item
 * of the container (a map's values or a list's elements):
 *   `.*[f]`:  a map value is tested itself, a list is filtered element by
 *             element, a scalar is unresolved;
 *   `[*][f]`: a list element that is a list is filtered element by
 *             element, a scalar is tested itself;
 * and where the item is a map inside a list, or the container of `[*][f]`
 * is a map, f is evaluated with the clause's own `this` (not the map) and
 * the map is kept when it passes. */
static int filter_item(gv_vm *vm, const gv_val *self, const gv_val *c, int in_map, int indices, uint32_t block,
                       const gv_frame *f, gv_valset *out)
{
    switch (c->node->kind) {
    case GV_LIST: return test_elements(vm, c, block, f, out);
    case GV_MAP: return in_map ? test_one(vm, c, block, f, out) : test_outer(vm, self, c, block, f, out);
    default: return indices ? test_one(vm, c, block, f, out) : unresolved(vm, out, c, NULL);
    }
}

static int step_all_filter(gv_vm *vm, const gv_val *self, const gv_val *v, int indices, uint32_t block,
                           const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_LIST && n->kind != GV_MAP)
        return indices ? test_one(vm, v, block, f, out) : unresolved(vm, out, v, NULL);
    if (n->kind == GV_MAP && indices)
        return test_outer(vm, self, v, block, f, out);
    if (n->len == 0)
        return unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++) {
        gv_val c = child_at(vm, v, i);
        if (filter_item(vm, self, &c, n->kind == GV_MAP, indices, block, f, out) < 0)
            return -1;
    }
    return 0;
}

/* `%v[f]`: a variable's values are tested themselves; a list value is
 * filtered element by element. */
static int step_select(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    if (v->node->kind == GV_LIST)
        return step_filter(vm, v, block, f, out);
    int st = gv_vm_block(vm, block, v, f);
    if (st < 0)
        return -1;
    return st == GV_PASS ? push(vm, out, *v) : 0;
}

/* [ keys == /re/ ]: the block sees each key (a string) as this. */
static int step_keys_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f,
                            gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_MAP)
        return unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++) {
        const gv_member *m = &n->u.members[i];
        gv_node *key = gv_make_string(vm->scratch, m->key->str, m->key->len);
        if (!key)
            return nomem(vm);
        key->line = m->line; /* reports show where the key stands */
        key->col = m->col;
        key->located = m->line != 0;
        gv_val k = { key, v->path, NULL, NULL, 0, 0 };
        int saved = vm->recording;
        vm->recording = vm->keys_recording; /* cfn-guard reports failed key tests (probed) */
        int st = gv_vm_block(vm, block, &k, f);
        vm->recording = saved;
        if (st < 0)
            return -1;
        if (st == GV_PASS && push(vm, out, child_at(vm, v, i)) < 0)
            return -1;
    }
    return 0;
}

static int step_var_key_node(gv_vm *vm, const gv_val *v, const gv_node *key, gv_valset *out)
{
    if (key && key->kind == GV_LIST) { /* a list of names: each one */
        for (uint32_t i = 0; i < key->len; i++)
            if (step_var_key_node(vm, v, key->u.items[i], out) < 0)
                return -1;
        return 0;
    }
    if (!key || key->kind != GV_STRING)
        return unresolved(vm, out, v, NULL);
    return step_key(vm, v, key->u.s, key->len, gv_hash(key->u.s, key->len), out);
}

static int step_var_key(gv_vm *vm, const gv_val *v, const gv_valset *keys, gv_valset *out)
{
    for (uint32_t k = 0; k < keys->n; k++)
        if (step_var_key_node(vm, v, keys->v[k].node, out) < 0)
            return -1;
    return 0;
}

static int apply_step(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_val *v, const gv_frame *f,
                      gv_valset *out)
{
    const gv_program *p = vm->p;
    switch (in->op) {
    case GV_I_Q_KEY: {
        const gv_kconst *k = &p->strings[in->b];
        return step_key(vm, v, k->s, k->len, k->hash, out);
    }
    case GV_I_Q_INDEX: return step_index(vm, v, (int32_t)in->b, out);
    case GV_I_Q_ALL: return step_all(vm, v, in->flags & GV_FLAG_ALL_INDICES, out);
    case GV_I_Q_FILTER: return step_filter(vm, v, in->b, f, out);
    case GV_I_Q_ALL_FILTER: return step_all_filter(vm, self, v, in->flags & GV_FLAG_ALL_INDICES, in->b, f, out);
    case GV_I_Q_SELECT: return step_select(vm, v, in->b, f, out);
    case GV_I_Q_KEYS_FILTER: return step_keys_filter(vm, v, in->b, f, out);
    case GV_I_Q_VAR_KEY: {
        if (v->node->kind == GV_MAP && (in[1].op == GV_I_Q_ALL || in[1].op == GV_I_Q_ALL_FILTER) &&
            !(in[1].flags & GV_FLAG_ALL_INDICES)) {
            gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[in - p->code],
                         "`.*` right after a %%variable key on a map is not supported (cfn-guard aborts here too)");
            return -1;
        }
        const gv_valset *keys = gv_vm_var(vm, in, f);
        return keys ? step_var_key(vm, v, keys, out) : -1;
    }
    default:
        gv_error_set(vm->err, GV_E_EVAL, p->source, (gv_loc){ 0, 0 }, "bad query instruction %s",
                     gv_opcode_name((gv_opcode)in->op));
        return -1;
    }
}

int gv_vm_query(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    const gv_program *p = vm->p;
    const gv_insn *in = &p->code[p->blocks[block]];
    gv_valset cur = { 0 };
    switch (in->op) {
    case GV_I_Q_ROOT:
        if (push(vm, &cur, vm->root) < 0)
            return -1;
        break;
    case GV_I_Q_THIS:
        if (push(vm, &cur, *self) < 0)
            return -1;
        break;
    case GV_I_Q_VAR: {
        const gv_valset *var = gv_vm_var(vm, in, f);
        if (!var)
            return -1;
        cur = *var; /* read-only from here: steps build new sets */
        /* an empty variable with steps to go gives no result (SKIP), except
         * that a filter right after it is not such a step (probed) */
        if (cur.n == 0 && (in->c || (in[1].op != GV_I_END && in[1].op != GV_I_Q_SELECT)))
            out->cut = 1;
        /* a bare `%v` is a set: `empty` asks whether it holds any value */
        out->filtered = !in->c && in[1].op == GV_I_END;
        break;
    }
    default:
        return -1;
    }
    for (in++; in->op != GV_I_END; in++) {
        gv_valset next = { 0 };
        for (uint32_t i = 0; i < cur.n; i++) {
            const gv_val *v = &cur.v[i];
            if (!v->node) { /* once unresolved, always unresolved */
                if (push(vm, &next, *v) < 0)
                    return -1;
                continue;
            }
            uint32_t before = next.n;
            if (apply_step(vm, in, self, v, f, &next) < 0)
                return -1;
            for (uint32_t k = before; k < next.n; k++) /* where it stopped, for reports */
                if (!next.v[k].node)
                    next.v[k].stop = (uint32_t)(in - p->code) + 1;
        }
        cur = next;
        if (cur.n == 0 && in[1].op != GV_I_END)
            out->cut = 1;
        out->filtered = in->op == GV_I_Q_FILTER || in->op == GV_I_Q_ALL_FILTER ||
                        in->op == GV_I_Q_SELECT || in->op == GV_I_Q_KEYS_FILTER;
    }
    /* a query ending in a filter is never cut short: with nothing left
     * before the filter, `empty` still holds (probed) */
    if (out->filtered)
        out->cut = 0;
    for (uint32_t i = 0; i < cur.n; i++)
        if (push(vm, out, cur.v[i]) < 0)
            return -1;
    return 0;
}
