/* Binary clauses whose right-hand query stopped short (split from
 * check.c). cfn-guard reports each unresolved right-hand value once per
 * resolved left-hand value, then what fails against the right-hand values
 * that resolved (with none resolved: each left-hand value as not found,
 * for == and IN only). A variable bound to a literal list is reported
 * there only by IN, item by item, and NOT IN, whole; nothing else is
 * (probed). With `some`, such a clause may pass; its tree shows the
 * comparisons anyway. */
#include "vm/check_int.h"

/* The left side is a variable bound to a literal, with no steps after it. */
static int bare_literal_lhs(const gv_vm *vm, const gv_insn *in, const gv_valset *l)
{
    const gv_insn *q = &vm->p->code[vm->p->blocks[in->a]];
    return q[0].op == GV_I_Q_VAR && q[1].op == GV_I_END && gv_set_literal(l);
}

/* An unresolved right-hand value rv against a resolved left-hand value
 * lv; an ordering spreads a left-hand list over its items, one level
 * (probed: `l > missing` reports /l/0 and /l/1 for l [1, 5], nothing for
 * an empty l, /l/0 for [[]]). */
static int record_missing_rhs(gv_vm *vm, uint32_t ip, const gv_val *rv, const gv_val *lv)
{
    gv_cmp_op op = (gv_cmp_op)(vm->p->code[ip].flags & GV_FLAG_OP_MASK);
    if (!gv_op_orders(op) || lv->node->kind != GV_LIST)
        return gv_vm_record(vm, ip, rv, lv, GV_CHECK_UNRESOLVED_RHS);
    for (uint32_t k = 0; k < lv->node->len; k++) {
        gv_val item = { lv->node->u.items[k], gv_path_index(vm->scratch, lv->path, k), NULL, NULL, lv->literal, 0, 0 };
        if (!item.path)
            return gv_vm_nomem(vm);
        if (gv_vm_record(vm, ip, rv, &item, GV_CHECK_UNRESOLVED_RHS) < 0)
            return -1;
    }
    return 0;
}

/* The first of gv_vm_record_unresolved_rhs (check_int.h). */
int gv_vm_missing_pairs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, gv_valset *lr,
                        gv_valset *found)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (!l->v[i].node) {
            if (gv_vm_record(vm, ip, &l->v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
                return -1;
        } else if (!gv_valset_push(vm->scratch, lr, l->v[i]))
            return gv_vm_nomem(vm);
    }
    for (uint32_t j = 0; lr->n && j < r->n; j++) {
        if (r->v[j].node) {
            if (!gv_valset_push(vm->scratch, found, r->v[j]))
                return gv_vm_nomem(vm);
            continue;
        }
        for (uint32_t i = 0; i < lr->n; i++) /* the left-hand value rides along: text reports name it */
            if (record_missing_rhs(vm, ip, &r->v[j], &lr->v[i]) < 0)
                return -1;
    }
    return 0;
}

int gv_vm_record_unresolved_rhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r)
{
    if (!vm->recording && !vm->trace)
        return 0;
    /* each unresolved left-hand value; the rest is about those resolved */
    gv_valset lr = { 0 }, found = { 0 };
    if (gv_vm_missing_pairs(vm, ip, l, r, &lr, &found) < 0)
        return -1;
    if (!lr.n)
        return 0;
    l = &lr;
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0;
    int eq = (op == GV_OP_EQ || op == GV_OP_IN) && !opnot;
    gv_val none = { 0 };
    if (bare_literal_lhs(vm, in, l) && !found.n) {
        const gv_val *v = &l->v[0];
        if (op != GV_OP_IN || l->n != 1 || v->node->kind != GV_LIST)
            return 0;
        if (opnot)
            return gv_vm_record_compare(vm, ip, v, &none, &found, 0) < 0 ? -1 : 0;
        for (uint32_t k = 0; k < v->node->len; k++) {
            gv_val item = { v->node->u.items[k], gv_path_index(vm->scratch, v->path, k), NULL, NULL, 1, 0, 0 };
            if (!item.path)
                return gv_vm_nomem(vm);
            if (gv_vm_record_compare(vm, ip, &item, &none, &found, 0) < 0)
                return -1;
        }
        return 0;
    }
    if (found.n) {
        /* then what fails against the values that resolved, as it would
         * without the others (probed: `1 IN q` adds nothing when q has a
         * 1, `1 NOT IN q` adds 1, `1 == q` each value of q that is not 1) */
        return gv_vm_compare_sets(vm, ip, &lr, &found, 0) < 0 ? -1 : 0;
    }
    for (uint32_t i = 0; eq && i < l->n; i++)
        if (gv_vm_record_compare(vm, ip, &l->v[i], &none, &found, 0) < 0)
            return -1;
    return 0;
}

/* `some x != q` and `some x NOT IN q` pass when nothing of q resolved;
 * cfn-guard's tree still shows each comparison failing, as they are
 * reported without `some`, then a pass per left-hand value that resolved
 * (probed). Only traced: nothing is recorded. */
int gv_vm_trace_missing_pass(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r)
{
    int saved = vm->recording;
    vm->recording = 0;
    gv_valset lr = { 0 }, found = { 0 };
    int rc = gv_vm_missing_pairs(vm, ip, l, r, &lr, &found);
    vm->recording = saved;
    for (uint32_t i = 0; rc == 0 && i < l->n; i++)
        if (l->v[i].node)
            gv_trace_pass(vm->trace, ip, &l->v[i]);
    return rc < 0 ? -1 : GV_PASS;
}
