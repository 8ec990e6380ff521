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
#include <string.h>

#include "vm/compare.h"
#include "vm/vm.h"
#include "vm/functions.h"

static int fail_nomem(gv_vm *vm)
{
    gv_error_set(vm->err, GV_E_NOMEM, vm->p->source, (gv_loc){ 0, 0 }, "out of memory evaluating rules");
    return -1;
}

static int fail_at(gv_vm *vm, uint32_t ip, const char *msg, const char *arg)
{
    gv_error_set(vm->err, GV_E_EVAL, vm->p->source, vm->p->locs[ip], msg, arg);
    return -1;
}

static int record(gv_vm *vm, uint32_t ip, const gv_val *lhs, const gv_node *rhs, uint8_t kind)
{
    if (!vm->recording)
        return 0;
    gv_check c = { ip, *lhs, rhs, kind };
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

int gv_vm_operand(gv_vm *vm, uint32_t operand, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    const gv_operand *o = &vm->p->operands[operand];
    switch (o->kind) {
    case GV_OPND_LITERAL: {
        gv_val v = { vm->p->literals[o->idx], NULL, NULL, NULL, 1 };
        return gv_valset_push(vm->scratch, out, v) ? 0 : fail_nomem(vm);
    }
    case GV_OPND_QUERY: {
        if (gv_vm_query(vm, o->idx, self, f, out) < 0)
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
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0, some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 };
    if (gv_vm_query(vm, in->a, self, f, &l) < 0)
        return -1;
    gv_status st;
    if (l.n == 0) {
        if (op != GV_OP_EMPTY)
            return GV_SKIP;
        st = opnot ? GV_FAIL : GV_PASS;
    } else {
        int any_pass = 0, any_fail = 0;
        for (uint32_t i = 0; i < l.n; i++) {
            const gv_node *n = l.v[i].node;
            int ok;
            switch (op) {
            case GV_OP_EXISTS: ok = n != NULL; break;
            case GV_OP_EMPTY:
                if (n && n->kind != GV_LIST && n->kind != GV_MAP && n->kind != GV_STRING)
                    return fail_at(vm, ip, "`empty` applied to a %s value (cfn-guard aborts here too)",
                                   gv_kind_name((gv_kind)n->kind));
                ok = !n || n->len == 0;
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
    if (in->flags & GV_FLAG_NOT)
        st = st == GV_PASS ? GV_FAIL : st == GV_FAIL ? GV_PASS : st;
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
            found = gv_compare(GV_OP_EQ, l->v[i].node, r->v[j].node, vm->err) == GV_CMP_TRUE;
        ok = found;
    }
    if (!ok && record(vm, ip, &l->v[0], r->v[0].node, GV_CHECK_COMPARE) < 0)
        return -1;
    return ok ? GV_PASS : GV_FAIL;
}

static int eval_binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0, some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 }, r = { 0 };
    if (gv_vm_query(vm, in->a, self, f, &l) < 0)
        return -1;
    if (l.n == 0)
        return GV_SKIP;
    if (gv_vm_operand(vm, in->b, self, f, &r) < 0)
        return -1;
    if (r.n == 0)
        return GV_SKIP;
    for (uint32_t j = 0; j < r.n; j++)
        if (!r.v[j].node) { /* the right-hand query stopped short */
            for (uint32_t i = 0; i < l.n; i++)
                if (record(vm, ip, &l.v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
                    return -1;
            return GV_FAIL;
        }
    int any_pass = 0, any_fail = 0;
    int literal = rhs_is_literal(&r);
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node) {
            any_fail = 1;
            if (record(vm, ip, &l.v[i], r.v[0].node, GV_CHECK_UNRESOLVED) < 0)
                return -1;
        }
    }
    if (!literal && op == GV_OP_EQ && !any_fail)
        return eval_query_eq(vm, ip, &l, &r, opnot);
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node)
            continue;
        int ok;
        const gv_node *against = r.v[0].node;
        if (r.n == 1 || op != GV_OP_IN) {
            /* every right-hand value must hold */
            ok = 1;
            for (uint32_t j = 0; ok && j < r.n; j++) {
                against = r.v[j].node;
                gv_cmp_result c = gv_compare(op, l.v[i].node, against, vm->err);
                if (c == GV_CMP_ERROR)
                    return -1;
                ok = c == GV_CMP_INCOMPARABLE ? 0 : opnot ? c == GV_CMP_FALSE : c == GV_CMP_TRUE;
            }
        } else {
            /* IN over several values of a query: they act as one list */
            gv_node *set = rhs_as_list(vm, &r);
            if (!set)
                return fail_nomem(vm);
            gv_cmp_result c = gv_compare(GV_OP_IN, l.v[i].node, set, vm->err);
            if (c == GV_CMP_ERROR)
                return -1;
            ok = c == GV_CMP_INCOMPARABLE ? 0 : opnot ? c == GV_CMP_FALSE : c == GV_CMP_TRUE;
        }
        any_pass |= ok;
        any_fail |= !ok;
        if (!ok && record(vm, ip, &l.v[i], against, GV_CHECK_COMPARE) < 0)
            return -1;
    }
    return finish_values(any_pass, any_fail, some);
}

static int eval_block(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    int some = (in->flags & GV_FLAG_SOME) != 0;
    gv_valset l = { 0 };
    if (gv_vm_query(vm, in->a, self, f, &l) < 0)
        return -1;
    if (l.n == 0)
        return GV_SKIP;
    int any_pass = 0, any_fail = 0;
    for (uint32_t i = 0; i < l.n; i++) {
        int st;
        if (!l.v[i].node) {
            st = GV_FAIL;
            if (record(vm, ip, &l.v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
                return -1;
        } else {
            st = gv_vm_block(vm, in->b, &l.v[i], f);
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
    return gv_vm_block(vm, in->b, self, f);
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

static int eval_rule_ref(gv_vm *vm, uint32_t ip, const gv_val *self)
{
    const gv_insn *in = &vm->p->code[ip];
    if (vm->p->refs[in->a].n == 0)
        return fail_at(vm, ip, "no rule named '%s' is defined", vm->p->strings[vm->p->refs[in->a].name].s);
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

static int eval_call(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_program *p = vm->p;
    const gv_insn *in = &p->code[ip];
    const gv_ref *r = &p->refs[in->a];
    if (r->n == 0)
        return fail_at(vm, ip, "no rule named '%s' is defined", p->strings[r->name].s);
    gv_valset *args = gv_arena_zalloc(vm->scratch, (in->c ? in->c : 1) * sizeof *args);
    if (!args)
        return fail_nomem(vm);
    for (uint32_t i = 0; i < in->c; i++)
        if (gv_vm_operand(vm, p->args[in->b + i], self, f, &args[i]) < 0)
            return -1;
    int fail = 0, pass = 0;
    for (uint32_t i = 0; i < r->n; i++) {
        const gv_rule_decl *d = &p->rules[p->ref_decls[r->start + i]];
        if (d->nparams != in->c)
            return fail_at(vm, ip, "wrong number of arguments for rule '%s'", p->strings[d->name].s);
        gv_frame callee = { gv_arena_zalloc(vm->scratch, (p->nslots ? p->nslots : 1) * sizeof(gv_valset)),
                            args, in->c };
        if (!callee.slots)
            return fail_nomem(vm);
        int st = gv_vm_block(vm, d->body_block, self, &callee);
        if (st < 0)
            return -1;
        fail |= st == GV_FAIL;
        pass |= st == GV_PASS;
    }
    int st = fail ? GV_FAIL : pass ? GV_PASS : GV_SKIP;
    if (in->flags & GV_FLAG_NOT)
        st = st == GV_PASS ? GV_FAIL : st == GV_FAIL ? GV_PASS : st;
    return st;
}

static int eval_let(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f)
{
    if (!f || !f->slots)
        return 0;
    gv_valset v = { 0 };
    int saved = vm->recording;
    vm->recording = 0;
    int r = gv_vm_operand(vm, in->b, self, f, &v);
    vm->recording = saved;
    if (r < 0)
        return -1;
    f->slots[in->a] = v;
    return 0;
}

int gv_vm_block(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f)
{
    const gv_program *p = vm->p;
    if (++vm->depth > GV_MAX_EVAL_DEPTH) {
        gv_error_set(vm->err, GV_E_LIMIT, p->source, (gv_loc){ 0, 0 },
                     "rules nest deeper than the evaluation limit of %d", GV_MAX_EVAL_DEPTH);
        return -1;
    }
    int stack[256];
    uint32_t marks[256]; /* checks recorded before each pushed status */
    uint32_t sp = 0;
    int result = -1;
    for (uint32_t ip = p->blocks[block];; ip++) {
        const gv_insn *in = &p->code[ip];
        int st;
        uint32_t mark = vm->nchecks;
        switch (in->op) {
        case GV_I_C_UNARY: st = eval_unary(vm, ip, self, f); break;
        case GV_I_C_BINARY: st = eval_binary(vm, ip, self, f); break;
        case GV_I_C_BLOCK: st = eval_block(vm, ip, self, f); break;
        case GV_I_C_WHEN: st = eval_when(vm, in, self, f); break;
        case GV_I_C_RULE: st = eval_rule_ref(vm, ip, self); break;
        case GV_I_C_CALL: st = eval_call(vm, ip, self, f); break;
        case GV_I_C_LET:
            if (eval_let(vm, in, self, f) < 0)
                goto out;
            continue;
        case GV_I_C_OR:
        case GV_I_C_AND: {
            uint32_t n = in->a <= sp ? in->a : sp;
            sp -= n;
            st = in->op == GV_I_C_OR ? combine_or(stack + sp, n) : combine_and(stack + sp, n);
            if (in->op == GV_I_C_OR && st == GV_PASS)
                vm->nchecks = marks[sp]; /* a passing disjunction reports nothing */
            break;
        }
        case GV_I_END:
            result = sp ? stack[sp - 1] : GV_SKIP;
            goto out;
        default:
            gv_error_set(vm->err, GV_E_EVAL, p->source, (gv_loc){ 0, 0 }, "bad instruction %s",
                         gv_opcode_name((gv_opcode)in->op));
            goto out;
        }
        if (st < 0)
            goto out;
        if (sp == 256) {
            gv_error_set(vm->err, GV_E_LIMIT, p->source, p->locs[ip], "too many clauses in one block");
            goto out;
        }
        if (in->op != GV_I_C_OR && in->op != GV_I_C_AND)
            marks[sp] = mark;
        stack[sp++] = st;
    }
out:
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
    gv_frame frame = { gv_arena_zalloc(vm->scratch, (p->nslots ? p->nslots : 1) * sizeof(gv_valset)), NULL, 0 };
    if (!frame.slots)
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
