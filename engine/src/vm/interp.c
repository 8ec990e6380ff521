/* The interpreter: runs clause code, pushing PASS/FAIL/SKIP statuses.
 * The statuses follow cfn-guard 3.1.1 (probed; docs/oracle-notes):
 *  - a clause whose query yields nothing skips (`empty` then passes);
 *  - an unresolved value fails every comparison, negated or not;
 *  - `not` before a comparison is ignored by cfn-guard; before a unary
 *    check it flips PASS and FAIL;
 *  - AND: any FAIL fails, else any PASS passes, else SKIP; OR: any PASS
 *    passes, else any FAIL fails, else SKIP;
 *  - a named rule referenced as a clause passes only if it passed (SKIP
 *    counts as FAIL; `not` turns SKIP into PASS); a parameterised call
 *    keeps its SKIP;
 *  - a rule declared twice has the combined (AND) status of its bodies. */
#include <stdio.h>
#include <string.h>

#include "vm/compare.h"
#include "vm/vm.h"
#include "vm/functions.h"

static int fail_nomem(gv_vm *vm)
{
    gv_error_set(vm->err, GV_E_NOMEM, vm->p->source, (gv_loc){ 0, 0 }, "out of memory evaluating rules");
    return -1;
}

static const gv_valset *force_let(gv_vm *vm, const gv_frame *f, uint32_t slot);

static gv_pending_let *new_pending(gv_vm *vm)
{
    return gv_arena_zalloc(vm->scratch, (vm->p->nslots ? vm->p->nslots : 1) * sizeof(gv_pending_let));
}

static int fail_at(gv_vm *vm, uint32_t ip, const char *msg, const char *arg)
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

static int record_check(gv_vm *vm, gv_check c)
{
    if (!vm->recording)
        return 0;
    c.ctx = keep_ctx(vm, vm->ctx);
    if (vm->nchecks == vm->cap_checks) {
        uint32_t cap = vm->cap_checks ? vm->cap_checks * 2 : 16;
        gv_check *p = gv_arena_alloc(vm->scratch, cap * sizeof *p);
        if (!p)
            return fail_nomem(vm);
        if (vm->nchecks)
            memcpy(p, vm->checks, vm->nchecks * sizeof *p);
        vm->checks = p;
        vm->cap_checks = cap;
    }
    vm->checks[vm->nchecks++] = c;
    return 0;
}

static int record(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *rhs, uint8_t kind)
{
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = kind;
    c.lhs = *lhs;
    if (rhs)
        c.rhs = *rhs;
    return record_check(vm, c);
}

/* A failed comparison, with every right-hand value: reports show IN lists
 * and query right-hand sides whole. */
static int record_compare(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_val *against,
                          const gv_valset *r, int incomparable)
{
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = GV_CHECK_COMPARE;
    c.incomparable = (uint8_t)incomparable;
    c.lhs = *lhs;
    c.rhs = *against;
    c.rhs_all = r->v;
    c.nrhs = r->n;
    return record_check(vm, c);
}

static gv_status combine_and(const int *st, uint32_t n)
{
    int pass = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (st[i] == GV_FAIL)
            return GV_FAIL;
        pass |= st[i] == GV_PASS;
    }
    return pass ? GV_PASS : GV_SKIP;
}

static gv_status combine_or(const int *st, uint32_t n)
{
    int fail = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (st[i] == GV_PASS)
            return GV_PASS;
        fail |= st[i] == GV_FAIL;
    }
    return fail ? GV_FAIL : GV_SKIP;
}

/* ---- variables and operands ---- */

const gv_valset *gv_vm_var(gv_vm *vm, const gv_insn *in, const gv_frame *f)
{
    const gv_program *p = vm->p;
    if (in->flags == GV_VAR_UNBOUND) {
        gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[in - p->code],
                     "no variable named '%%%s' is defined", p->strings[in->a].s);
        return NULL;
    }
    if (in->flags == GV_VAR_PARAM) {
        if (!f || !f->params || in->a >= f->nparams)
            return NULL;
        return &f->params[in->a];
    }
    uint32_t slot = in->a;
    if (p->global_operand[slot] == GV_NONE) {
        if (!f || !f->slots)
            return NULL;
        if (f->pending && f->pending[slot].state)
            return force_let(vm, f, slot);
        return &f->slots[slot];
    }
    if (vm->global_state[slot] == 2)
        return &vm->globals[slot];
    if (vm->global_state[slot] == 1) {
        gv_error_set(vm->err, GV_E_EVAL, p->source, (gv_loc){ 0, 0 }, "variable defined in terms of itself");
        return NULL;
    }
    vm->global_state[slot] = 1;
    gv_valset v = { 0 };
    int saved = vm->recording;
    vm->recording = 0;
    int r = gv_vm_operand(vm, p->global_operand[slot], &vm->root, NULL, &v);
    vm->recording = saved;
    if (r < 0)
        return NULL;
    vm->globals[slot] = v;
    vm->global_state[slot] = 2;
    return &vm->globals[slot];
}

/* Queries run their filters as clause blocks: what fails in a filter only
 * filters, it is not a failure of the rule to report. */
static int quiet_query(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    int saved = vm->recording, saved_keys = vm->keys_recording;
    vm->keys_recording = vm->recording;
    vm->recording = 0;
    int r = gv_vm_query(vm, block, self, f, out);
    vm->recording = saved;
    vm->keys_recording = saved_keys;
    return r;
}

int gv_vm_operand(gv_vm *vm, uint32_t operand, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    const gv_operand *o = &vm->p->operands[operand];
    switch (o->kind) {
    case GV_OPND_LITERAL: {
        gv_val v = { vm->p->literals[o->idx], NULL, NULL, NULL, 1, 0 };
        return gv_valset_push(vm->scratch, out, v) ? 0 : fail_nomem(vm);
    }
    case GV_OPND_QUERY: {
        if (quiet_query(vm, o->idx, self, f, out) < 0)
            return -1;
        return 0;
    }
    default: {
        gv_valset args[8];
        if (o->nargs > 8) {
            gv_error_set(vm->err, GV_E_EVAL, vm->p->source, (gv_loc){ 0, 0 }, "too many arguments");
            return -1;
        }
        for (uint32_t i = 0; i < o->nargs; i++) {
            memset(&args[i], 0, sizeof args[i]);
            if (gv_vm_operand(vm, vm->p->args[o->args_start + i], self, f, &args[i]) < 0)
                return -1;
        }
        return gv_fn_call(o->fn, vm->scratch, args, o->nargs, out, vm->p->regexes, vm->err);
    }
    }
}

/* A variable query result keeps the literal mark of what the let held. */
static int rhs_is_literal(const gv_valset *rhs)
{
    for (uint32_t i = 0; i < rhs->n; i++)
        if (!rhs->v[i].literal)
            return 0;
    return 1;
}

/* ---- clauses ---- */

static gv_status finish_values(int any_pass, int any_fail, int some)
{
    if (some)
        return any_pass ? GV_PASS : GV_FAIL;
    return any_fail ? GV_FAIL : GV_PASS;
}

static int eval_unary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    /* a leading `not` negates each value's result before they are
     * combined, as `not exists` does (probed) */
    int opnot = ((in->flags & GV_FLAG_OPNOT) != 0) ^ ((in->flags & GV_FLAG_NOT) != 0);
    int some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 };
    if (quiet_query(vm, in->a, self, f, &l) < 0)
        return -1;
    gv_status st;
    if (l.n == 0) {
        /* no values: only `empty` decides, and only when the query ran out
         * at its last step (a filter left nothing to step into: SKIP) */
        if (op != GV_OP_EMPTY || l.cut)
            return GV_SKIP;
        st = opnot ? GV_FAIL : GV_PASS;
        gv_val none = { 0 };
        if (st == GV_FAIL && record(vm, ip, &none, NULL, GV_CHECK_NO_VALUES) < 0)
            return -1;
    } else {
        int any_pass = 0, any_fail = 0;
        for (uint32_t i = 0; i < l.n; i++) {
            const gv_node *n = l.v[i].node;
            int ok;
            switch (op) {
            case GV_OP_EXISTS: ok = n != NULL; break;
            case GV_OP_EMPTY:
                /* a bool is never empty; numbers and null abort the run */
                if (n && (n->kind == GV_INT || n->kind == GV_FLOAT || n->kind == GV_NULL))
                    return fail_at(vm, ip, "`empty` applied to a %s value (cfn-guard aborts here too)",
                                   gv_kind_name((gv_kind)n->kind));
                /* after a filter, `empty` asks whether it kept anything,
                 * not whether what it kept is empty (probed) */
                ok = !n || (n->kind != GV_BOOL && n->len == 0 && !l.filtered);
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
            any_pass |= ok;
            any_fail |= !ok;
            if (!ok && record(vm, ip, &l.v[i], NULL, n ? GV_CHECK_COMPARE : GV_CHECK_UNRESOLVED) < 0)
                return -1;
        }
        st = finish_values(any_pass, any_fail, some);
    }
    return st;
}

static gv_node *rhs_as_list(gv_vm *vm, const gv_valset *r)
{
    gv_node *list = gv_arena_zalloc(vm->scratch, sizeof *list);
    gv_node **items = gv_arena_alloc(vm->scratch, r->n * sizeof *items);
    if (!list || !items)
        return NULL;
    for (uint32_t j = 0; j < r->n; j++)
        items[j] = (gv_node *)r->v[j].node;
    list->kind = GV_LIST;
    list->len = r->n;
    list->u.items = items;
    return list;
}

static int in_set(const gv_node *n, const gv_valset *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->v[i].node && gv_cmp_holds(gv_compare(GV_OP_EQ, n, s->v[i].node, NULL), 0))
            return 1;
    return 0;
}

/* Each right-hand value no left-hand value equals (every one for !=). */
static int record_unmatched_rhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    for (uint32_t j = 0; vm->recording && j < r->n; j++) {
        if (!opnot && in_set(r->v[j].node, l))
            continue;
        if (record_compare(vm, ip, &l->v[0], &r->v[j], r, 0) < 0)
            return -1;
        vm->checks[vm->nchecks - 1].rhs_unmatched = 1;
    }
    return 0;
}

/* What cfn-guard reports for a failed == against a query: each right-hand
 * value missing on the left (all of them for !=), else each left-hand value
 * matching none on the right, against the whole right-hand set (probed). */
static int record_query_eq(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    if (!vm->recording)
        return 0;
    uint32_t before = vm->nchecks;
    if (record_unmatched_rhs(vm, ip, l, r, opnot) < 0)
        return -1;
    for (uint32_t i = 0; vm->nchecks == before && i < l->n; i++)
        if (!in_set(l->v[i].node, r) && record_compare(vm, ip, &l->v[i], &r->v[0], r, 0) < 0)
            return -1;
    if (vm->nchecks == before)
        return record_compare(vm, ip, &l->v[0], &r->v[0], r, 0);
    return 0;
}

/* cfn-guard reports the left-hand values that stopped short; if none did,
 * each right-hand value that stopped short, then, for == and IN, each
 * left-hand value as absent from the right-hand values that resolved
 * (probed). */
static int record_unresolved_rhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r)
{
    if (!vm->recording)
        return 0;
    uint32_t before = vm->nchecks;
    for (uint32_t i = 0; i < l->n; i++)
        if (!l->v[i].node && record(vm, ip, &l->v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
            return -1;
    if (vm->nchecks != before)
        return 0;
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int eq = op == GV_OP_EQ || (op == GV_OP_IN && !(in->flags & GV_FLAG_OPNOT));
    gv_valset found = { 0 };
    for (uint32_t j = 0; j < r->n; j++) {
        if (r->v[j].node ? !gv_valset_push(vm->scratch, &found, r->v[j])
                         : record(vm, ip, &r->v[j], NULL, GV_CHECK_UNRESOLVED_RHS) < 0)
            return fail_nomem(vm);
    }
    gv_val none = { 0 };
    for (uint32_t i = 0; eq && i < l->n; i++)
        if (record_compare(vm, ip, &l->v[i], &none, &found, 0) < 0)
            return -1;
    return 0;
}

/* cfn-guard compares against the results of a query (not a literal) as a
 * whole: == holds when every right-hand value is among the left-hand ones
 * and there are no more left-hand values than right-hand ones; != never
 * holds (probed). */
static int eval_query_eq(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    int ok = !opnot && l->n <= r->n;
    for (uint32_t j = 0; ok && j < r->n; j++) {
        int found = 0;
        for (uint32_t i = 0; !found && i < l->n; i++)
            found = gv_cmp_holds(gv_compare(GV_OP_EQ, l->v[i].node, r->v[j].node, vm->err), 0);
        ok = found;
    }
    if (!ok && record_query_eq(vm, ip, l, r, opnot) < 0)
        return -1;
    return ok ? GV_PASS : GV_FAIL;
}

/* `some` also reaches into a list compared with a scalar: one element
 * satisfying the operator is enough, and an empty list has none (probed).
 * The result is expressed so that gv_cmp_holds(result, opnot) decides. */
static gv_cmp_result some_element(gv_cmp_op op, const gv_node *l, const gv_node *r, int opnot, gv_error *err)
{
    if (l->kind != GV_LIST || r->kind == GV_LIST || op == GV_OP_IN)
        return gv_compare(op, l, r, err);
    for (uint32_t i = 0; i < l->len; i++) {
        gv_cmp_result c = gv_compare(op, l->u.items[i], r, err);
        if (c == GV_CMP_ERROR)
            return c;
        if (gv_cmp_holds(c, opnot))
            return GV_CMP_VACUOUS; /* holds, whatever opnot */
    }
    return GV_CMP_INCOMPARABLE; /* fails, whatever opnot */
}

static int eval_binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0, some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 }, r = { 0 };
    if (quiet_query(vm, in->a, self, f, &l) < 0)
        return -1;
    if (l.n == 0)
        return GV_SKIP;
    if (gv_vm_operand(vm, in->b, self, f, &r) < 0)
        return -1;
    if (r.n == 0)
        return GV_SKIP;
    for (uint32_t j = 0; j < r.n; j++)
        if (!r.v[j].node) /* the right-hand query stopped short */
            return record_unresolved_rhs(vm, ip, &l, &r) < 0 ? -1 : GV_FAIL;
    int any_pass = 0, any_fail = 0;
    int literal = rhs_is_literal(&r);
    if (op == GV_OP_IN && !literal)
        some = 0; /* cfn-guard ignores `some` for IN against a query (probed) */
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node) {
            any_fail = 1;
            if (record(vm, ip, &l.v[i], &r.v[0], GV_CHECK_UNRESOLVED) < 0)
                return -1;
        }
    }
    if (!literal && op == GV_OP_EQ && !any_fail)
        return eval_query_eq(vm, ip, &l, &r, opnot);
    /* with a left-hand value missing, cfn-guard also reports the right-hand
     * values the others do not match (probed) */
    if (!literal && op == GV_OP_EQ && record_unmatched_rhs(vm, ip, &l, &r, opnot) < 0)
        return -1;
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node)
            continue;
        int ok;
        const gv_node *against = r.v[0].node;
        const gv_val *against_v = &r.v[0];
        int incomparable = 0;
        /* a query's single non-list value is a one-element set for IN:
         * cfn-guard then tests equality, never substring (probed) */
        int as_set = op == GV_OP_IN && (r.n > 1 || (!literal && r.v[0].node->kind != GV_LIST));
        if (!as_set) {
            /* every right-hand value must hold */
            ok = 1;
            for (uint32_t j = 0; ok && j < r.n; j++) {
                against = r.v[j].node;
                against_v = &r.v[j];
                gv_cmp_result c = some ? some_element(op, l.v[i].node, against, opnot, vm->err)
                                       : gv_compare(op, l.v[i].node, against, vm->err);
                if (c == GV_CMP_ERROR)
                    return -1;
                incomparable = c == GV_CMP_INCOMPARABLE;
                ok = gv_cmp_holds(c, opnot);
            }
        } else {
            /* IN over several values of a query: they act as one list */
            gv_node *set = rhs_as_list(vm, &r);
            if (!set)
                return fail_nomem(vm);
            gv_cmp_result c = gv_compare(GV_OP_IN, l.v[i].node, set, vm->err);
            if (c == GV_CMP_ERROR)
                return -1;
            incomparable = c == GV_CMP_INCOMPARABLE;
            ok = gv_cmp_holds(c, opnot);
        }
        any_pass |= ok;
        any_fail |= !ok;
        if (!ok && record_compare(vm, ip, &l.v[i], against_v, &r, incomparable) < 0)
            return -1;
    }
    return finish_values(any_pass, any_fail, some);
}

static int eval_block(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    int some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 };
    if (quiet_query(vm, in->a, self, f, &l) < 0)
        return -1;
    if (l.n == 0)
        return GV_SKIP;
    int any_pass = 0, any_fail = 0;
    for (uint32_t i = 0; i < l.n; i++) {
        int st;
        if (!l.v[i].node && (in->flags & GV_FLAG_TYPE_BLOCK))
            return fail_at(vm, ip, "cannot search for resources of type %s: the data has no Resources map "
                                   "to search (cfn-guard aborts here too)", vm->p->strings[in->c].s);
        if (!l.v[i].node) {
            st = GV_FAIL;
            if (record(vm, ip, &l.v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
                return -1;
        } else {
            gv_ctx_frame fr = { ip, vm->ctx, NULL };
            vm->ctx = &fr;
            st = gv_vm_block(vm, in->b, &l.v[i], f);
            vm->ctx = fr.up;
            if (st < 0)
                return -1;
        }
        any_pass |= st == GV_PASS;
        any_fail |= st == GV_FAIL;
    }
    if (some)
        return any_pass ? GV_PASS : any_fail ? GV_FAIL : GV_SKIP;
    return any_fail ? GV_FAIL : any_pass ? GV_PASS : GV_SKIP;
}

static int eval_when(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f)
{
    int saved = vm->recording;
    vm->recording = 0;
    int cond = gv_vm_block(vm, in->a, self, f);
    vm->recording = saved;
    if (cond < 0)
        return -1;
    if (cond != GV_PASS)
        return GV_SKIP;
    gv_ctx_frame fr = { (uint32_t)(in - vm->p->code), vm->ctx, NULL };
    vm->ctx = &fr;
    int st = gv_vm_block(vm, in->b, self, f);
    vm->ctx = fr.up;
    return st;
}

static int eval_rule_decl(gv_vm *vm, uint32_t d);

/* A name declared more than once means its first declaration, in file
 * order, that did not skip (probed). */
static int eval_ref(gv_vm *vm, uint32_t ref)
{
    const gv_ref *r = &vm->p->refs[ref];
    for (uint32_t i = 0; i < r->n; i++) {
        int s = eval_rule_decl(vm, vm->p->ref_decls[r->start + i]);
        if (s != GV_SKIP)
            return s;
    }
    return GV_SKIP;
}

/* A reference that matched no declaration: say why, as the resolver would. */
static int fail_unmatched(gv_vm *vm, uint32_t ip, const gv_ref *r, int call)
{
    const gv_program *p = vm->p;
    const char *name = p->strings[r->name].s;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const gv_rule_decl *d = &p->rules[i];
        if (d->is_default || strcmp(p->strings[d->name].s, name) != 0)
            continue;
        char msg[160];
        if (!call)
            snprintf(msg, sizeof msg, "rule '%s' takes %u parameter%s; call it as %s(...)", name,
                     d->nparams, d->nparams == 1 ? "" : "s", name);
        else if (!d->parameterised)
            snprintf(msg, sizeof msg, "rule '%s' takes no parameters, %u given", name, p->code[ip].c);
        else
            snprintf(msg, sizeof msg, "rule '%s' takes %u parameter%s, %u given", name, d->nparams,
                     d->nparams == 1 ? "" : "s", p->code[ip].c);
        return fail_at(vm, ip, "%s", msg);
    }
    return fail_at(vm, ip, "no rule named '%s' is defined", name);
}

static int eval_rule_ref(gv_vm *vm, uint32_t ip, const gv_val *self)
{
    const gv_insn *in = &vm->p->code[ip];
    if (vm->p->refs[in->a].n == 0)
        return fail_unmatched(vm, ip, &vm->p->refs[in->a], 0);
    int saved = vm->recording;
    vm->recording = 0; /* the referenced rule reports its own failures */
    int st = eval_ref(vm, in->a);
    vm->recording = saved;
    if (st < 0)
        return -1;
    int pass = st == GV_PASS;
    if (in->flags & GV_FLAG_NOT)
        pass = !pass;
    if (!pass && record(vm, ip, self, NULL, GV_CHECK_RULE) < 0)
        return -1;
    return pass ? GV_PASS : GV_FAIL;
}

/* A parameterised rule declared more than once: cfn-guard calls the last
 * declaration (probed). `not` before a call is ignored (compile.c). */
static int eval_call(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_program *p = vm->p;
    const gv_insn *in = &p->code[ip];
    const gv_ref *r = &p->refs[in->a];
    if (r->n == 0)
        return fail_unmatched(vm, ip, r, 1);
    gv_valset *args = gv_arena_zalloc(vm->scratch, (in->c ? in->c : 1) * sizeof *args);
    if (!args)
        return fail_nomem(vm);
    for (uint32_t i = 0; i < in->c; i++)
        if (gv_vm_operand(vm, p->args[in->b + i], self, f, &args[i]) < 0)
            return -1;
    const gv_rule_decl *d = &p->rules[p->ref_decls[r->start + r->n - 1]];
    if (d->nparams != in->c)
        return fail_unmatched(vm, ip, r, 1);
    gv_frame callee = { gv_arena_zalloc(vm->scratch, (p->nslots ? p->nslots : 1) * sizeof(gv_valset)),
                        args, in->c, new_pending(vm) };
    if (!callee.slots || !callee.pending)
        return fail_nomem(vm);
    gv_ctx_frame fr = { ip, vm->ctx, NULL };
    vm->ctx = &fr;
    int st = gv_vm_block(vm, d->body_block, self, &callee);
    vm->ctx = fr.up;
    return st;
}

static int eval_let(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f)
{
    if (!f || !f->slots || !f->pending)
        return 0;
    gv_pending_let *pl = &f->pending[in->a];
    pl->self = *self;
    pl->operand = in->b;
    pl->state = 1;
    pl->recording = (uint8_t)vm->recording;
    return 0;
}

/* Evaluates a pending let on first use, where it stood. */
static const gv_valset *force_let(gv_vm *vm, const gv_frame *f, uint32_t slot)
{
    gv_pending_let *pl = &f->pending[slot];
    if (pl->state == 2) {
        gv_error_set(vm->err, GV_E_EVAL, vm->p->source, (gv_loc){ 0, 0 }, "variable defined in terms of itself");
        return NULL;
    }
    pl->state = 2;
    gv_valset v = { 0 };
    int saved = vm->recording;
    vm->recording = pl->recording; /* operands record nothing but what cfn-guard reports of [keys == x] */
    int r = gv_vm_operand(vm, pl->operand, &pl->self, f, &v);
    vm->recording = saved;
    if (r < 0)
        return NULL;
    f->slots[slot] = v;
    pl->state = 0;
    return &f->slots[slot];
}

static int push_status(gv_vm *vm, int st, uint32_t mark)
{
    if (vm->sp == vm->stack_cap) {
        uint32_t cap = vm->stack_cap ? vm->stack_cap * 2 : 64;
        int *stack = gv_arena_alloc(vm->scratch, cap * sizeof *stack);
        uint32_t *marks = gv_arena_alloc(vm->scratch, cap * sizeof *marks);
        if (!stack || !marks)
            return fail_nomem(vm);
        if (vm->sp) {
            memcpy(stack, vm->stack, vm->sp * sizeof *stack);
            memcpy(marks, vm->marks, vm->sp * sizeof *marks);
        }
        vm->stack = stack;
        vm->marks = marks;
        vm->stack_cap = cap;
    }
    vm->marks[vm->sp] = mark;
    vm->stack[vm->sp++] = st;
    return 0;
}

/* After a passing alternative of an `or` at ip: the rest count as SKIP.
 * Returns the last alternative's ip. */
static uint32_t skip_alternatives(gv_vm *vm, uint32_t ip)
{
    const gv_insn *code = vm->p->code;
    while (code[ip].flags & GV_FLAG_OR_NEXT) {
        ip++;
        if (push_status(vm, GV_SKIP, vm->nchecks) < 0)
            break;
    }
    return ip;
}

static int combine(gv_vm *vm, const gv_insn *in, uint32_t base)
{
    uint32_t n = in->a <= vm->sp - base ? in->a : vm->sp - base;
    vm->sp -= n;
    int st = in->op == GV_I_C_OR ? combine_or(vm->stack + vm->sp, n) : combine_and(vm->stack + vm->sp, n);
    if (in->op == GV_I_C_OR && st == GV_PASS && n)
        vm->nchecks = vm->marks[vm->sp]; /* a passing disjunction reports nothing */
    return push_status(vm, st, vm->nchecks) < 0 ? -1 : st;
}

static int eval_clause(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    switch (in->op) {
    case GV_I_C_UNARY: return eval_unary(vm, ip, self, f);
    case GV_I_C_BINARY: return eval_binary(vm, ip, self, f);
    case GV_I_C_BLOCK: return eval_block(vm, ip, self, f);
    case GV_I_C_WHEN: return eval_when(vm, in, self, f);
    case GV_I_C_RULE: return eval_rule_ref(vm, ip, self);
    case GV_I_C_CALL: return eval_call(vm, ip, self, f);
    default:
        gv_error_set(vm->err, GV_E_EVAL, vm->p->source, (gv_loc){ 0, 0 }, "bad instruction %s",
                     gv_opcode_name((gv_opcode)in->op));
        return -1;
    }
}

int gv_vm_block(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f)
{
    const gv_program *p = vm->p;
    if (++vm->depth > GV_MAX_EVAL_DEPTH) {
        gv_error_set(vm->err, GV_E_LIMIT, p->source, (gv_loc){ 0, 0 },
                     "rules nest deeper than the evaluation limit of %d", GV_MAX_EVAL_DEPTH);
        vm->depth--;
        return -1;
    }
    uint32_t base = vm->sp;
    int result = -1;
    for (uint32_t ip = p->blocks[block];; ip++) {
        const gv_insn *in = &p->code[ip];
        if (in->op == GV_I_END) {
            result = vm->sp > base ? vm->stack[vm->sp - 1] : GV_SKIP;
            break;
        }
        if (in->op == GV_I_C_LET) {
            if (eval_let(vm, in, self, f) < 0)
                break;
            continue;
        }
        if (in->op == GV_I_C_OR || in->op == GV_I_C_AND) {
            if (combine(vm, in, base) < 0)
                break;
            continue;
        }
        uint32_t mark = vm->nchecks;
        int st = eval_clause(vm, ip, self, f);
        if (st < 0)
            break;
        if (st != GV_FAIL)
            vm->nchecks = mark; /* a clause that did not fail reports nothing */
        if (push_status(vm, st, mark) < 0)
            break;
        if (st == GV_PASS && (in->flags & GV_FLAG_OR_NEXT))
            ip = skip_alternatives(vm, ip);
    }
    vm->sp = base;
    vm->depth--;
    return result;
}

/* A declaration's status, computed once per document. */
static int eval_rule_decl(gv_vm *vm, uint32_t d)
{
    const gv_program *p = vm->p;
    const gv_rule_decl *rd = &p->rules[d];
    if (vm->rule_state[d] == 2)
        return vm->rule_status[d];
    if (vm->rule_state[d] == 1) {
        gv_error_set(vm->err, GV_E_EVAL, p->source, rd->loc, "rule '%s' refers to itself", p->strings[rd->name].s);
        return -1;
    }
    if (rd->parameterised) {
        gv_error_set(vm->err, GV_E_EVAL, p->source, rd->loc,
                     "rule '%s' takes parameters and is referenced without them", p->strings[rd->name].s);
        return -1;
    }
    vm->rule_state[d] = 1;
    gv_frame frame = { gv_arena_zalloc(vm->scratch, (p->nslots ? p->nslots : 1) * sizeof(gv_valset)), NULL, 0,
                       new_pending(vm) };
    if (!frame.slots || !frame.pending)
        return fail_nomem(vm);
    int st = GV_PASS;
    if (rd->when_block != GV_NONE) {
        int saved = vm->recording;
        vm->recording = 0;
        st = gv_vm_block(vm, rd->when_block, &vm->root, &frame);
        vm->recording = saved;
        if (st < 0)
            return -1;
        st = st == GV_PASS ? GV_PASS : GV_SKIP;
    }
    if (st == GV_PASS)
        st = gv_vm_block(vm, rd->body_block, &vm->root, &frame);
    if (st < 0)
        return -1;
    vm->rule_state[d] = 2;
    vm->rule_status[d] = (gv_status)st;
    return st;
}

int gv_eval(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
            gv_error *err)
{
    gv_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.p = p;
    vm.root.node = root;
    vm.scratch = scratch;
    vm.err = err;
    uint32_t nslots = p->nslots ? p->nslots : 1, nrules = p->nrules ? p->nrules : 1;
    vm.globals = gv_arena_zalloc(scratch, nslots * sizeof *vm.globals);
    vm.global_state = gv_arena_zalloc(scratch, nslots);
    vm.rule_state = gv_arena_zalloc(scratch, nrules);
    vm.rule_status = gv_arena_zalloc(scratch, nrules * sizeof *vm.rule_status);
    out->rules = gv_arena_zalloc(scratch, nrules * sizeof *out->rules);
    out->nrules = 0;
    out->status = GV_RS_SKIP;
    if (!vm.globals || !vm.global_state || !vm.rule_state || !vm.rule_status || !out->rules)
        return fail_nomem(&vm);
    int any_pass = 0, any_fail = 0;
    for (uint32_t d = 0; d < p->nrules; d++) {
        if (p->rules[d].parameterised)
            continue;
        /* a rule already evaluated through a reference is run again to
         * collect its own checks: statuses are memoised, checks are not */
        vm.rule_state[d] = vm.rule_state[d] == 2 ? 0 : vm.rule_state[d];
        vm.checks = NULL;
        vm.nchecks = vm.cap_checks = 0;
        vm.recording = 1;
        int st = eval_rule_decl(&vm, d);
        if (st < 0)
            return -1;
        gv_rule_result *r = &out->rules[out->nrules++];
        r->rule = d;
        r->status = (gv_rstatus)st;
        r->checks = vm.checks;
        r->nchecks = vm.nchecks;
        any_pass |= st == GV_PASS;
        any_fail |= st == GV_FAIL;
    }
    out->status = any_fail ? GV_RS_FAIL : any_pass ? GV_RS_PASS : GV_RS_SKIP;
    return 0;
}
