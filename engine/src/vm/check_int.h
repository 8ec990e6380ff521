/* What the binary clause checks (check.c, check_missing.c) share; not for
 * the rest of the VM. */
#ifndef GV_CHECK_INT_H
#define GV_CHECK_INT_H

#include "vm/compare.h"
#include "vm/vm.h"

/* A variable query result keeps the literal mark of what the let held. */
static inline int gv_set_literal(const gv_valset *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->v[i].literal)
            return 0;
    return 1;
}

static inline int gv_op_orders(gv_cmp_op op)
{
    return op == GV_OP_LT || op == GV_OP_LE || op == GV_OP_GT || op == GV_OP_GE;
}

/* The failures of l against r, as a comparison with a query's results
 * (check.c); the status or -1. */
int gv_vm_compare_sets(gv_vm *vm, uint32_t ip, gv_valset *l, gv_valset *r, int some);

/* check_missing.c: the right-hand query stopped short. Each unresolved
 * left-hand value, then each unresolved right-hand value against each
 * resolved left-hand one; *lr gets the resolved left-hand values, *found
 * the resolved right-hand ones. */
int gv_vm_missing_pairs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, gv_valset *lr,
                        gv_valset *found);
/* All cfn-guard reports of such a clause. 0, or -1. */
int gv_vm_record_unresolved_rhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r);
/* `some x != q` passing with nothing of q resolved, as traced: GV_PASS,
 * or -1. */
int gv_vm_trace_missing_pass(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r);

#endif
