/* Clauses cfn-guard's evaluation tree shows as every pair of values it
 * compares, one pass or failure per pair and without stopping at the
 * first that decides (probed):
 *  - an ordering (<, <=, >, >=), with or without `some`: each item of each
 *    left-hand value against each item of each right-hand value (a list
 *    stands for its items, one level deep);
 *  - a variable bound to a literal on the left: each of its values against
 *    each right-hand value (for == a list from the data stands for its
 *    items).
 * The verdict and the reported failures are decided apart (check.c); this
 * only adds to the trace. */
#include "vm/compare.h"
#include "vm/vm.h"

static uint32_t item_count(const gv_val *v)
{
    return v->node->kind == GV_LIST ? v->node->len : 1;
}

/* Item k of v (v itself when it is no list). Not marked literal: the
 * item is shown as it is, never unwrapped. */
static gv_val item_at(gv_vm *vm, const gv_val *v, uint32_t k)
{
    if (v->node->kind != GV_LIST) {
        gv_val r = *v;
        r.literal = 0;
        return r;
    }
    gv_val r = { v->node->u.items[k], gv_path_index(vm->scratch, v->path, k), NULL, NULL, 0, 0, 0 };
    return r;
}

static int is_container(const gv_node *n)
{
    return n->kind == GV_LIST || n->kind == GV_MAP;
}

/* The pair x, y with the result c of comparing them. */
static int trace_result(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_val *y, gv_cmp_result c)
{
    int opnot = (vm->p->code[ip].flags & GV_FLAG_OPNOT) != 0;
    if (c == GV_CMP_ERROR)
        return -1;
    if (gv_cmp_holds(c, opnot)) {
        gv_trace_pass(vm->trace, ip, x);
        return 0;
    }
    gv_val *kept = gv_arena_alloc(vm->scratch, sizeof *kept); /* the trace outlives y */
    if (!kept)
        return gv_vm_nomem(vm);
    *kept = *y;
    gv_check k = { 0 };
    k.ip = ip;
    k.kind = GV_CHECK_COMPARE;
    /* cfn-guard gives no reason for a literal list IN a query's value (probed) */
    int in = (vm->p->code[ip].flags & GV_FLAG_OP_MASK) == GV_OP_IN;
    k.incomparable = c == GV_CMP_INCOMPARABLE && !(in && x->literal && x->node->kind == GV_LIST && !y->literal);
    k.lhs = *x;
    k.rhs = *y;
    k.rhs_all = kept;
    k.nrhs = 1;
    gv_trace_fail(vm->trace, &k);
    return 0;
}

static int trace_pair(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_val *y)
{
    gv_cmp_op op = (gv_cmp_op)(vm->p->code[ip].flags & GV_FLAG_OP_MASK);
    gv_cmp_result c = is_container(x->node) || is_container(y->node) ? GV_CMP_INCOMPARABLE
                                                                     : gv_compare(op, x->node, y->node, vm->err);
    return trace_result(vm, ip, x, y, c);
}

/* Every item of left-hand value x against the right-hand values. */
static int trace_against(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_valset *r)
{
    for (uint32_t j = 0; j < r->n; j++) {
        if (!r->v[j].node)
            continue;
        for (uint32_t b = 0; b < item_count(&r->v[j]); b++) {
            gv_val y = item_at(vm, &r->v[j], b);
            if (trace_pair(vm, ip, x, &y) < 0)
                return -1;
        }
    }
    return 0;
}

int gv_vm_trace_order(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (!l->v[i].node)
            continue;
        for (uint32_t a = 0; a < item_count(&l->v[i]); a++) {
            gv_val x = item_at(vm, &l->v[i], a);
            if (trace_against(vm, ip, &x, r) < 0)
                return -1;
        }
    }
    return 0;
}

/* A literal list IN a query's scalar: each item is compared with it, for
 * equality; the items that differ show, or one pass when none does (an
 * empty list too; probed: ["P", "Q", "P"] IN "P" shows only /1). */
static int trace_items_in(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_val *y)
{
    int any_fail = 0;
    for (uint32_t a = 0; a < x->node->len; a++) {
        if (gv_node_equal(x->node->u.items[a], y->node))
            continue;
        any_fail = 1;
        gv_val item = item_at(vm, x, a);
        if (trace_result(vm, ip, &item, y, GV_CMP_FALSE) < 0)
            return -1;
    }
    return any_fail ? 0 : trace_result(vm, ip, x, y, GV_CMP_VACUOUS);
}

/* One literal left-hand value x against right-hand value y (as
 * gv_compare_literal_lhs decides; a list from the data compared with ==
 * item by item). */
static int trace_literal_against(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_val *y, int rhs_literal)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    if (op == GV_OP_IN && !(in->flags & GV_FLAG_OPNOT) && !rhs_literal && x->node->kind == GV_LIST &&
        !is_container(y->node))
        return trace_items_in(vm, ip, x, y);
    int spread = op == GV_OP_EQ && !rhs_literal && x->node->kind != GV_LIST && y->node->kind == GV_LIST;
    for (uint32_t b = 0; b < (spread ? y->node->len : 1); b++) {
        gv_val item = spread ? item_at(vm, y, b) : *y;
        gv_cmp_result c = gv_compare_literal_lhs(op, x->node, item.node, rhs_literal, vm->err);
        if (trace_result(vm, ip, x, &item, c) < 0)
            return -1;
    }
    return 0;
}

int gv_vm_trace_literal(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int rhs_literal)
{
    /* a literal list IN several query values that holds (vm/compare.h):
     * cfn-guard shows one passing check (probed) */
    int lists_in = 1;
    for (uint32_t i = 0; lists_in && i < l->n; i++)
        lists_in = gv_compare_list_in_values(vm->p->code[ip].flags, rhs_literal, l->v[i].node, r);
    for (uint32_t i = 0; lists_in && i < l->n; i++)
        gv_trace_pass(vm->trace, ip, &l->v[i]);
    if (lists_in)
        return 0;
    for (uint32_t i = 0; i < l->n; i++)
        for (uint32_t j = 0; j < r->n; j++)
            if (trace_literal_against(vm, ip, &l->v[i], &r->v[j], rhs_literal) < 0)
                return -1;
    return 0;
}
