/* Query traversal: each step maps the current result set to the next.
 * What cfn-guard does at each step (probed, see docs/oracle-notes):
 *  - a key on anything but a map, a missing key, an index out of range,
 *    `*` on an empty list or map: unresolved (the clause then fails);
 *  - `*` on a scalar yields the scalar, `[*]` on a map the map itself; a negative index is read as its
 *    absolute value (l[-1] is l[1]);
 *  - a filter runs over a list's elements or a map's values and keeps those
 *    passing; none passing gives no result at all (the clause then skips);
 *  - unresolved results stay unresolved through later steps. */
#include <string.h>

#include "vm/keyindex.h"
#include "vm/memo.h"
#include "vm/vm.h"

#include "vm/query_int.h"

static int step_index(gv_vm *vm, const gv_val *v, int64_t idx, gv_valset *out)
{
    const gv_node *n = v->node;
    if (!n || n->kind != GV_LIST)
        return gv_q_unresolved(vm, out, v, NULL);
    if (idx < 0)
        idx = -idx; /* cfn-guard drops the sign: l[-1] is l[1] (probed) */
    if (idx >= (int64_t)n->len)
        return gv_q_unresolved(vm, out, v, NULL);
    gv_val r = { n->u.items[idx], gv_path_index(vm->scratch, v->path, (uint32_t)idx), NULL, NULL, 0, 0, 0 };
    return gv_q_push(vm, out, r);
}

static int step_all(gv_vm *vm, const gv_val *v, int indices, gv_valset *out)
{
    const gv_node *n = v->node;
    if ((n->kind != GV_LIST && n->kind != GV_MAP) || (indices && n->kind == GV_MAP)) {
        /* `.*` or `[*]` on a variable's literal scalar (or `[*]` on its
         * map) yields it as a value of the data: it then compares like one
         * (probed: `let g = "x"`, `%g.* NOT IN count(q)` and `%g[*][*] NOT
         * IN count(q)` pass where `%g NOT IN count(q)` fails; the first
         * `[*]` after a variable is no step, see compile.c) */
        gv_val same = *v;
        same.literal = 0;
        return gv_q_push(vm, out, same);
    }
    if (n->len == 0)
        return gv_q_unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++)
        if (gv_q_push(vm, out, gv_q_child_at(vm, v, i)) < 0)
            return -1;
    return 0;
}

/* A filter's block on one item c; traced, as one node per item (in_map:
 * the items filtered are a map's values). in_map: 1 what is filtered is a
 * map's member, 2 a map's key (`[ keys == x ]`, traced under a hidden node
 * only for reports, see key_test), 0 a list's item, -1 no node: the
 * block's clauses show by themselves (`[*][ f ]` testing a scalar). */
int gv_q_filter_block(gv_vm *vm, uint32_t block, const gv_val *c, const gv_frame *f, int in_map)
{
    int st;
    vm->in_filter++; /* what fails in here is not the rule's (see gv_vm_unary) */
    if (!vm->trace || in_map < 0) {
        st = gv_vm_block(vm, block, c, f);
    } else if (in_map != 2 && gv_trace_for_lines(vm->trace)) {
        /* the generic lines never look into a filter (but for key tests):
         * evaluated as without a trace (a filter over a template's
         * resources would trace several nodes per resource) */
        gv_trace *t = vm->trace;
        vm->trace = NULL;
        st = gv_vm_block(vm, block, c, f);
        vm->trace = t;
    } else {
        gv_trace_open(vm->trace, GV_T_FILTER, block);
        gv_trace_set_aux(vm->trace, (uint8_t)in_map);
        st = gv_vm_block(vm, block, c, f);
        gv_trace_close(vm->trace, st);
    }
    vm->in_filter--;
    return st;
}

/* Item i of the list or map v, kept when the filter passes. */
static int filter_child(gv_vm *vm, const gv_val *v, uint32_t i, uint32_t block, const gv_frame *f, gv_valset *out)
{
    gv_val c = gv_q_child_at(vm, v, i);
    int st = gv_q_filter_block(vm, block, &c, f, v->node->kind == GV_MAP);
    if (st < 0)
        return -1;
    return st == GV_PASS ? gv_q_push(vm, out, c) : 0;
}

static int step_filter(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_LIST && n->kind != GV_MAP)
        return gv_q_unresolved(vm, out, v, NULL);
    for (uint32_t i = 0; i < n->len; i++)
        if (filter_child(vm, v, i, block, f, out) < 0)
            return -1;
    return 0;
}

static int test_one(gv_vm *vm, const gv_val *c, uint32_t block, const gv_frame *f, gv_valset *out, int in_map)
{
    int st = gv_q_filter_block(vm, block, c, f, in_map);
    if (st < 0)
        return -1;
    return st == GV_PASS ? gv_q_push(vm, out, *c) : 0;
}

/* `[*][f]` on a scalar tests it itself; cfn-guard's tree shows the
 * filter's clauses then without a filter node around them (probed). */
static int test_scalar(gv_vm *vm, const gv_val *c, uint32_t block, const gv_frame *f, gv_valset *out)
{
    return test_one(vm, c, block, f, out, -1);
}

/* Tests each element of a list value. */
static int test_elements(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    for (uint32_t i = 0; i < v->node->len; i++) {
        gv_val c = gv_q_child_at(vm, v, i);
        if (test_one(vm, &c, block, f, out, 0) < 0)
            return -1;
    }
    return 0;
}

/* Keeps c when the filter passes with the clause's own `this` (self). */
static int test_outer(gv_vm *vm, const gv_val *self, const gv_val *c, uint32_t block, const gv_frame *f,
                      gv_valset *out)
{
    int st = gv_q_filter_block(vm, block, self, f, 1);
    if (st < 0)
        return -1;
    return st == GV_PASS ? gv_q_push(vm, out, *c) : 0;
}

/* `.*[f]` and `[*][f]`, which cfn-guard 3.1.1 evaluates as neither `*`
 * then `[f]` nor alike (probed, tests/conformance/probes). For each item
 * of the container (a map's values or a list's elements):
 *   `.*[f]`:  a map value is tested itself, a list is filtered element by
 *             element, a scalar is unresolved;
 *   `[*][f]`: a list element that is a list is filtered element by
 *             element, a scalar is tested itself;
 * and where the item is a map inside a list, or the container of `[*][f]`
 * is a map, f is evaluated with the clause's own `this` (not the map) and
 * the map is kept when it passes. */
static int filter_item(gv_vm *vm, const gv_val *self, const gv_val *c, int in_map, int indices, uint32_t block,
                       const gv_frame *f, gv_valset *out)
{
    switch (c->node->kind) {
    case GV_LIST: return test_elements(vm, c, block, f, out);
    case GV_MAP: return in_map ? test_one(vm, c, block, f, out, 1) : test_outer(vm, self, c, block, f, out);
    default: return indices ? test_scalar(vm, c, block, f, out) : gv_q_unresolved(vm, out, c, NULL);
    }
}

/* `Resources.*[ Type == 'AWS::S3::Bucket' ]`, the first line of nearly
 * every Control Tower rule file: where a member is a map whose key K holds
 * a string, and q is one string, the filter's verdict is byte equality
 * (check.c, string against string), decided here without running the
 * clause or building the member's path; every other member takes the
 * general path. Only outside recording (filters of queries record nothing). */
static int all_filter_eq(gv_vm *vm, const gv_val *self, const gv_val *v, uint32_t block, const gv_kconst *key,
                         const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    gv_valset rhs = { 0 };
    int state = 0; /* 0: q not evaluated yet (as the clause would, at its first run), 1: fast, -1: general */
    for (uint32_t i = 0; i < n->len; i++) {
        const gv_node *c = n->u.members[i].value;
        int64_t k = state >= 0 && c->kind == GV_MAP ? gv_map_find(c, key->s, key->len, key->hash) : -1;
        const gv_node *t = k >= 0 ? c->u.members[k].value : NULL;
        if (t && t->kind == GV_STRING && state == 0) {
            int ok = gv_q_eq_filter_rhs(vm, block, vm->recording, v, f, &rhs);
            if (ok < 0)
                return -1;
            state = ok ? 1 : -1;
        }
        if (t && t->kind == GV_STRING && state == 1) {
            const gv_node *s = rhs.v[0].node;
            vm->ip = vm->p->blocks[block];
            if (t->len == s->len && memcmp(t->u.s, s->u.s, s->len) == 0 && gv_q_push(vm, out, gv_q_child_at(vm, v, i)) < 0)
                return -1;
            continue;
        }
        gv_val cv = gv_q_child_at(vm, v, i);
        if (filter_item(vm, self, &cv, 1, 0, block, f, out) < 0)
            return -1;
    }
    return 0;
}

/* all_filter_eq with the map's members indexed by key (vm/keyindex.h):
 * the same visits in the same order, minus the regular members whose
 * value differs from q, which all_filter_eq only compares and skips. q is
 * evaluated at the first regular member, as there; when it is not a
 * string, the members from there on take the general path, as there. */
static int all_filter_indexed(gv_vm *vm, const gv_val *self, const gv_val *v, uint32_t block,
                              const gv_key_index *x, const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    uint32_t nirr, first = gv_key_index_first_regular(x);
    const uint32_t *irr = gv_key_index_irregular(x, &nirr);
    uint32_t j = 0;
    for (; j < nirr && irr[j] < first; j++) {
        gv_val cv = gv_q_child_at(vm, v, irr[j]);
        if (filter_item(vm, self, &cv, 1, 0, block, f, out) < 0)
            return -1;
    }
    if (first == n->len)
        return 0;
    gv_valset rhs = { 0 };
    int ok = gv_q_eq_filter_rhs(vm, block, vm->recording, v, f, &rhs);
    if (ok < 0)
        return -1;
    if (!ok) {
        for (uint32_t i = first; i < n->len; i++) {
            gv_val cv = gv_q_child_at(vm, v, i);
            if (filter_item(vm, self, &cv, 1, 0, block, f, out) < 0)
                return -1;
        }
        return 0;
    }
    const gv_node *s = rhs.v[0].node;
    uint32_t nhit, h = 0;
    const uint32_t *hit = gv_key_index_find(x, s->u.s, s->len, &nhit);
    uint32_t start = vm->p->blocks[block];
    vm->ip = start; /* as all_filter_eq leaves it after a regular member */
    while (h < nhit || j < nirr) {
        if (j == nirr || (h < nhit && hit[h] < irr[j])) {
            vm->ip = start;
            if (gv_q_push(vm, out, gv_q_child_at(vm, v, hit[h++])) < 0)
                return -1;
            continue;
        }
        uint32_t i = irr[j++];
        if (i > 0 && !gv_key_index_is_irregular(x, i - 1))
            vm->ip = start;
        gv_val cv = gv_q_child_at(vm, v, i);
        if (filter_item(vm, self, &cv, 1, 0, block, f, out) < 0)
            return -1;
    }
    if (!gv_key_index_is_irregular(x, n->len - 1))
        vm->ip = start;
    return 0;
}

static int step_all_filter(gv_vm *vm, const gv_val *self, const gv_val *v, int indices, uint32_t block,
                           const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind != GV_LIST && n->kind != GV_MAP)
        return indices ? test_scalar(vm, v, block, f, out) : gv_q_unresolved(vm, out, v, NULL);
    if (n->kind == GV_MAP && indices)
        return test_outer(vm, self, v, block, f, out);
    if (n->len == 0)
        return gv_q_unresolved(vm, out, v, NULL);
    const gv_kconst *key = NULL;
    /* traced for a tree, every item's filter shows: no shortcut (for the
     * generic lines, nothing in a filter does: filter_block) */
    gv_trace *t = vm->trace;
    if (n->kind == GV_MAP && !vm->recording && (!t || gv_trace_for_lines(t)) &&
        gv_q_eq_filter_operand(vm->p, block, &key) != GV_NONE && key) {
        const gv_key_index *x = vm->memo ? gv_memo_key_index(vm->memo, n, key) : NULL;
        vm->trace = NULL;
        int r = x ? all_filter_indexed(vm, self, v, block, x, f, out) : all_filter_eq(vm, self, v, block, key, f, out);
        vm->trace = t;
        return r;
    }
    for (uint32_t i = 0; i < n->len; i++) {
        gv_val c = gv_q_child_at(vm, v, i);
        if (filter_item(vm, self, &c, n->kind == GV_MAP, indices, block, f, out) < 0)
            return -1;
    }
    return 0;
}

/* `.*[*][f]`, which cfn-guard evaluates as neither `*` then `[*][f]` nor
 * `[*][f]` alone: for each value v of the `.*`, a map is kept when f
 * passes with ctx as `this`; a list has its elements taken, a map element
 * kept likewise, a list element having its own elements tested
 * themselves, a scalar element tested itself; a scalar v is tested
 * itself. ctx is the
 * value the query last took from a map by `.*` (v itself when the `.*`
 * took v from a map), or the variable's value it started from, or else
 * the clause's own `this` (see gv_vm_query; probed: with `rootkey` in the
 * document, `z.*[*][ rootkey exists ]` keeps every map in the list z and
 * in its lists, `W.*.*[*][ this is_list ]` every map in W's lists,
 * `this.*.L.*[*][ L exists ]` every map of W.L). */
static int step_star_all_filter(gv_vm *vm, const gv_val *self, const gv_val *ctx, const gv_val *v, uint32_t block,
                                const gv_frame *f, gv_valset *out)
{
    const gv_node *n = v->node;
    if (n->kind == GV_MAP)
        return test_outer(vm, ctx, v, block, f, out);
    if (n->kind != GV_LIST || n->len == 0)
        return step_all_filter(vm, self, v, 1, block, f, out);
    for (uint32_t i = 0; i < n->len; i++) {
        gv_val c = gv_q_child_at(vm, v, i);
        int rc = c.node->kind == GV_MAP    ? test_outer(vm, ctx, &c, block, f, out)
                 : c.node->kind == GV_LIST ? test_elements(vm, &c, block, f, out)
                                           : test_scalar(vm, &c, block, f, out);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* `%v[f]`: a variable's values are tested themselves; a list value is
 * filtered element by element. cfn-guard's tree shows a filter node for a
 * map tested, none for a scalar (probed, data or literal). */
static int step_select(gv_vm *vm, const gv_val *v, uint32_t block, const gv_frame *f, gv_valset *out)
{
    if (v->node->kind == GV_LIST)
        return step_filter(vm, v, block, f, out);
    /* a literal's value tested, and kept, is a value of the data (probed:
     * `let g = "a"`, `%g[ this == "a" ] NOT IN count(q)` passes) */
    gv_val d = *v;
    d.literal = 0;
    int st = gv_q_filter_block(vm, block, &d, f, v->node->kind == GV_MAP ? 1 : -1);
    if (st < 0)
        return -1;
    return st == GV_PASS ? gv_q_push(vm, out, d) : 0;
}

int gv_q_star_all_filter_at(const gv_insn *in)
{
    return in->op == GV_I_Q_ALL_FILTER && (in->flags & GV_FLAG_ALL_INDICES) && in[-1].op == GV_I_Q_ALL &&
           !(in[-1].flags & GV_FLAG_ALL_INDICES);
}

/* `.*` or `.*[f]`: a step that takes a map's values one by one. */
static int star_step(const gv_insn *in)
{
    return (in->op == GV_I_Q_ALL || in->op == GV_I_Q_ALL_FILTER) && !(in->flags & GV_FLAG_ALL_INDICES);
}

int gv_q_tracks_ctx(const gv_insn *first)
{
    int from = first->op == GV_I_Q_VAR;
    for (const gv_insn *in = first + 1; in->op != GV_I_END; in++) {
        if (in->op == GV_I_Q_ALL_FILTER && from)
            return 1;
        from |= star_step(in);
    }
    return 0;
}

/* cfn-guard 3.1.1 filters a map only right after a key step (a quoted key
 * that spells an index is one); after an index, another filter or `this`
 * it panics (probed; only maps: lists and scalars are fine). */
static int filter_panics(const gv_insn *in, const gv_val *v)
{
    return v->node->kind == GV_MAP && in[-1].op != GV_I_Q_KEY && in[-1].op != GV_I_Q_VAR_KEY &&
           !(in[-1].op == GV_I_Q_INDEX && (in[-1].flags & GV_FLAG_INDEX_KEY));
}

/* ctx: the outer `this` for maps that filters test so (see the contexts
 * below). Inlined into the query loop: it runs for every step of every
 * value. */
static inline __attribute__((always_inline)) int apply_step(gv_vm *vm, const gv_insn *in, const gv_val *self,
                                                            const gv_val *ctx, const gv_val *v,
                                                            const gv_frame *f, gv_valset *out)
{
    const gv_program *p = vm->p;
    switch (in->op) {
    case GV_I_Q_KEY: {
        const gv_kconst *k = &p->strings[in->b];
        return gv_q_step_key(vm, v, k->s, k->len, k->hash, 1, out);
    }
    case GV_I_Q_INDEX: return step_index(vm, v, (int32_t)in->b, out);
    case GV_I_Q_ALL: return step_all(vm, v, in->flags & GV_FLAG_ALL_INDICES, out);
    case GV_I_Q_FILTER:
        if (filter_panics(in, v)) {
            gv_error_set(vm->err, GV_E_PANIC, p->source, p->locs[in - p->code],
                         "cfn-guard 3.1.1 panics on a filter applied to a map right after %s; "
                         "stopping with its exit code 101",
                         in[-1].op == GV_I_Q_INDEX  ? "an index"
                         : in[-1].op == GV_I_Q_THIS ? "`this`"
                                                    : "another filter");
            return -1;
        }
        return step_filter(vm, v, in->b, f, out);
    case GV_I_Q_ALL_FILTER:
        if (gv_q_star_all_filter_at(in))
            return step_star_all_filter(vm, self, ctx, v, in->b, f, out);
        /* a map the filter tests with an outer `this` gets ctx (probed:
         * `R.*.Tags[*][ f ]`, `%v.Nest[*][ f ]` test f on R's value, v's) */
        return step_all_filter(vm, ctx, v, in->flags & GV_FLAG_ALL_INDICES, in->b, f, out);
    case GV_I_Q_SELECT: return step_select(vm, v, in->b, f, out);
    case GV_I_Q_KEYS_FILTER: return gv_q_step_keys_filter(vm, v, in->b, f, out);
    case GV_I_Q_CAPTURE: return gv_vm_capture(vm, in, v) < 0 ? -1 : gv_q_push(vm, out, *v);
    case GV_I_Q_VAR_KEY: {
        if (v->node->kind == GV_MAP && (((in[1].op == GV_I_Q_ALL || in[1].op == GV_I_Q_ALL_FILTER) &&
                                         !(in[1].flags & GV_FLAG_ALL_INDICES)) ||
                                        in[1].op == GV_I_Q_FILTER)) {
            gv_error_set(vm->err, GV_E_EVAL, p->source, p->locs[in - p->code],
                         "`.*` or a filter right after a %%variable key on a map is not supported "
                         "(cfn-guard aborts here too)");
            return -1;
        }
        const gv_valset *keys = gv_vm_var(vm, in, f);
        return keys ? gv_q_step_var_key(vm, in, v, keys, out) : -1;
    }
    default:
        gv_error_set(vm->err, GV_E_EVAL, p->source, (gv_loc){ 0, 0 }, "bad query instruction %s",
                     gv_opcode_name((gv_opcode)in->op));
        return -1;
    }
}

/* Values kept on the C stack by a query step: most steps give one or two
 * (a set grows into the scratch arena past that). Small, since queries
 * nest as deep as the evaluation. */
#define LOCAL_VALS 4

/* Hands the set of a query without steps (a variable's, or `this`) to
 * out: copied, in place when out has room (callers often pass storage of
 * their own). */
static int give(gv_vm *vm, gv_valset *out, const gv_valset *cur)
{
    uint32_t n = out->n, k = cur->n;
    if (k <= out->cap - n) {
        gv_val *to = out->v + n;
        const gv_val *from = cur->v;
        for (uint32_t i = 0; i < k; i++) /* mostly one value: no memcpy call */
            to[i] = from[i];
        out->n = n + k;
        return 0;
    }
    for (uint32_t i = 0; i < cur->n; i++)
        if (gv_q_push(vm, out, cur->v[i]) < 0)
            return -1;
    return 0;
}

/* ---- contexts of `[*][f]` and `.*[f]` ----
 * Where cfn-guard tests a map with an outer `this` (a map in a list under
 * `.*[f]` or `[*][f]`, a map under `[*][f]`, `.*[*][f]`), that `this` is
 * the value the query last took from a map by `.*` or `.*[f]`, or else the
 * variable's value it started from, or else the clause's own (probed, see
 * step_star_all_filter). Only queries where that can differ from the
 * clause's own track it (gv_q_tracks_ctx): one context per value of the
 * current set (node NULL: none yet). */
typedef struct ctx_track {
    int on;
    gv_valset cur, next;
} ctx_track;

/* Most queries have no `.*[*][f]`: then only t->on is set (queries are
 * the VM's most frequent operation; the rest of t stays untouched). */
static void ctx_init(ctx_track *t, const gv_insn *first, const gv_valset *cur)
{
    t->on = gv_q_tracks_ctx(first);
    if (!t->on)
        return;
    t->cur = first->op == GV_I_Q_VAR ? *cur : (gv_valset){ 0 }; /* read-only, as cur */
    t->next = (gv_valset){ 0 };
}

static const gv_val *ctx_of(const ctx_track *t, uint32_t i, const gv_val *self)
{
    return t->on && i < t->cur.n && t->cur.v[i].node ? &t->cur.v[i] : self;
}

/* The contexts of to->v[before..] made from value v (the i-th) by step in:
 * `.*` or `.*[f]` on a map gives each value its own, any other step passes
 * v's on. */
static int ctx_step(gv_vm *vm, ctx_track *t, const gv_insn *in, const gv_val *v, uint32_t i, const gv_valset *to,
                    uint32_t before)
{
    int binds = star_step(in) && v->node && v->node->kind == GV_MAP;
    gv_val none = { 0 };
    for (uint32_t k = before; k < to->n; k++)
        if (gv_q_push(vm, &t->next, binds ? to->v[k] : i < t->cur.n ? t->cur.v[i] : none) < 0)
            return -1;
    return 0;
}

/* The marks of a query starting with `%v` (in) on its n values, before
 * its steps: an empty variable with steps to go gives no result (SKIP),
 * except that a filter right after it is not such a step (probed); a bare
 * `%v` is a set: `empty` asks whether it holds any value. */
static inline void mark_var(const gv_insn *in, uint32_t n, gv_valset *out)
{
    if (n == 0 && (in->c || (in[1].op != GV_I_END && in[1].op != GV_I_Q_SELECT)))
        out->cut = 1;
    out->filtered = !in->c && in[1].op == GV_I_END;
}

/* A query ending in a filter is never cut short: with nothing left before
 * the filter, `empty` still holds (probed). */
static inline void mark_end(gv_valset *out)
{
    if (out->filtered)
        out->cut = 0;
}

int gv_vm_quiet_view(gv_vm *vm, uint32_t block, const gv_frame *f, gv_valset *view)
{
    const gv_insn *in = &vm->p->code[vm->p->blocks[block]];
    if (in[0].op != GV_I_Q_VAR || in[1].op != GV_I_END)
        return 0;
    const gv_valset *var = gv_vm_quiet_var(vm, in, f);
    if (!var)
        return -1;
    *view = (gv_valset){ var->v, var->n, var->n, 0, 0 };
    mark_var(in, var->n, view);
    mark_end(view);
    return 1;
}

/* ---- steps in parts (vm/query_dfs.c) ---- */

uint32_t gv_q_parts(const gv_insn *in, const gv_val *v)
{
    const gv_node *n = v->node;
    if (!n || (n->kind != GV_LIST && n->kind != GV_MAP) || n->len == 0)
        return 1;
    if (in->op == GV_I_Q_FILTER && !filter_panics(in, v))
        return n->len;
    if (in->op == GV_I_Q_ALL_FILTER && !(n->kind == GV_MAP && (in->flags & GV_FLAG_ALL_INDICES)))
        return n->len;
    return 1;
}

int gv_q_apply_part(gv_vm *vm, const gv_insn *in, const gv_val *self, const gv_val *v, uint32_t i, uint32_t parts,
                    const gv_frame *f, gv_valset *out)
{
    if (parts == 1)
        return apply_step(vm, in, self, self, v, f, out);
    if (in->op == GV_I_Q_FILTER)
        return filter_child(vm, v, i, in->b, f, out);
    gv_val c = gv_q_child_at(vm, v, i);
    return filter_item(vm, self, &c, v->node->kind == GV_MAP, in->flags & GV_FLAG_ALL_INDICES, in->b, f, out);
}

int gv_vm_query(gv_vm *vm, uint32_t block, const gv_val *self, const gv_frame *f, gv_valset *out)
{
    const gv_program *p = vm->p;
    const gv_insn *in = &p->code[p->blocks[block]];
    gv_val local[2][LOCAL_VALS];
    int which = 0;
    gv_valset cur = { local[0], 0, LOCAL_VALS, 0, 0 };
    switch (in->op) {
    case GV_I_Q_ROOT: cur.v[cur.n++] = vm->root; break;
    case GV_I_Q_THIS: cur.v[cur.n++] = *self; break;
    case GV_I_Q_VAR: {
        const gv_valset *var = gv_vm_var(vm, in, f);
        if (!var)
            return -1;
        cur = *var; /* read-only from here: steps build new sets */
        mark_var(in, cur.n, out);
        break;
    }
    default:
        return -1;
    }
    int steps = in[1].op != GV_I_END;
    if (vm->trace && gv_q_depth_first_wanted(vm, in))
        return gv_q_depth_first(vm, in, self, &cur, f, out);
    ctx_track ctx;
    ctx_init(&ctx, in, &cur);
    for (in++; in->op != GV_I_END; in++) {
        which ^= 1; /* the other buffer: cur may be in this one */
        gv_valset next = { local[which], 0, LOCAL_VALS, 0, 0 };
        /* the last step appends to out itself (cur is never out) */
        gv_valset *to = in[1].op == GV_I_END ? out : &next;
        for (uint32_t i = 0; i < cur.n; i++) {
            const gv_val *v = &cur.v[i];
            uint32_t before = to->n;
            if (!v->node) { /* once unresolved, always unresolved (and stopped where it did) */
                if (gv_q_push(vm, to, *v) < 0)
                    return -1;
            } else {
                if (apply_step(vm, in, self, ctx.on ? ctx_of(&ctx, i, self) : self, v, f, to) < 0)
                    return -1;
                for (uint32_t k = before; k < to->n; k++) /* where it stopped, for reports */
                    if (!to->v[k].node)
                        to->v[k].stop = (uint32_t)(in - p->code) + 1;
            }
            if (ctx.on && to != out && ctx_step(vm, &ctx, in, v, i, to, before) < 0)
                return -1;
        }
        cur = next;
        if (ctx.on) {
            ctx.cur = ctx.next;
            ctx.next = (gv_valset){ 0 };
        }
        if (cur.n == 0 && in[1].op != GV_I_END)
            out->cut = 1;
    }
    if (steps) { /* whether the last step was a filter */
        gv_opcode last = (gv_opcode)in[-1].op;
        out->filtered = last == GV_I_Q_FILTER || last == GV_I_Q_ALL_FILTER || last == GV_I_Q_SELECT ||
                        last == GV_I_Q_KEYS_FILTER;
    }
    mark_end(out);
    return steps ? 0 : give(vm, out, &cur);
}
