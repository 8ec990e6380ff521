/* Binary clause checks over the value sets of their queries, with
 * cfn-guard's per-value combination and what it reports of each failure
 * (probed; docs/oracle-notes). Unary clauses: check_unary.c. */
#include <string.h>

#include "vm/check_int.h"

/* ---- clauses ---- */

static int all_empty_lists(const gv_valset *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->v[i].node || s->v[i].node->kind != GV_LIST || s->v[i].node->len)
            return 0;
    return 1;
}

static int any_resolved(const gv_valset *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->v[i].node)
            return 1;
    return 0;
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

/* Values of two queries are compared structurally: no list against its
 * elements, no int against a float (probed). */
static int in_set(const gv_node *n, const gv_valset *s, int n_left)
{
    for (uint32_t i = 0; i < s->n; i++) {
        const gv_node *o = s->v[i].node;
        if (!o)
            continue;
        /* a regex (a parameter's literal argument) still matches, compared
         * the way round the clause has it (n_left: n is the left side's) */
        const gv_node *a = n_left ? n : o, *b = n_left ? o : n;
        if (n->kind == GV_REGEX || o->kind == GV_REGEX ? gv_cmp_holds(gv_compare(GV_OP_EQ, a, b, NULL), 0)
                                                       : gv_node_equal(n, o))
            return 1;
    }
    return 0;
}

/* Each right-hand value no left-hand value equals; for != each left-hand
 * value (only those among the right-hand values when there are more of
 * them), against the whole right-hand set: so cfn-guard reports and
 * traces a failed != against a query (probed). */
static int record_unmatched_rhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    uint32_t nl = 0; /* the left-hand values that resolved are counted */
    for (uint32_t i = 0; i < l->n; i++)
        nl += l->v[i].node != NULL;
    for (uint32_t i = 0; opnot && (vm->recording || vm->trace) && i < l->n; i++) {
        if (!l->v[i].node || (nl > r->n && !in_set(l->v[i].node, r, 1)))
            continue;
        gv_check c = { 0 };
        c.ip = ip;
        c.kind = GV_CHECK_COMPARE;
        c.lhs = l->v[i];
        c.rhs = r->v[0];
        c.rhs_all = r->v;
        c.nrhs = r->n;
        if (gv_vm_record_check(vm, c) < 0)
            return -1;
    }
    for (uint32_t j = 0; !opnot && (vm->recording || vm->trace) && j < r->n; j++) {
        if (in_set(r->v[j].node, l, 0))
            continue;
        gv_check c = { 0 };
        c.ip = ip;
        c.kind = GV_CHECK_COMPARE;
        c.rhs_unmatched = 1;
        c.lhs = l->v[0];
        c.rhs = r->v[j];
        c.rhs_all = r->v;
        c.nrhs = r->n;
        if (gv_vm_record_check(vm, c) < 0)
            return -1;
    }
    return 0;
}

/* What cfn-guard reports for a failed == or != against a query: for ==
 * the values of the larger side (the right-hand one if they are as many)
 * missing on the other, for != see record_unmatched_rhs. Left-hand values
 * that did not resolve are not counted (they are reported on their own;
 * probed: with x resolving to 1 and 3 and one value missing, `x == q`
 * reports 3 when q is 1, each value of q that x lacks when q is 1, 4). */
static int record_query_diff(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    uint32_t nl = 0;
    for (uint32_t i = 0; i < l->n; i++)
        nl += l->v[i].node != NULL;
    for (uint32_t i = 0; !opnot && nl > r->n && i < l->n; i++)
        if (l->v[i].node && !in_set(l->v[i].node, r, 1) &&
            gv_vm_record_compare(vm, ip, &l->v[i], &r->v[0], r, 0) < 0)
            return -1;
    return opnot || nl <= r->n ? record_unmatched_rhs(vm, ip, l, r, opnot) : 0;
}

/* record_query_diff for a failed == or != against a query, all of whose
 * left-hand values resolved; failing that, each left-hand value matching
 * none on the right, against the whole right-hand set (probed). */
static int record_query_eq(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    if (!vm->recording && !vm->trace)
        return 0;
    uint32_t before = vm->nfailures;
    if (record_query_diff(vm, ip, l, r, opnot) < 0)
        return -1;
    for (uint32_t i = 0; vm->nfailures == before && i < l->n; i++)
        if (!in_set(l->v[i].node, r, 1) && gv_vm_record_compare(vm, ip, &l->v[i], &r->v[0], r, 0) < 0)
            return -1;
    if (vm->nfailures == before)
        return gv_vm_record_compare(vm, ip, &l->v[0], &r->v[0], r, 0);
    return 0;
}

/* cfn-guard compares against the results of a query (not a literal) as a
 * whole: == holds when every value of the larger side (the right-hand one
 * if they are as many) is among the other side's; != holds only when there
 * are more left-hand values than right-hand ones and none of them is among
 * the right-hand ones (so never for a single value; `some` changes
 * nothing; probed). */
static int eval_query_eq(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int opnot)
{
    int ok;
    if (opnot) {
        ok = l->n > r->n;
        for (uint32_t i = 0; ok && i < l->n; i++)
            ok = !in_set(l->v[i].node, r, 1);
    } else {
        const gv_valset *larger = l->n > r->n ? l : r, *other = larger == l ? r : l;
        ok = 1;
        for (uint32_t j = 0; ok && j < larger->n; j++)
            ok = in_set(larger->v[j].node, other, larger == l);
    }
    /* cfn-guard's tree shows a passing != once per left-hand value, a
     * passing == once per value of the larger side (probed) */
    const gv_valset *shown = opnot || l->n > r->n ? l : r;
    for (uint32_t i = 0; vm->trace && ok && i < shown->n; i++)
        gv_trace_pass(vm->trace, ip, &shown->v[i]);
    if (!ok && record_query_eq(vm, ip, l, r, opnot) < 0)
        return -1;
    return ok ? GV_PASS : GV_FAIL;
}

/* `some` also reaches into a list compared with a scalar: one element
 * satisfying the operator is enough, and an empty list has none (probed).
 * The result is expressed so that gv_cmp_holds(result, opnot) decides. */
static gv_cmp_result some_element(gv_cmp_op op, const gv_node *l, const gv_node *r, int opnot, gv_error *err)
{
    if (gv_op_orders(op))
        return gv_compare_some_order(op, l, r);
    /* IN spreads a list only over a string, each element a substring of
     * it (probed: `some ["T", "U"] IN "T"` passes, `some [1, 2] IN 1`
     * fails); an element that is not a string holds neither way */
    if (l->kind != GV_LIST || r->kind == GV_LIST || (op == GV_OP_IN && r->kind != GV_STRING))
        return gv_compare(op, l, r, err);
    for (uint32_t i = 0; i < l->len; i++) {
        const gv_node *e = l->u.items[i];
        gv_cmp_result c = op == GV_OP_IN && e->kind != GV_STRING ? GV_CMP_INCOMPARABLE : gv_compare(op, e, r, err);
        if (c == GV_CMP_ERROR)
            return c;
        if (gv_cmp_holds(c, opnot))
            return GV_CMP_VACUOUS; /* holds, whatever opnot */
    }
    return GV_CMP_INCOMPARABLE; /* fails, whatever opnot */
}

/* A variable bound to a literal on the left: each of its values against
 * each right-hand value, one by one (never as a set; probed). */
static int eval_literal_lhs_untraced(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r,
                                    int rhs_literal, int opnot);

/* Traced, pair by pair (pair_trace.c); the verdict as untraced. */
static int eval_literal_lhs(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r, int rhs_literal,
                            int opnot)
{
    gv_trace *trace = vm->trace;
    vm->trace = NULL;
    int st = eval_literal_lhs_untraced(vm, ip, l, r, rhs_literal, opnot);
    vm->trace = trace;
    if (st < 0 || !trace)
        return st;
    return gv_vm_trace_literal(vm, ip, l, r, rhs_literal) < 0 ? -1 : st;
}

/* A left-hand value's outcome against the right-hand value rv it was last
 * compared with: counted, shown when it held (-v), recorded when not. */
static int settle(gv_vm *vm, uint32_t ip, const gv_val *lv, const gv_val *rv, const gv_valset *r, int ok,
                  int incomparable, int *any_pass, int *any_fail)
{
    *any_pass |= ok;
    *any_fail |= !ok;
    if (vm->trace && ok)
        gv_trace_pass(vm->trace, ip, lv);
    return ok ? 0 : gv_vm_record_compare(vm, ip, lv, rv, r, incomparable);
}

static int eval_literal_lhs_untraced(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r,
                                    int rhs_literal, int opnot)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int some = (in->flags & GV_FLAG_SOME) != 0, any_pass = 0, any_fail = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        if (gv_compare_list_in_values(in->flags, rhs_literal, l->v[i].node, r)) {
            if (settle(vm, ip, &l->v[i], &r->v[r->n - 1], r, 1, 0, &any_pass, &any_fail) < 0)
                return -1;
            continue;
        }
        /* every right-hand value must hold; with `some`, one is enough */
        int ok = !some, incomparable = 0;
        uint32_t j = 0;
        for (; ok == !some && j < r->n; j++) {
            gv_cmp_result c = some && gv_op_orders(op)
                                  ? gv_compare_some_order(op, l->v[i].node, r->v[j].node)
                                  : gv_compare_literal_lhs(op, l->v[i].node, r->v[j].node, rhs_literal, vm->err);
            if (c == GV_CMP_ERROR)
                return -1;
            incomparable = c == GV_CMP_INCOMPARABLE;
            ok = gv_cmp_holds(c, opnot);
        }
        if (settle(vm, ip, &l->v[i], &r->v[j - 1], r, ok, incomparable, &any_pass, &any_fail) < 0)
            return -1;
    }
    return gv_vm_finish_values(any_pass, any_fail, some);
}

/* True when a left-hand list is compared item by item: cfn-guard compares
 * each item of a list the query reached with a right-hand value that is
 * not a list, for ==, != and the orderings, with or without `some`, and
 * reports each item that fails at its own path (probed: `X == "a"` on
 * ["a", "b"] reports X/1; on [["a"]] reports X/0, not comparable), and
 * for IN against a single string. One
 * level only: an item that is itself a list or a map is not comparable
 * with the value. */
static int spreads(gv_cmp_op op, const gv_node *l, const gv_valset *r)
{
    /* so does IN a literal string, each item a substring or not (probed) */
    if (l->kind == GV_LIST && op == GV_OP_IN && r->n == 1 && r->v[0].literal && r->v[0].node->kind == GV_STRING)
        return 1;
    if (l->kind != GV_LIST || (op != GV_OP_EQ && !gv_op_orders(op)))
        return 0;
    for (uint32_t j = 0; j < r->n; j++)
        if (r->v[j].node->kind == GV_LIST)
            return 0;
    return 1;
}

/* v against the right-hand values: every one must hold, or with `some`
 * and an ordering any one (probed). item: v is an item of a left-hand list
 * (see spreads), compared as itself; else a whole value, which `some`
 * searches one level deep. Returns 1 or 0, -1 on error; *at is the
 * right-hand value compared last. r holds at least one value. */
static int holds_against(gv_vm *vm, gv_cmp_op op, int opnot, int some, int item, const gv_node *v,
                         const gv_valset *r, uint32_t *at, int *incomparable)
{
    int any = some && gv_op_orders(op), ok = !any;
    uint32_t j = 0;
    for (; ok == !any && j < r->n; j++) {
        const gv_node *w = r->v[j].node;
        /* an item that is a map compares with a map only (probed: `x !=
         * {}` holds for x [{"Ref": "R"}]) */
        int nested = v->kind == GV_LIST || (v->kind == GV_MAP && w->kind != GV_MAP);
        gv_cmp_result c = item && nested  ? GV_CMP_INCOMPARABLE
                          : some && !item ? some_element(op, v, w, opnot, vm->err)
                                          : gv_compare(op, v, w, vm->err);
        if (c == GV_CMP_ERROR)
            return -1;
        *incomparable = c == GV_CMP_INCOMPARABLE;
        ok = gv_cmp_holds(c, opnot);
    }
    *at = j - 1;
    return ok;
}

/* An ordering without `some` against several right-hand values is shown
 * pair by pair: cfn-guard's tree has a node per right-hand value, passed
 * or failed, and its reports every pair that failed (probed: `i >= l[*]`
 * on [3, 4] reports 3 and 4). */
static int pairwise(gv_cmp_op op, int some, const gv_valset *r)
{
    return gv_op_orders(op) && !some && r->n > 1;
}

/* Traces and records v against each right-hand value (see pairwise);
 * item as for holds_against. */
static int show_pairs(gv_vm *vm, uint32_t ip, gv_cmp_op op, int opnot, int item, const gv_val *v,
                      const gv_valset *r)
{
    for (uint32_t j = 0; j < r->n; j++) {
        gv_valset one = { (gv_val *)&r->v[j], 1, 1, 0, 0 };
        uint32_t k = 0;
        int inc = 0;
        int ok = holds_against(vm, op, opnot, 0, item, v->node, &one, &k, &inc);
        if (ok < 0)
            return -1;
        if (ok && vm->trace)
            gv_trace_pass(vm->trace, ip, v);
        else if (!ok && gv_vm_record_compare(vm, ip, v, &r->v[j], r, inc) < 0)
            return -1;
    }
    return 0;
}

/* The items of the list v; each failing one is recorded. *npass counts
 * those that hold. Returns the number that fail, or -1 on error. */
static int64_t compare_items(gv_vm *vm, uint32_t ip, gv_cmp_op op, int opnot, int some, const gv_val *v,
                             const gv_valset *r, uint32_t *npass)
{
    int64_t nfail = 0;
    *npass = 0;
    for (uint32_t k = 0; k < v->node->len; k++) {
        const gv_node *item = v->node->u.items[k];
        uint32_t j = 0;
        int incomparable = 0;
        int ok = holds_against(vm, op, opnot, some, 1, item, r, &j, &incomparable);
        if (ok < 0)
            return -1;
        *npass += (uint32_t)ok;
        nfail += !ok;
        if (ok ? !vm->trace : !vm->recording && !vm->trace)
            continue; /* nothing to show: no path to build */
        gv_val iv = { item, gv_path_index(vm->scratch, v->path, k), NULL, NULL, 0, 0, 0 };
        if (!iv.path)
            return gv_vm_nomem(vm);
        if (pairwise(op, some, r)) {
            if (show_pairs(vm, ip, op, opnot, 1, &iv, r) < 0)
                return -1;
        } else if (ok) {
            gv_trace_pass(vm->trace, ip, &iv);
        } else if (gv_vm_record_compare(vm, ip, &iv, &r->v[j], r, incomparable) < 0) {
            return -1;
        }
    }
    return nfail;
}

static int any_unresolved(const gv_valset *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (!s->v[i].node)
            return 1;
    return 0;
}

typedef int compare_fn(gv_vm *vm, uint32_t ip, gv_valset *l, gv_valset *r, int some);
static compare_fn compare_some;

/* A map key against one value v of the q of `[ keys OP q ]` (q not a
 * literal): a string (or a regex argument) compares as usual, IN being a
 * substring search; IN also searches a list that holds only strings;
 * anything else is not comparable, so both OP and its negation fail
 * (probed: `keys NOT IN q` keeps no key when q is 1, {}, ["a", 1] or
 * [["a"]]). */
static gv_cmp_result key_against(gv_cmp_op op, const gv_node *key, const gv_node *v, gv_error *err)
{
    if (v->kind == GV_STRING || v->kind == GV_REGEX)
        return gv_compare(op, key, v, err);
    if (op != GV_OP_IN || v->kind != GV_LIST)
        return GV_CMP_INCOMPARABLE;
    for (uint32_t i = 0; i < v->len; i++)
        if (v->u.items[i]->kind != GV_STRING)
            return GV_CMP_INCOMPARABLE;
    return gv_compare(GV_OP_IN, key, v, err);
}

/* The key test of `[ keys OP q ]`, q not a literal: cfn-guard keeps a key
 * that holds against one of q's resolved values, never compares q as a
 * set, and with two values or more in q (the unresolved ones count) reads
 * == as IN and != as NOT IN (probed: with q "xa", "zz", `keys == q` keeps
 * the key "a"; with q "a", `keys != q` keeps "b"). Each failing key is
 * recorded against the last value it was compared with. */
static int eval_keys_test(gv_vm *vm, uint32_t ip, const gv_valset *l, const gv_valset *r)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0, any_pass = 0, any_fail = 0;
    if (r->n > 1 && op == GV_OP_EQ)
        op = GV_OP_IN;
    if (!any_resolved(r))
        return gv_vm_record_unresolved_rhs(vm, ip, l, r) < 0 ? -1 : GV_FAIL;
    for (uint32_t i = 0; i < l->n; i++) {
        int ok = 0, incomparable = 0;
        uint32_t at = 0;
        for (uint32_t j = 0; !ok && l->v[i].node && j < r->n; j++) {
            if (!r->v[j].node)
                continue;
            gv_cmp_result c = key_against(op, l->v[i].node, r->v[j].node, vm->err);
            if (c == GV_CMP_ERROR)
                return -1;
            at = j;
            incomparable = c == GV_CMP_INCOMPARABLE;
            ok = gv_cmp_holds(c, opnot);
        }
        if (settle(vm, ip, &l->v[i], &r->v[at], r, ok, incomparable, &any_pass, &any_fail) < 0)
            return -1;
    }
    return gv_vm_finish_values(any_pass, any_fail, 0);
}

/* A failed check in the trace for each left-hand value that did not
 * resolve, against the first right-hand value. */
static void trace_unresolved_lhs(gv_trace *trace, uint32_t ip, const gv_valset *l, const gv_val *rhs)
{
    for (uint32_t i = 0; i < l->n; i++) {
        if (l->v[i].node)
            continue;
        gv_check c = { 0 };
        c.ip = ip;
        c.kind = GV_CHECK_UNRESOLVED;
        c.lhs = l->v[i];
        c.rhs = *rhs;
        gv_trace_fail(trace, &c);
    }
}

/* fn evaluated without recording or tracing anything: when it fails, the
 * caller reports the clause its own way. A pass is evaluated again when
 * tracing, for the passes to show, after the unresolved values in
 * `ignored` as failures, and with rhs_all (of which r is what resolved)
 * the comparisons with what did not resolve (cfn-guard's tree shows them
 * so). */
static int quietly(gv_vm *vm, uint32_t ip, gv_valset *l, gv_valset *r, int some, compare_fn *fn,
                   const gv_valset *ignored, const gv_valset *rhs_all)
{
    int saved = vm->recording;
    gv_trace *trace = vm->trace;
    vm->recording = 0;
    vm->trace = NULL;
    int st = fn(vm, ip, l, r, some);
    vm->trace = trace;
    gv_valset lr = { 0 }, found = { 0 };
    if (st == GV_PASS && trace && rhs_all) {
        /* r is what resolved of rhs_all: cfn-guard's tree first shows
         * each comparison with what did not, the unresolved left-hand
         * values among them, then the passes of the others (probed) */
        if (gv_vm_missing_pairs(vm, ip, l, rhs_all, &lr, &found) < 0)
            return -1;
        l = &lr;
    }
    if (st == GV_PASS && trace) {
        if (ignored)
            trace_unresolved_lhs(trace, ip, ignored, &r->v[0]);
        if (fn(vm, ip, l, r, some) < 0) /* the same verdict, traced */
            st = -1;
    }
    vm->recording = saved;
    return st;
}

static int binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f, gv_valset *rset);

/* Checks and traces point into the right-hand set (rhs_all): kept checks
 * need it in the arena; a filter's or a condition's clause keeps none
 * (a filter over n resources would leave n sets behind), and a trace only
 * of its failures, whose set is copied out when the clause is done. */
int gv_vm_binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f)
{
    gv_val rbuf[GV_SMALL_SET];
    gv_valset r = { 0 };
    if (vm->recording)
        return binary(vm, ip, self, f, &r);
    r = (gv_valset){ rbuf, 0, GV_SMALL_SET, 0, 0 };
    if (!vm->trace)
        return binary(vm, ip, self, f, &r);
    gv_tmark m = gv_trace_mark(vm->trace);
    int st = binary(vm, ip, self, f, &r);
    if (r.v == rbuf && gv_trace_keep_rhs(vm->trace, m, rbuf, r.n) < 0)
        return gv_vm_nomem(vm);
    return st;
}

static int binary(gv_vm *vm, uint32_t ip, const gv_val *self, const gv_frame *f, gv_valset *rset)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0, some = (in->flags & GV_FLAG_SOME) != 0;
    gv_val lbuf[GV_SMALL_SET];
    gv_valset l = { lbuf, 0, GV_SMALL_SET, 0, 0 };
    gv_valset r = *rset;
    /* cfn-guard evaluates the right side first, so an error there (an
     * unbound variable, join over a missing value, a panic) is the one that
     * aborts the run when both sides would (probed), and it does so even
     * when the left side is empty */
    vm->ip = ip;
    int rc = gv_vm_operand(vm, in->b, self, f, &r);
    *rset = r; /* where the set ended up: the caller copies it out if need be */
    if (rc < 0)
        return -1;
    if (gv_vm_quiet_query(vm, in->a, self, f, &l) < 0)
        return -1;
    vm->ip = ip; /* the left side's filters moved it */
    if (l.n == 0 || r.n == 0)
        return GV_SKIP;
    /* a key filter's test against a query (== against one string decides
     * as any == against a query does, and is reported so) */
    if (in->c == GV_BINARY_KEYS && !gv_set_literal(&r) &&
        (op != GV_OP_EQ || opnot || r.n > 1 || !r.v[0].node || r.v[0].node->kind != GV_STRING))
        return eval_keys_test(vm, ip, &l, &r);
    uint32_t rhs_missing = 0;
    for (uint32_t j = 0; j < r.n; j++)
        rhs_missing += !r.v[j].node;
    if (rhs_missing) { /* the right-hand query stopped short */
        /* `some x != missing`, `some x NOT IN missing`: one resolved
         * left-hand value is enough when nothing on the right resolved;
         * not when x is a variable bound to a literal, which fails
         * (probed: `let g = "P"`, `some %g NOT IN missing`) */
        if (some && opnot && rhs_missing == r.n && any_resolved(&l) && !gv_set_literal(&l))
            return vm->trace ? gv_vm_trace_missing_pass(vm, ip, &l, &r) : GV_PASS;
        /* an ordering spreads over left-hand lists: with only empty lists
         * there, nothing is compared and nothing fails; with `some`,
         * nothing holds either (probed) */
        if (gv_op_orders(op) && !some && all_empty_lists(&l))
            return GV_PASS;
        /* `some x OP q`: the values of q that resolved are compared, and
         * those that did not are ignored (probed for ==, !=, IN, NOT IN
         * and the orderings) */
        if (some && rhs_missing < r.n) {
            gv_valset found = { 0 };
            for (uint32_t j = 0; j < r.n; j++)
                if (r.v[j].node && !gv_valset_push(vm->scratch, &found, r.v[j]))
                    return gv_vm_nomem(vm);
            int st = quietly(vm, ip, &l, &found, 1, compare_some, NULL, &r);
            if (st != GV_FAIL)
                return st;
        }
        /* what failed is reported as without `some` */
        return gv_vm_record_unresolved_rhs(vm, ip, &l, &r) < 0 ? -1 : GV_FAIL;
    }
    return compare_some(vm, ip, &l, &r, some);
}

static int compare_some(gv_vm *vm, uint32_t ip, gv_valset *l, gv_valset *r, int some)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    if (some && !gv_set_literal(r) && (op == GV_OP_EQ || op == GV_OP_IN) && any_resolved(l) && any_unresolved(l)) {
        /* `some x == q` / `some x IN q` (and their negations) with x
         * partly unresolved: cfn-guard compares the values of x that
         * resolved, as a group (the way it does without `some`), and
         * passes when they do; the others are ignored then (probed) */
        gv_valset res = { 0 };
        for (uint32_t i = 0; i < l->n; i++)
            if (l->v[i].node && !gv_valset_push(vm->scratch, &res, l->v[i]))
                return gv_vm_nomem(vm);
        int st = quietly(vm, ip, &res, r, 0, gv_vm_compare_sets, l, NULL);
        if (st != GV_FAIL)
            return st;
        /* what failed is reported as without `some`, unresolved values too */
        return gv_vm_compare_sets(vm, ip, l, r, 0) < 0 ? -1 : GV_FAIL;
    }
    return gv_vm_compare_sets(vm, ip, l, r, some);
}

/* The left-hand values, all of them resolved or not, against the resolved
 * right-hand ones. */
static int compare_sets_untraced(gv_vm *vm, uint32_t ip, gv_valset *lp, gv_valset *rp, int some);

int gv_vm_compare_sets(gv_vm *vm, uint32_t ip, gv_valset *lp, gv_valset *rp, int some)
{
    gv_cmp_op op = (gv_cmp_op)(vm->p->code[ip].flags & GV_FLAG_OP_MASK);
    if (!vm->trace || !gv_op_orders(op))
        return compare_sets_untraced(vm, ip, lp, rp, some);
    /* an ordering is traced pair by pair (order_trace.c), after the
     * left-hand values that did not resolve */
    gv_trace *trace = vm->trace;
    trace_unresolved_lhs(trace, ip, lp, &rp->v[0]);
    vm->trace = NULL;
    int st = compare_sets_untraced(vm, ip, lp, rp, some);
    vm->trace = trace;
    return st < 0 || gv_vm_trace_order(vm, ip, lp, rp) < 0 ? -1 : st;
}

static int compare_sets_untraced(gv_vm *vm, uint32_t ip, gv_valset *lp, gv_valset *rp, int some)
{
    const gv_insn *in = &vm->p->code[ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    int opnot = (in->flags & GV_FLAG_OPNOT) != 0;
    gv_valset l = *lp, r = *rp;
    int any_pass = 0, any_fail = 0;
    int literal = gv_set_literal(&r);
    int in_query = op == GV_OP_IN && !literal, cmp_fail = 0;
    if (in_query)
        some = 0; /* cfn-guard ignores `some` for IN against a query (probed) */
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node) {
            any_fail = 1;
            if (gv_vm_record(vm, ip, &l.v[i], &r.v[0], GV_CHECK_UNRESOLVED) < 0)
                return -1;
        }
    }
    if (!any_fail && gv_set_literal(&l))
        return eval_literal_lhs(vm, ip, &l, &r, literal, opnot);
    if (!literal && op == GV_OP_EQ && !any_fail)
        return eval_query_eq(vm, ip, &l, &r, opnot);
    /* with a left-hand value missing, cfn-guard also reports what the
     * others fail for as a set (probed) */
    if (!literal && op == GV_OP_EQ && (vm->recording || vm->trace) && record_query_diff(vm, ip, &l, &r, opnot) < 0)
        return -1;
    if (!literal && op == GV_OP_EQ)
        return GV_FAIL; /* some: see compare_some */
    /* a query's single non-list value is a one-element set for IN:
     * cfn-guard then tests equality, never substring (probed) */
    int as_set = op == GV_OP_IN && (r.n > 1 || (!literal && r.v[0].node->kind != GV_LIST));
    gv_node *set = as_set ? rhs_as_list(vm, &r) : NULL; /* built once for every left value */
    if (as_set && !set)
        return gv_vm_nomem(vm);
    for (uint32_t i = 0; i < l.n; i++) {
        if (!l.v[i].node)
            continue;
        int ok;
        uint32_t at = 0;
        int incomparable = 0;
        if (!as_set && spreads(op, l.v[i].node, &r)) {
            /* without `some` the value holds when all its items do; with
             * it, one item holding anywhere is enough (an empty list has
             * none: it fails, recording nothing; probed) */
            uint32_t npass;
            int64_t nfail = compare_items(vm, ip, op, opnot, some, &l.v[i], &r, &npass);
            if (nfail < 0)
                return -1;
            any_pass |= some ? npass > 0 : nfail == 0;
            any_fail |= some ? npass == 0 : nfail > 0;
            continue;
        } else if (!as_set) {
            if ((ok = holds_against(vm, op, opnot, some, 0, l.v[i].node, &r, &at, &incomparable)) < 0)
                return -1;
            if (op == GV_OP_IN && !literal && incomparable && l.v[i].node->kind == GV_LIST) {
                /* a list that is not wholly in a list from the data (or
                 * not one of its lists) is simply not in it: NOT IN holds,
                 * where against a literal list both fail (probed) */
                ok = opnot;
                incomparable = 0;
            } else if (op == GV_OP_IN && incomparable && l.v[i].node->kind == GV_LIST &&
                       r.v[at].node->kind == GV_LIST) {
                incomparable = 0; /* both fail, but cfn-guard gives no "not comparable" message (probed) */
            }
        } else {
            /* IN the values of a query taken together */
            gv_cmp_result c = gv_compare_in_values(l.v[i].node, set, vm->err);
            if (c == GV_CMP_ERROR)
                return -1;
            incomparable = c == GV_CMP_INCOMPARABLE;
            ok = gv_cmp_holds(c, opnot);
        }
        any_pass |= ok;
        any_fail |= !ok;
        cmp_fail |= !ok;
        if (!as_set && pairwise(op, some, &r)) {
            if ((vm->trace || (!ok && vm->recording)) && show_pairs(vm, ip, op, opnot, 0, &l.v[i], &r) < 0)
                return -1;
            continue;
        }
        if (vm->trace && ok && !in_query)
            gv_trace_pass(vm->trace, ip, &l.v[i]);
        if (!ok && gv_vm_record_compare(vm, ip, &l.v[i], &r.v[at], &r, incomparable) < 0)
            return -1;
    }
    /* IN a query: cfn-guard's tree shows the values that hold only when
     * none of the others compared fails (probed) */
    for (uint32_t i = 0; in_query && vm->trace && !cmp_fail && i < l.n; i++)
        if (l.v[i].node)
            gv_trace_pass(vm->trace, ip, &l.v[i]);
    return gv_vm_finish_values(any_pass, any_fail, some);
}
