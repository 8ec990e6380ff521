/* How cfn-guard's evaluation tree shows an ordering (<, <=, >, >=): as
 * every pair of values it compares, each item of each left-hand value
 * against each item of each right-hand value (a list stands for its
 * items, one level deep), one pass or failure per pair and without
 * stopping at the first that decides, with or without `some` (probed).
 * The verdict and the reported failures are decided apart (check.c);
 * this only adds to the trace. */
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
    gv_val r = { v->node->u.items[k], gv_path_index(vm->scratch, v->path, k), NULL, NULL, 0, 0 };
    return r;
}

static int is_container(const gv_node *n)
{
    return n->kind == GV_LIST || n->kind == GV_MAP;
}

static int trace_pair(gv_vm *vm, uint32_t ip, const gv_val *x, const gv_val *y)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0;
    gv_cmp_result c = is_container(x->node) || is_container(y->node) ? GV_CMP_INCOMPARABLE
                                                                     : gv_compare(op, x->node, y->node, vm->err);
    if (c == GV_CMP_ERROR)
        return -1;
    if (gv_cmp_holds(c, opnot)) {
        gv_trace_pass(vm->trace, ip, x);
        return 0;
    }
    gv_check k = { 0 };
    k.ip = ip;
    k.kind = GV_CHECK_COMPARE;
    k.incomparable = c == GV_CMP_INCOMPARABLE;
    k.lhs = *x;
    k.rhs = *y;
    k.rhs_all = y;
    k.nrhs = 1;
    gv_trace_fail(vm->trace, &k);
    return 0;
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
