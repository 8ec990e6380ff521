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
#include "vm/memo.h"

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

int gv_vm_operand(gv_vm *vm, uint32_t operand, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    const gv_operand *o = &vm->p->operands[operand];
    switch (o->kind) {
    case GV_OPND_LITERAL: {
        gv_val v = { vm->p->literals[o->idx], NULL, NULL, NULL, 1, 0, 0 };
        return gv_valset_push(vm->scratch, out, v) ? 0 : gv_vm_nomem(vm);
    }
    case GV_OPND_QUERY: {
        if (gv_vm_quiet_query(vm, o->idx, self, f, out) < 0)
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
        const gv_program *p = vm->p;
        if (o->fn < 0) {
            gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[vm->ip], "no such function named '%s' exists",
                         p->strings[o->idx].s);
            return -1;
        }
        if (gv_fn_call(o->fn, vm->scratch, args, o->nargs, out, p->regexes, vm->err) == 0)
            return 0;
        if (!vm->err->file[0]) { /* functions know no location: the clause's */
            char msg[sizeof vm->err->msg];
            memcpy(msg, vm->err->msg, sizeof msg);
            gv_error_set(vm->err, vm->err->code, p->source, p->locs[vm->ip], "%s", msg);
        }
        return -1;
    }
    }
}

static int eval_block(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    int some = (in->flags & GV_FLAG_SOME) != 0;
    gv_val lbuf[GV_SMALL_SET];
    gv_valset l = { lbuf, 0, GV_SMALL_SET, 0, 0 };
    if (gv_vm_quiet_query(vm, in->a, self, f, &l) < 0)
        return -1;
    if (l.n == 0)
        return GV_SKIP;
    int any_pass = 0, any_fail = 0;
    for (uint32_t i = 0; i < l.n; i++) {
        int st;
        if (!l.v[i].node && (in->flags & GV_FLAG_TYPE_BLOCK))
            return gv_vm_fail_at(vm, ip, "cannot search for resources of type %s: the data has no Resources map "
                                   "to search (cfn-guard aborts here too)", vm->p->strings[in->c].s);
        if (!l.v[i].node) {
            st = GV_FAIL;
            if (gv_vm_record(vm, ip, &l.v[i], NULL, GV_CHECK_UNRESOLVED) < 0)
                return -1;
        } else {
            gv_ctx_frame fr = { ip, vm->ctx, NULL };
            vm->ctx = &fr;
            int per_value = vm->trace && (in->flags & GV_FLAG_TYPE_BLOCK);
            if (per_value)
                gv_trace_open(vm->trace, GV_T_TYPE_VALUE, i);
            st = gv_vm_block(vm, in->b, &l.v[i], f);
            if (per_value)
                gv_trace_close(vm->trace, st);
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

/* Traced, a block clause is one node around the bodies of its values. */
static int eval_block_traced(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    gv_trace_open(vm->trace, GV_T_BLOCK, ip);
    int st = eval_block(vm, ip, self, f);
    gv_trace_close(vm->trace, st);
    return st;
}

static int eval_when(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_frame *f)
{
    int saved = vm->recording;
    uint32_t ip = (uint32_t)(in - vm->p->code);
    if (vm->trace) {
        gv_trace_open(vm->trace, GV_T_WHEN, ip);
        gv_trace_open(vm->trace, GV_T_WHEN_COND, ip);
    }
    vm->recording = 0;
    int cond = gv_vm_block(vm, in->a, self, f);
    vm->recording = saved;
    if (vm->trace)
        gv_trace_close(vm->trace, cond);
    if (cond < 0 || cond != GV_PASS) {
        if (vm->trace)
            gv_trace_close(vm->trace, GV_SKIP);
        return cond < 0 ? -1 : GV_SKIP;
    }
    gv_ctx_frame fr = { ip, vm->ctx, NULL };
    vm->ctx = &fr;
    int st = gv_vm_block(vm, in->b, self, f);
    vm->ctx = fr.up;
    if (vm->trace)
        gv_trace_close(vm->trace, st);
    return st;
}

static int eval_rule_decl(gv_vm *vm, uint32_t d);

/* With `[ name ]` steps, how often cfn-guard evaluates a rule shows in
 * what they capture: it evaluates a rule again at its first reference
 * (even when the rule ran already) and later references reuse that
 * status (probed). */
static int eval_ref_captures(gv_vm *vm, uint32_t d)
{
    if (vm->ref_done[d])
        return vm->ref_status[d];
    if (vm->trace)
        (void)gv_trace_first_ref(vm->trace, d, vm->p->nrules);
    if (vm->rule_state[d] == 2)
        vm->rule_state[d] = 0;
    int s = eval_rule_decl(vm, d);
    if (s < 0)
        return -1;
    vm->ref_done[d] = 1;
    vm->ref_status[d] = (gv_status)s;
    return s;
}

/* A name declared more than once means its first declaration, in file
 * order, that did not skip (probed). */
static int eval_ref(gv_vm *vm, uint32_t ref)
{
    const gv_ref *r = &vm->p->refs[ref];
    for (uint32_t i = 0; i < r->n; i++) {
        uint32_t d = vm->p->ref_decls[r->start + i];
        if (vm->ref_done) {
            int s = eval_ref_captures(vm, d);
            if (s != GV_SKIP)
                return s;
            continue;
        }
        /* traced, the first reference evaluates the rule again, so that
         * its evaluation shows under it (as in cfn-guard) */
        if (vm->trace && gv_trace_first_ref(vm->trace, d, vm->p->nrules) && vm->rule_state[d] == 2)
            vm->rule_state[d] = 0;
        int s = eval_rule_decl(vm, d);
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
        return gv_vm_fail_at(vm, ip, "%s", msg);
    }
    return gv_vm_fail_at(vm, ip, "no rule named '%s' is defined", name);
}

static int eval_rule_ref(gv_vm *vm, uint32_t ip, const gv_val *self)
{
    const gv_insn *in = &vm->p->code[ip];
    if (vm->p->refs[in->a].n == 0)
        return fail_unmatched(vm, ip, &vm->p->refs[in->a], 0);
    int saved = vm->recording;
    uint32_t saved_lit = vm->lit_fail;
    vm->recording = 0; /* the referenced rule reports its own failures */
    if (vm->trace)
        gv_trace_open(vm->trace, GV_T_RULE_REF, ip);
    int st = eval_ref(vm, in->a);
    vm->recording = saved;
    vm->lit_fail = saved_lit; /* and its own literal checks (gv_rule_result) */
    int pass = st == GV_PASS;
    if (in->flags & GV_FLAG_NOT)
        pass = !pass;
    if (vm->trace)
        gv_trace_close(vm->trace, pass ? GV_PASS : GV_FAIL);
    if (st < 0)
        return -1;
    if (!pass && gv_vm_record(vm, ip, self, NULL, GV_CHECK_RULE) < 0)
        return -1;
    return pass ? GV_PASS : GV_FAIL;
}

/* An argument written as a bare `%v` (`is_cfn_hook(%INPUT_DOCUMENT, ...)`)
 * is the variable's own set, shared instead of copied: arguments are only
 * read (literals, changed below, are not variables). The variable is
 * looked up as the operand's query would (recording off, key filters of a
 * let it forces recording as the clause does); the query's cut and
 * filtered marks are never read from a parameter. 1 when shared, 0 when
 * the operand is something else, -1 on error. */
static int share_var(gv_vm *vm, uint32_t operand, const gv_frame *f, gv_valset *arg)
{
    const gv_operand *o = &vm->p->operands[operand];
    if (o->kind != GV_OPND_QUERY)
        return 0;
    const gv_insn *q = &vm->p->code[vm->p->blocks[o->idx]];
    if (q[0].op != GV_I_Q_VAR || q[1].op != GV_I_END)
        return 0;
    const gv_valset *var = gv_vm_quiet_var(vm, q, f);
    if (!var)
        return -1;
    *arg = *var;
    return 1;
}

/* Arguments of a call kept on the C stack (more go to the arena). */
#define CALL_ARGS 4

/* A parameterised rule declared more than once: cfn-guard calls the last
 * declaration (probed). `not` before a call is ignored (compile.c). */
/* An argument that is a query from `this`: inside a block over a variable
 * bound to a literal, `this` is that literal, but the callee sees a value
 * of the data (probed: `%g0 { p(this) }` with a failing `%a is_struct` in
 * p is a FAIL, where `p(%g0)` panics in cfn-guard). */
static int this_query(const gv_program *p, uint32_t operand)
{
    const gv_operand *o = &p->operands[operand];
    return o->kind == GV_OPND_QUERY && p->code[p->blocks[o->idx]].op == GV_I_Q_THIS;
}

static int eval_call(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_program *p = vm->p;
    const gv_insn *in = &p->code[ip];
    /* a call that records nothing needs only the status, which another
     * program may already have found for the same rule and arguments */
    int memo = vm->memo && !vm->recording && !vm->keys_recording && !vm->in_filter;
    gv_memo_key key = { 0, NULL, 0, 0 };
    const gv_rule_key *ck = &p->call_keys[in->a];
    if (memo && (ck->lo | ck->hi)) {
        /* arguments that are all keyed file-level lets need no evaluation
         * to be keyed: their values (and whether evaluating them fails)
         * are the same in the program that put the status. A call key is
         * only made for a call matching its keyed rule (the compiler's, or
         * a bundle's checked), so no error below can come first; the rule
         * itself is not looked up (its tables are cold in a hook) */
        int known = gv_memo_find_call(vm->memo, vm->root.node, ck, self, &key);
        if (known >= 0)
            return known;
        memo = 0; /* key made, or the call cannot be keyed */
    }
    const gv_ref *r = &p->refs[in->a];
    if (r->n == 0)
        return fail_unmatched(vm, ip, r, 1);
    const gv_rule_decl *d = &p->rules[p->ref_decls[r->start + r->n - 1]];
    const gv_rule_key *rk = &p->rule_keys[d - p->rules];
    memo = memo && (rk->lo | rk->hi) && d->nparams == in->c;
    /* the arguments live as long as the call: on the C stack when few,
     * one value each before they grow into the arena (nothing kept after
     * the call points into them: queries of a parameter copy its values) */
    gv_valset few[CALL_ARGS];
    gv_val first[CALL_ARGS];
    gv_valset *args = in->c <= CALL_ARGS ? few : gv_arena_zalloc(vm->scratch, in->c * sizeof *args);
    if (!args)
        return gv_vm_nomem(vm);
    for (uint32_t i = 0; i < in->c && args == few; i++)
        args[i] = (gv_valset){ &first[i], 0, 1, 0, 0 };
    for (uint32_t i = 0; i < in->c; i++) {
        uint32_t operand = p->args[in->b + i];
        int shared = share_var(vm, operand, f, &args[i]);
        if (shared < 0 || (!shared && gv_vm_operand(vm, operand, self, f, &args[i]) < 0))
            return -1;
        /* a literal written as the argument compares like a query's value
         * inside the callee (a variable bound to a literal stays literal;
         * probed) */
        if (p->operands[operand].kind == GV_OPND_LITERAL || this_query(p, operand))
            for (uint32_t k = 0; k < args[i].n; k++)
                args[i].v[k].literal = 0;
    }
    if (d->nparams != in->c)
        return fail_unmatched(vm, ip, r, 1);
    if (memo) {
        int known = gv_memo_find(vm->memo, vm->root.node, rk, self, args, in->c, &key);
        if (known >= 0)
            return known;
    }
    gv_frame callee = gv_vm_new_frame(vm, args, in->c);
    if (vm->local_lets && (!callee.slots || !callee.pending))
        return gv_vm_nomem(vm);
    gv_ctx_frame fr = { ip, vm->ctx, NULL };
    vm->ctx = &fr;
    if (vm->trace) { /* cfn-guard shows the called rule as a rule */
        gv_trace_open(vm->trace, GV_T_RULE, (uint32_t)(d - p->rules));
        gv_trace_set_call(vm->trace, ip);
    }
    /* a failing check on a literal variable in the body marks the rule
     * (cfn-guard panics reporting it): such a call is not memoised, so a
     * status from the memo never hides one */
    uint32_t outer_lit = vm->lit_fail;
    if (key.keep)
        vm->lit_fail = 0;
    int st = gv_vm_block(vm, d->body_block, self, &callee);
    gv_vm_end_frame(vm, &callee);
    if (vm->trace)
        gv_trace_close(vm->trace, st);
    vm->ctx = fr.up;
    if (key.keep) {
        uint32_t inner = vm->lit_fail;
        vm->lit_fail = outer_lit ? outer_lit : inner;
        if (st >= 0 && !inner)
            gv_memo_put(vm->memo, &key, st);
    }
    return st;
}

/* Grows the status stack (rarely: it is reused by every block). */
static int grow_status(gv_vm *vm)
{
    uint32_t cap = vm->stack_cap ? vm->stack_cap * 2 : 64;
    int *stack = gv_arena_alloc(vm->scratch, cap * sizeof *stack);
    uint32_t *marks = gv_arena_alloc(vm->scratch, cap * sizeof *marks);
    if (!stack || !marks)
        return gv_vm_nomem(vm);
    if (vm->sp) {
        memcpy(stack, vm->stack, vm->sp * sizeof *stack);
        memcpy(marks, vm->marks, vm->sp * sizeof *marks);
    }
    vm->stack = stack;
    vm->marks = marks;
    vm->stack_cap = cap;
    return 0;
}

static inline int push_status(gv_vm *vm, int st, uint32_t mark)
{
    if (vm->sp == vm->stack_cap && grow_status(vm) < 0)
        return -1;
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
        if (vm->trace) { /* a place holder, so that the `or` finds its alternatives */
            gv_trace_open(vm->trace, GV_T_HIDDEN, ip);
            gv_trace_close(vm->trace, GV_SKIP);
        }
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
    if (vm->trace && in->op == GV_I_C_OR)
        gv_trace_wrap(vm->trace, n, GV_T_OR, st);
    return push_status(vm, st, vm->nchecks) < 0 ? -1 : st;
}

static int eval_clause(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    const gv_insn *in = &vm->p->code[ip];
    vm->ip = ip;
    switch (in->op) {
    case GV_I_C_UNARY:
    case GV_I_C_BINARY: {
        if (vm->trace)
            gv_trace_open(vm->trace, GV_T_CLAUSE, ip);
        int st = in->op == GV_I_C_UNARY ? gv_vm_unary(vm, ip, self, f) : gv_vm_binary(vm, ip, self, f);
        if (vm->trace)
            gv_trace_close(vm->trace, st);
        return st;
    }
    case GV_I_C_BLOCK: return vm->trace ? eval_block_traced(vm, ip, self, f) : eval_block(vm, ip, self, f);
    case GV_I_C_WHEN: return eval_when(vm, in, self, f);
    case GV_I_C_RULE: return eval_rule_ref(vm, ip, self);
    case GV_I_C_CALL: return eval_call(vm, ip, self, f);
    default:
        gv_error_set(vm->err, GV_E_EVAL, vm->p->source, (gv_loc){ 0, 0 }, "bad instruction %s",
                     gv_opcode_name((gv_opcode)in->op));
        return -1;
    }
}

/* `clause; C_AND 1; END`: filters, one-clause conditions, most called
 * rules. The block's status is the clause's (AND of one status), so the
 * status stack is not needed. */
static int is_one_clause(const gv_insn *in)
{
    return in[1].op == GV_I_C_AND && in[1].a == 1 && in[2].op == GV_I_END && !(in->flags & GV_FLAG_OR_NEXT) &&
           in->op != GV_I_C_LET && in->op != GV_I_C_AND && in->op != GV_I_C_OR && in->op != GV_I_END;
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
    uint32_t first = p->blocks[block];
    if (is_one_clause(&p->code[first])) {
        uint32_t mark = vm->nchecks;
        int st = eval_clause(vm, first, self, f);
        if (st >= 0 && st != GV_FAIL)
            vm->nchecks = mark; /* a clause that did not fail reports nothing */
        vm->depth--;
        return st;
    }
    uint32_t base = vm->sp;
    int result = -1;
    /* once a clause failed, the skippable ones need not run where nothing
     * records or traces (vm/pure.c) */
    int failed = 0, quiet = !vm->recording && !vm->trace && vm->depth < GV_SKIP_DEPTH;
    for (uint32_t ip = first;; ip++) {
        const gv_insn *in = &p->code[ip];
        if (in->op == GV_I_END) {
            result = vm->sp > base ? vm->stack[vm->sp - 1] : GV_SKIP;
            break;
        }
        if (in->op == GV_I_C_LET) {
            if (gv_vm_let(vm, in, self, f) < 0)
                break;
            continue;
        }
        if (in->op == GV_I_C_OR || in->op == GV_I_C_AND) {
            if (combine(vm, in, base) < 0)
                break;
            continue;
        }
        if (failed && p->skippable[ip])
            continue;
        uint32_t mark = vm->nchecks;
        int st = eval_clause(vm, ip, self, f);
        if (st < 0)
            break;
        if (st == GV_FAIL)
            failed = quiet;
        else
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
    gv_frame frame = gv_vm_new_frame(vm, NULL, 0);
    if (vm->local_lets && (!frame.slots || !frame.pending))
        return gv_vm_nomem(vm);
    int st = GV_PASS;
    if (vm->trace)
        gv_trace_open(vm->trace, GV_T_RULE, d);
    if (rd->when_block != GV_NONE) {
        int saved = vm->recording;
        vm->recording = 0;
        if (vm->trace)
            gv_trace_open(vm->trace, GV_T_RULE_WHEN, d);
        st = gv_vm_block(vm, rd->when_block, &vm->root, &frame);
        if (vm->trace)
            gv_trace_close(vm->trace, st);
        vm->recording = saved;
        if (st >= 0)
            st = st == GV_PASS ? GV_PASS : GV_SKIP;
    }
    if (st == GV_PASS)
        st = gv_vm_block(vm, rd->body_block, &vm->root, &frame);
    gv_vm_end_frame(vm, &frame);
    if (vm->trace)
        gv_trace_close(vm->trace, st);
    if (st < 0)
        return -1;
    vm->rule_state[d] = 2;
    vm->rule_status[d] = (gv_status)st;
    return st;
}

static int eval_program(const gv_program *p, const gv_node *root, gv_arena *scratch, const gv_eval_opts *o,
                        gv_eval_result *out, gv_error *err)
{
    gv_vm vm;
    memset(&vm, 0, sizeof vm);
    vm.trace = o->trace;
    vm.memo = o->trace ? NULL : o->memo;
    int expand = !o->lazy;
    vm.p = p;
    vm.root.node = root;
    vm.scratch = scratch;
    vm.err = err;
    uint32_t nslots = p->nslots ? p->nslots : 1, nrules = p->nrules ? p->nrules : 1;
    /* the per-document state in one block, widest members first (a hook
     * evaluates 237 small files per document: allocations add up); only
     * the states are zeroed: every other member is written before it is
     * read (a slot's value once its state is 2, a rule's once it ran) */
    size_t bytes = nrules * sizeof *out->rules + nslots * sizeof *vm.global_first + nslots * sizeof *vm.globals +
                   nrules * sizeof *vm.rule_status + nslots + nrules;
    char *mem = gv_arena_alloc(scratch, bytes);
    out->nrules = 0;
    out->status = GV_RS_SKIP;
    if (!mem)
        return gv_vm_nomem(&vm);
    _Static_assert(sizeof(gv_rule_result) % _Alignof(gv_val) == 0 && sizeof(gv_val) % _Alignof(gv_valset) == 0 &&
                   sizeof(gv_valset) % _Alignof(gv_status) == 0, "laid out widest first");
    out->rules = (gv_rule_result *)(void *)mem;
    vm.global_first = (gv_val *)(void *)(out->rules + nrules);
    vm.globals = (gv_valset *)(void *)(vm.global_first + nslots);
    vm.rule_status = (gv_status *)(void *)(vm.globals + nslots);
    vm.global_state = (uint8_t *)(vm.rule_status + nrules);
    vm.rule_state = vm.global_state + nslots;
    memset(vm.global_state, 0, nslots + nrules);
    /* the status stack starts here: most evaluations never grow it */
    int stack0[64];
    uint32_t marks0[64];
    vm.stack = stack0;
    vm.marks = marks0;
    vm.stack_cap = 64;
    if (p->ncaptures) {
        vm.caps = gv_arena_zalloc(scratch, p->ncaptures * sizeof *vm.caps);
        vm.ref_status = gv_arena_zalloc(scratch, nrules * sizeof *vm.ref_status);
        vm.ref_done = gv_arena_zalloc(scratch, nrules);
        if (!vm.caps || !vm.ref_status || !vm.ref_done)
            return gv_vm_nomem(&vm);
    }
    vm.local_lets = p->local_lets;
    int any_pass = 0, any_fail = 0;
    gv_keys_cache keys = { NULL, NULL };
    /* cfn-guard evaluates the clauses outside rules before the rules: with
     * `[ name ]` steps that shows (probed); the default rule stays last in
     * the results */
    int default_first = p->ncaptures && p->nrules && p->rules[p->nrules - 1].is_default;
    for (uint32_t k = 0; k < p->nrules; k++) {
        uint32_t d = default_first ? (k ? k - 1 : p->nrules - 1) : k;
        if (p->rules[d].parameterised)
            continue;
        /* a rule already evaluated through a reference is run again to
         * collect its own checks: statuses are memoised, checks are not */
        vm.rule_state[d] = vm.rule_state[d] == 2 ? 0 : vm.rule_state[d];
        vm.checks = NULL;
        vm.nchecks = vm.cap_checks = 0;
        vm.recording = 1;
        vm.lit_fail = 0;
        int st = eval_rule_decl(&vm, d);
        if (st < 0)
            return -1;
        gv_rule_result *r = &out->rules[out->nrules++];
        r->rule = d;
        r->status = (gv_rstatus)st;
        r->checks = vm.checks;
        r->nchecks = vm.nchecks;
        r->lit_fail = vm.lit_fail;
        if (expand && r->nchecks && gv_expand_key_checks(scratch, &keys, &r->checks, &r->nchecks) < 0)
            return gv_vm_nomem(&vm);
        any_pass |= st == GV_PASS;
        any_fail |= st == GV_FAIL;
    }
    if (default_first) {
        gv_rule_result def = out->rules[0];
        memmove(out->rules, out->rules + 1, (out->nrules - 1) * sizeof *out->rules);
        out->rules[out->nrules - 1] = def;
    }
    out->status = any_fail ? GV_RS_FAIL : any_pass ? GV_RS_PASS : GV_RS_SKIP;
    return 0;
}

int gv_eval_with(const gv_program *p, const gv_node *root, gv_arena *scratch, const gv_eval_opts *o,
                 gv_eval_result *out, gv_error *err)
{
    return eval_program(p, root, scratch, o, out, err);
}

int gv_eval(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
            gv_error *err)
{
    gv_eval_opts o = { 0, NULL, NULL };
    return eval_program(p, root, scratch, &o, out, err);
}

int gv_eval_lazy(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
                 gv_error *err)
{
    gv_eval_opts o = { 1, NULL, NULL };
    return eval_program(p, root, scratch, &o, out, err);
}

int gv_eval_traced(const gv_program *p, const gv_node *root, gv_arena *scratch, gv_eval_result *out,
                   gv_trace *trace, gv_error *err)
{
    gv_eval_opts o = { 0, trace, NULL };
    return eval_program(p, root, scratch, &o, out, err);
}
