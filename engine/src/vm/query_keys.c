/* `[ keys ... ]` filters: each key of a map tested by the filter's block
 * (traced for -v/-p as cfn-guard shows them), and `[ keys == q ]` decided
 * by one lookup in the map's index (vm/query.c runs the other steps). */
#include <string.h>

#include "util/hash.h"
#include "vm/compare.h"
#include "vm/trace.h"
#include "vm/vm.h"

#include "vm/query_int.h"

/* ---- [ keys == %x ] in one lookup ----
 * `%doc.Resources[ keys == %resource_key ]` is how 42 of the Control Tower
 * rule files look up a referenced resource, once per reference: run key by
 * key, that is quadratic in the resources. When the filter is exactly
 * `keys == q` (q a bare variable or a literal, which cannot depend on the
 * key) and q holds one string, each key's verdict is plain byte equality,
 * so the map's index finds the one key that passes. Every other key fails
 * and, while failures are recorded, records exactly one check (check.c:
 * the key against q, with rhs_unmatched when q is not a literal); those
 * are recorded as a single GV_CHECK_KEYS_BULK entry instead, expanded into
 * the individual checks when the rule's results are handed out (almost
 * always they are dropped before, with the clause around them passing). */

/* Right-hand values the map's index can look up: one string. */
static int one_string(const gv_valset *rhs)
{
    return rhs->n == 1 && rhs->v[0].node && rhs->v[0].node->kind == GV_STRING;
}

/* The block is `keys == q` on the key itself (no key of it). */
static int keys_eq_block(const gv_program *p, uint32_t block)
{
    const gv_kconst *lhs_key = NULL;
    return gv_q_eq_filter_operand(p, block, &lhs_key) != GV_NONE && !lhs_key;
}

uint32_t gv_q_eq_filter_operand(const gv_program *p, uint32_t block, const gv_kconst **lhs_key)
{
    const gv_insn *in = &p->code[p->blocks[block]];
    /* `C_AND 1` after the one clause, as filters compile, keeps its status */
    int and1 = in[1].op == GV_I_C_AND && in[1].a == 1 && in[2].op == GV_I_END;
    if (in[0].op != GV_I_C_BINARY || (in[1].op != GV_I_END && !and1))
        return GV_NONE;
    if ((in->flags & GV_FLAG_OP_MASK) != GV_OP_EQ || (in->flags & ~GV_FLAG_OP_MASK))
        return GV_NONE;
    const gv_insn *l = &p->code[p->blocks[in->a]];
    if (l[0].op != GV_I_Q_THIS)
        return GV_NONE;
    *lhs_key = NULL;
    if (l[1].op == GV_I_Q_KEY && l[2].op == GV_I_END)
        *lhs_key = &p->strings[l[1].b];
    else if (l[1].op != GV_I_END)
        return GV_NONE;
    const gv_operand *o = &p->operands[in->b];
    if (o->kind == GV_OPND_LITERAL)
        return in->b;
    if (o->kind != GV_OPND_QUERY)
        return GV_NONE;
    const gv_insn *r = &p->code[p->blocks[o->idx]];
    return r[0].op == GV_I_Q_VAR && r[0].c == 0 && r[0].flags != GV_VAR_UNBOUND && r[1].op == GV_I_END
               ? in->b : GV_NONE;
}

int gv_q_eq_filter_rhs(gv_vm *vm, uint32_t block, int recording, const gv_val *v, const gv_frame *f,
                         gv_valset *rhs)
{
    if (vm->depth + 1 > GV_MAX_EVAL_DEPTH)
        return 0;
    const gv_insn *in = &vm->p->code[vm->p->blocks[block]];
    int saved = vm->recording;
    vm->recording = recording;
    vm->ip = vm->p->blocks[block];
    vm->depth++;
    int r = gv_vm_operand(vm, in->b, v, f, rhs);
    vm->depth--;
    vm->recording = saved;
    if (r < 0)
        return -1;
    return one_string(rhs);
}

/* The key of a document map is found through its index: maps loaded from
 * documents have unique keys (doc/map.c), and gv_map_find scans the small
 * ones, so that the first (only) member with that key is found. */
static int keys_eq_fast(gv_vm *vm, const gv_val *v, uint32_t ip, const gv_valset *rhs, gv_valset *out)
{
    const gv_node *n = v->node, *s = rhs->v[0].node;
    int64_t hit = gv_map_find(n, s->u.s, s->len, gv_hash(s->u.s, s->len));
    int failures = (vm->keys_recording || vm->trace) && n->len > (hit >= 0 ? 1u : 0u);
    int tree = vm->trace && !gv_trace_for_lines(vm->trace); /* a tree shows every key test */
    if (!failures && !tree)
        return hit >= 0 ? gv_q_push(vm, out, gv_q_child_at(vm, v, (uint32_t)hit)) : 0;
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = GV_CHECK_KEYS_BULK;
    c.rhs_unmatched = !rhs->v[0].literal;
    c.lhs = *v;
    c.lhs.stop = hit >= 0 ? (uint32_t)hit + 1 : 0;
    c.rhs = rhs->v[0];
    c.rhs_all = rhs->v;
    c.nrhs = 1;
    if (failures) {
        /* traced for the generic lines: where key_test puts them */
        if (vm->trace) {
            gv_trace_open(vm->trace, GV_T_HIDDEN, ip);
            gv_trace_set_aux(vm->trace, 2);
        }
        int saved = vm->recording;
        vm->recording = vm->keys_recording;
        int r = gv_vm_record_check(vm, c);
        vm->recording = saved;
        if (vm->trace)
            gv_trace_close(vm->trace, GV_FAIL);
        if (r < 0)
            return -1;
    }
    if (tree)
        gv_trace_keys(vm->trace, &c);
    return hit >= 0 ? gv_q_push(vm, out, gv_q_child_at(vm, v, (uint32_t)hit)) : 0;
}

/* The key test of a `keys` filter (the block) on key k. */
static int key_test(gv_vm *vm, uint32_t block, const gv_val *k, const gv_frame *f)
{
    int saved = vm->recording;
    vm->recording = vm->keys_recording; /* cfn-guard reports failed key tests (probed) */
    /* traced, under a hidden node: the evaluation tree shows none of it,
     * the generic reporter lists the failed key tests from it (aux 2) */
    if (vm->trace) {
        gv_trace_open(vm->trace, GV_T_HIDDEN, vm->p->blocks[block]);
        gv_trace_set_aux(vm->trace, 2);
    }
    int st = gv_q_filter_block(vm, block, k, f, 2);
    if (vm->trace)
        gv_trace_close(vm->trace, st);
    vm->recording = saved;
    return st;
}

/* Each key of map v tested by the block; those that pass keep their
 * member. Traced (rhs not NULL), each test shows as one check of the key
 * against the right-hand values, at ip. */
static int test_keys(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, uint32_t ip,
                     const gv_valset *rhs, gv_valset *out)
{
    const gv_node *n = v->node;
    for (uint32_t i = 0; i < n->len; i++) {
        gv_node *key = gv_key_node(vm->scratch, &n->u.members[i]);
        if (!key)
            return gv_q_nomem(vm);
        gv_val k = { key, v->path, NULL, NULL, 0, 0, 0 };
        int st = key_test(vm, block, &k, f);
        if (st < 0)
            return -1;
        if (rhs && rhs->n) /* against nothing, cfn-guard compares nothing */
            gv_trace_key(vm->trace, ip, st == GV_PASS ? GV_RS_PASS : GV_RS_FAIL, &k, rhs->v, rhs->n);
        if (st == GV_PASS && gv_q_push(vm, out, gv_q_child_at(vm, v, i)) < 0)
            return -1;
    }
    return 0;
}

/* Traced, a `keys` filter shows as cfn-guard's does: it compares all the
 * keys with the right-hand side in one operation, evaluated once on the map
 * (so a query there starts at the map), which shows one check per key
 * against the right-hand values as a whole, and no filter or clause around
 * them. The key tests themselves are traced only under a hidden node
 * (key_test), for the generic reporter. */
static int keys_filter_traced(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    uint32_t ip = vm->p->blocks[block];
    gv_valset *rhs = gv_arena_zalloc(vm->scratch, sizeof *rhs); /* the trace keeps pointing into it */
    if (!rhs)
        return gv_q_nomem(vm);
    int saved = vm->recording;
    vm->recording = 0;
    vm->ip = ip;
    int r = n->len ? gv_vm_operand(vm, vm->p->code[ip].b, v, f, rhs) : 0;
    vm->recording = saved;
    if (r < 0)
        return -1;
    if (one_string(rhs) && keys_eq_block(vm->p, block))
        return keys_eq_fast(vm, v, ip, rhs, out); /* the keys in bulk (GV_T_KEYS) */
    return test_keys(vm, v, block, f, ip, rhs, out);
}

/* [ keys == /re/ ]: the block sees each key (a string) as this. */
int gv_q_step_keys_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f,
                            gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_MAP)
        return gv_q_unresolved(vm, out, v, NULL);
    /* a trace printed as a tree shows every key test; one read for the
     * generic lines takes the failed ones in bulk, as reports do */
    if (vm->trace && !gv_trace_for_lines(vm->trace))
        return keys_filter_traced(vm, v, block, f, out);
    if (n->len && keys_eq_block(vm->p, block)) {
        gv_valset rhs = { 0 };
        int ok = gv_q_eq_filter_rhs(vm, block, vm->keys_recording, v, f, &rhs);
        if (ok < 0)
            return -1;
        if (ok)
            return keys_eq_fast(vm, v, vm->p->blocks[block], &rhs, out);
    }
    return test_keys(vm, v, block, f, 0, NULL, out);
}

