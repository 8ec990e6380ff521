/* Queries resolved depth first, for the trace (vm/query.c resolves them
 * step by step otherwise).
 * cfn-guard resolves a query value by value, depth first: the values a
 * filter keeps go through the rest of the query before the filter tests
 * the next one. When two steps or more trace (filters), their nodes come
 * in that order (probed: `Resources.*[ Type == "B" ].Tags[ Value == "p" ]`
 * shows the first resource's tag filters before the second resource's
 * filter). Results, their order and the flags are those of the step by
 * step loop of gv_vm_query. */
#include "vm/query_int.h"

/* Values kept on the C stack by one part of a step (a set grows into the
 * scratch arena past that). */
#define LOCAL_VALS 4

static int traces(const gv_insn *in)
{
    return in->op == GV_I_Q_FILTER || in->op == GV_I_Q_ALL_FILTER || in->op == GV_I_Q_SELECT ||
           in->op == GV_I_Q_KEYS_FILTER;
}

/* Whether a query is resolved depth first: traced, with two tracing steps
 * or more and no step whose effects would come in another order. */
int gv_q_depth_first_wanted(const gv_vm *vm, const gv_insn *first)
{
    if (!vm->trace || gv_q_tracks_ctx(first)) /* contexts are tracked step by step */
        return 0;
    int n = 0;
    for (const gv_insn *in = first + 1; in->op != GV_I_END; in++) {
        if (in->op == GV_I_Q_CAPTURE)
            return 0;
        n += traces(in);
    }
    return n >= 2;
}

/* v through the steps from in on; made[k] counts the values step k gave
 * (unresolved ones passing through too), as the step by step loop's sets. */
static int resolve_from(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_val *v, const gv_frame *f,
                        gv_valset *out, uint32_t *made)
{
    if (in->op == GV_I_END)
        return gv_q_push(vm, out, *v);
    uint32_t parts = gv_q_parts(in, v);
    for (uint32_t i = 0; i < parts; i++) {
        gv_val local[LOCAL_VALS];
        gv_valset next = { local, 0, LOCAL_VALS, 0, 0 };
        if (!v->node) { /* once unresolved, always unresolved */
            if (gv_q_push(vm, &next, *v) < 0)
                return -1;
        } else if (gv_q_apply_part(vm, in, self, v, i, parts, f, &next) < 0) {
            return -1;
        }
        for (uint32_t k = 0; v->node && k < next.n; k++) /* where it stopped, for reports */
            if (!next.v[k].node)
                next.v[k].stop = (uint32_t)(in - vm->p->code) + 1;
        made[0] += next.n;
        for (uint32_t k = 0; k < next.n; k++)
            if (resolve_from(vm, in + 1, self, &next.v[k], f, out, made + 1) < 0)
                return -1;
    }
    return 0;
}

int gv_q_depth_first(gv_vm *vm, const gv_insn *first, const gv_val *self, const gv_valset *cur, const gv_frame *f,
                     gv_valset *out)
{
    uint32_t nsteps = 0;
    for (const gv_insn *in = first + 1; in->op != GV_I_END; in++)
        nsteps++;
    uint32_t *made = gv_arena_zalloc(vm->scratch, nsteps * sizeof *made);
    if (!made)
        return gv_vm_nomem(vm);
    for (uint32_t i = 0; i < cur->n; i++)
        if (resolve_from(vm, first + 1, self, &cur->v[i], f, out, made) < 0)
            return -1;
    for (uint32_t k = 0; k + 1 < nsteps; k++)
        if (made[k] == 0)
            out->cut = 1;
    const gv_insn *last = first + nsteps;
    out->filtered = traces(last);
    if (out->filtered) /* as gv_vm_query */
        out->cut = 0;
    return 0;
}

