/* Query traversal: each step maps the current result set to the next.
 * What cfn-guard does at each step (probed, see docs/oracle-notes):
 *  - a key on anything but a map, a missing key, an index out of range,
 *    `*` on an empty list or map: unresolved (the clause then fails);
 *  - `*` on a scalar yields the scalar; negative indexes count from the end;
 *  - a filter runs over a list's elements or a map's values and keeps those
 *    passing; none passing gives no result at all (the clause then skips);
 *  - unresolved results stay unresolved through later steps. */
#include <string.h>

#include "util/hash.h"
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
    gv_val u = { NULL, from->path, from->node, missing, 0 };
    return push(vm, out, u);
}

static int step_key(gv_vm *vm, const gv_val *v, const char *key, uint32_t len, uint64_t hash,
                    gv_valset *out)
{
    const gv_node *n = v->node;
    const gv_node *child = n && n->kind == GV_MAP ? gv_map_get(n, key, len, hash) : NULL;
    if (!child)
        return unresolved(vm, out, v, key);
    gv_val r = { child, gv_path_key(vm->scratch, v->path, key, len), NULL, NULL, 0 };
    return push(vm, out, r);
}

static int step_index(gv_vm *vm, const gv_val *v, int64_t idx, gv_valset *out)
{
    const gv_node *n = v->node;
    if (!n || n->kind != GV_LIST)
        return unresolved(vm, out, v, NULL);
    if (idx < 0)
        idx += n->len;
    if (idx < 0 || idx >= (int64_t)n->len)
        return unresolved(vm, out, v, NULL);
    gv_val r = { n->u.items[idx], gv_path_index(vm->scratch, v->path, (uint32_t)idx), NULL, NULL, 0 };
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

static int step_all(gv_vm *vm, const gv_val *v, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_LIST && n->kind != GV_MAP)
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

/* `.*[f]` / `[*][f]`: on a map the filter tests each value itself (as
 * `Resources.*[ Type == T ]` needs); otherwise `*` then the filter. */
static int step_all_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f,
                           gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind == GV_MAP) {
        if (n->len == 0)
            return unresolved(vm, out, v, NULL);
        return step_filter(vm, v, block, f, out);
    }
    gv_valset all = { 0 };
    if (step_all(vm, v, &all) < 0)
        return -1;
    for (uint32_t i = 0; i < all.n; i++) {
        int r = all.v[i].node ? step_filter(vm, &all.v[i], block, f, out) : push(vm, out, all.v[i]);
        if (r < 0)
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
        gv_val k = { key, v->path, NULL, NULL, 0 };
        int st = gv_vm_block(vm, block, &k, f);
        if (st < 0)
            return -1;
        if (st == GV_PASS && push(vm, out, child_at(vm, v, i)) < 0)
            return -1;
    }
    return 0;
}

static int step_var_key(gv_vm *vm, const gv_val *v, const gv_valset *keys, gv_valset *out)
{
    for (uint32_t k = 0; k < keys->n; k++) {
        const gv_node *key = keys->v[k].node;
        if (!key || key->kind != GV_STRING) {
            if (unresolved(vm, out, v, NULL) < 0)
                return -1;
            continue;
        }
        if (step_key(vm, v, key->u.s, key->len, gv_hash(key->u.s, key->len), out) < 0)
            return -1;
    }
    return 0;
}

static int apply_step(gv_vm *vm, const gv_insn *in, const gv_val *v, const gv_frame *f, gv_valset *out)
{
    const gv_program *p = vm->p;
    switch (in->op) {
    case GV_I_Q_KEY: {
        const gv_kconst *k = &p->strings[in->b];
        return step_key(vm, v, k->s, k->len, k->hash, out);
    }
    case GV_I_Q_INDEX: return step_index(vm, v, (int32_t)in->b, out);
    case GV_I_Q_ALL: return step_all(vm, v, out);
    case GV_I_Q_FILTER: return step_filter(vm, v, in->b, f, out);
    case GV_I_Q_ALL_FILTER: return step_all_filter(vm, v, in->b, f, out);
    case GV_I_Q_SELECT: return step_select(vm, v, in->b, f, out);
    case GV_I_Q_KEYS_FILTER: return step_keys_filter(vm, v, in->b, f, out);
    case GV_I_Q_VAR_KEY: {
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
            if (apply_step(vm, in, v, f, &next) < 0)
                return -1;
        }
        cur = next;
    }
    for (uint32_t i = 0; i < cur.n; i++)
        if (push(vm, out, cur.v[i]) < 0)
            return -1;
    return 0;
}
