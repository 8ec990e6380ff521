/* Failing checks kept for reports, and the VM's error exits. Checks are
 * only kept while vm->recording is set (not in filters, conditions, lets). */
#include <string.h>

#include "vm/vm.h"

int gv_vm_nomem(gv_vm *vm)
{
    gv_error_set(vm->err, GV_E_NOMEM, vm->p->source, (gv_loc){ 0, 0 }, "out of memory evaluating rules");
    return -1;
}

int gv_vm_fail_at(gv_vm *vm, uint32_t ip, const char *msg, const char *arg)
{
    gv_error_set(vm->err, GV_E_EVAL, vm->p->source, vm->p->locs[ip], msg, arg);
    return -1;
}

/* The enclosing clause frames of a check, copied out of the C stack the
 * first time a check inside them is kept (NULL if memory ran out: the check
 * then only loses its nesting in reports). */
static const gv_check_ctx *keep_ctx(gv_vm *vm, gv_ctx_frame *f)
{
    if (!f || f->copy)
        return f ? f->copy : NULL;
    gv_check_ctx *c = gv_arena_alloc(vm->scratch, sizeof *c);
    if (!c)
        return NULL;
    c->ip = f->ip;
    c->up = keep_ctx(vm, f->up);
    f->copy = c;
    return c;
}

int gv_vm_record_check(gv_vm *vm, gv_check c)
{
    vm->nfailures++;
    /* cfn-guard's tree shows failures in conditions and filters too; a
     * referenced rule's status has a node of its own */
    if (vm->trace && c.kind != GV_CHECK_RULE)
        gv_trace_fail(vm->trace, &c);
    if (!vm->recording)
        return 0;
    c.ctx = keep_ctx(vm, vm->ctx);
    if (vm->nchecks == vm->cap_checks) {
        uint32_t cap = vm->cap_checks ? vm->cap_checks * 2 : 16;
        gv_check *p = gv_arena_alloc(vm->scratch, cap * sizeof *p);
        if (!p)
            return gv_vm_nomem(vm);
        if (vm->nchecks)
            memcpy(p, vm->checks, vm->nchecks * sizeof *p);
        vm->checks = p;
        vm->cap_checks = cap;
    }
    vm->checks[vm->nchecks++] = c;
    return 0;
}

int gv_vm_record(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *rhs, uint8_t kind)
{
    if (!vm->recording && !vm->trace) /* conditions and filters fail often: build nothing */
        return 0;
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = kind;
    c.lhs = *lhs;
    if (rhs)
        c.rhs = *rhs;
    return gv_vm_record_check(vm, c);
}

/* A failed comparison, with every right-hand value: reports show IN lists
 * and query right-hand sides whole. */
int gv_vm_record_compare(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *against,
                          const gv_valset *r, int incomparable)
{
    if (!vm->recording && !vm->trace)
        return 0;
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = GV_CHECK_COMPARE;
    c.incomparable = (uint8_t)incomparable;
    c.lhs = *lhs;
    c.rhs = *against;
    c.rhs_all = r->v;
    c.nrhs = r->n;
    return gv_vm_record_check(vm, c);
}
