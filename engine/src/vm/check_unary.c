/* Unary clause checks (exists, empty, is_string, ...) over the values of
 * their query, combined as cfn-guard does (probed; docs/oracle-notes).
 * Binary clauses are in vm/check.c. */
#include "vm/compare.h"
#include "vm/vm.h"

/* The clause's query is a bare `%v` (or `%v[*]`, the same query). */
static int bare_var_query(const gv_vm *vm, const gv_insn *in)
{
    const gv_insn *q = &vm->p->code[vm->p->blocks[in->a]];
    return q[0].op == GV_I_Q_VAR && q[1].op == GV_I_END;
}

int gv_vm_unary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    /* a leading `not` negates each value's result before they are
     * combined, as `not exists` does (probed) */
    int opnot = ((in->flags & GV_FLAG_OPNOT) != 0) ^ ((in->flags & GV_FLAG_NOT) != 0);
    int some = (in->flags & GV_FLAG_SOME) != 0;
    gv_val lbuf[GV_SMALL_SET];
    gv_valset l = { lbuf, 0, GV_SMALL_SET, 0, 0 };
    int view = gv_vm_quiet_view(vm, in->a, f, &l); /* read only from here */
    if (view < 0 || (!view && gv_vm_quiet_query(vm, in->a, self, f, &l) < 0))
        return -1;
    gv_status st;
    if (l.n == 0) {
        /* cfn-guard's tree marks a clause whose query gave nothing as
         * at_least_one_matches, whatever it decides (probed) */
        if (vm->trace)
            gv_trace_set_aux(vm->trace, 1);
        /* no values: only `empty` decides, and only when the query ran out
         * at its last step (a filter left nothing to step into: SKIP) */
        if (op != GV_OP_EMPTY || l.cut)
            return GV_SKIP;
        st = opnot ? GV_FAIL : GV_PASS;
        gv_val none = { 0 };
        if (vm->trace && st == GV_PASS)
            gv_trace_pass(vm->trace, ip, &none);
        if (st == GV_FAIL && gv_vm_record(vm, ip, &none, NULL, GV_CHECK_NO_VALUES) < 0)
            return -1;
    } else {
        int any_pass = 0, any_fail = 0;
        for (uint32_t i = 0; i < l.n; i++) {
            const gv_node *n = l.v[i].node;
            int ok;
            switch (op) {
            case GV_OP_EXISTS: ok = n != NULL; break;
            case GV_OP_EMPTY:
                /* after a filter, or on a bare `%v`, `empty` asks whether
                 * anything was kept, whatever it is, a null counting as
                 * nothing (probed: `X[ this == 1 ] not empty` holds on [1],
                 * `X[ this == null ] empty` on [null]) */
                if (l.filtered) {
                    ok = !n || n->kind == GV_NULL;
                    break;
                }
                /* a bool is never empty; numbers and null abort the run */
                if (n && (n->kind == GV_INT || n->kind == GV_FLOAT || n->kind == GV_NULL))
                    return gv_vm_fail_at(vm, ip, "`empty` applied to a %s value (cfn-guard aborts here too)",
                                   gv_kind_name((gv_kind)n->kind));
                ok = !n || (n->kind != GV_BOOL && n->kind != GV_CHAR && n->len == 0);
                break;
            case GV_OP_IS_STRING: ok = n && n->kind == GV_STRING; break;
            case GV_OP_IS_LIST: ok = n && n->kind == GV_LIST; break;
            case GV_OP_IS_STRUCT: ok = n && n->kind == GV_MAP; break;
            case GV_OP_IS_BOOL: ok = n && n->kind == GV_BOOL; break;
            case GV_OP_IS_INT: ok = n && n->kind == GV_INT; break;
            case GV_OP_IS_FLOAT: ok = n && n->kind == GV_FLOAT; break;
            case GV_OP_IS_NULL: ok = n && n->kind == GV_NULL; break;
            default: ok = 0; break;
            }
            if (opnot)
                ok = !ok;
            if (vm->trace && ok)
                gv_trace_pass(vm->trace, ip, &l.v[i]);
            any_pass |= ok;
            any_fail |= !ok;
            /* `%v empty` is no such check, `%v[*] empty` is (probed) */
            if (!ok && l.v[i].literal && !vm->lit_fail && !vm->in_filter &&
                (op != GV_OP_EMPTY || vm->p->code[vm->p->blocks[in->a]].c) && bare_var_query(vm, in))
                vm->lit_fail = ip + 1;
            if (!ok && (vm->recording || vm->trace) &&
                gv_vm_record(vm, ip, &l.v[i], NULL, n ? GV_CHECK_COMPARE : GV_CHECK_UNRESOLVED) < 0)
                return -1;
        }
        st = gv_vm_finish_values(any_pass, any_fail, some);
    }
    return st;
}
