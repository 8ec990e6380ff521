#include "lang/resolver.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

typedef struct scope {
    gv_let **lets;
    uint32_t nlets;
    const gv_rule *rule;          /* parameters visible here, if any */
    const struct scope *up;
} scope;

typedef struct edge {
    uint32_t to;
    gv_loc loc;
} edge;

typedef struct edges {
    edge *items;
    uint32_t n, cap;
} edges;

typedef struct resolver {
    gv_arena *a;
    gv_rules_file *f;
    int flags;
    gv_error *err;
    int failed;
    edges *out;                   /* per rule: the declarations it references */
    uint32_t current;             /* rule being walked; UINT32_MAX = default rule */
} resolver;

static void fail(resolver *r, gv_errcode code, gv_loc loc, const char *msg)
{
    if (r->failed)
        return;
    r->failed = 1;
    gv_error_set(r->err, code, r->f->filename, loc, "%s", msg);
}

/* Unknown names are errors only in strict mode (see resolver.h). */
static void fail_name(resolver *r, gv_loc loc, const char *msg)
{
    if (!(r->flags & GV_RESOLVE_LENIENT))
        fail(r, GV_E_RESOLVE, loc, msg);
}

static int str_eq(gv_str a, gv_str b)
{
    return a.len == b.len && memcmp(a.s, b.s, a.len) == 0;
}

gv_builtin gv_builtin_lookup(const char *name, size_t len)
{
    for (int fn = GV_BUILTIN_UNKNOWN + 1; fn < GV_BUILTIN__COUNT; fn++) {
        const char *n = gv_builtin_name((gv_builtin)fn);
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return (gv_builtin)fn;
    }
    return GV_BUILTIN_UNKNOWN;
}

static void walk_cnf(resolver *r, const scope *sc, gv_cnf *c);
static void walk_value(resolver *r, const scope *sc, gv_value *v);

static void bind_var(resolver *r, const scope *sc, gv_step *st)
{
    for (const scope *s = sc; s; s = s->up) {
        for (uint32_t i = s->nlets; i-- > 0;) {
            if (str_eq(s->lets[i]->name, st->name)) {
                st->bind.kind = GV_BIND_LET;
                st->bind.let = s->lets[i];
                return;
            }
        }
        for (uint32_t i = 0; s->rule && i < s->rule->nparams; i++) {
            if (str_eq(s->rule->params[i], st->name)) {
                st->bind.kind = GV_BIND_PARAM;
                st->bind.rule = (gv_rule *)s->rule;
                st->bind.param = i;
                return;
            }
        }
    }
    char msg[160];
    snprintf(msg, sizeof msg, "undefined variable '%%%.*s'", (int)st->name.len, st->name.s);
    fail_name(r, st->loc, msg);
}

static void walk_query(resolver *r, const scope *sc, gv_query *q)
{
    for (uint32_t i = 0; i < q->n && !r->failed; i++) {
        gv_step *st = &q->steps[i];
        if (st->kind == GV_STEP_VAR)
            bind_var(r, sc, st);
        else if (st->kind == GV_STEP_FILTER)
            walk_cnf(r, sc, &st->filter);
        else if (st->kind == GV_STEP_KEYS_FILTER)
            walk_value(r, sc, st->keys.rhs);
    }
}

static void walk_call(resolver *r, const scope *sc, gv_call *c)
{
    char msg[200];
    c->fn = gv_builtin_lookup(c->name.s, c->name.len);
    if (c->fn == GV_BUILTIN_UNKNOWN) {
        snprintf(msg, sizeof msg, "unknown function '%.*s'", (int)c->name.len, c->name.s);
        fail_name(r, c->loc, msg);
    } else if ((int)c->nargs != gv_builtin_arity(c->fn)) {
        int want = gv_builtin_arity(c->fn);
        snprintf(msg, sizeof msg, "function '%s' takes %d argument%s, %u given",
                 gv_builtin_name(c->fn), want, want == 1 ? "" : "s", c->nargs);
        fail_name(r, c->loc, msg);
        c->fn = (r->flags & GV_RESOLVE_LENIENT) ? GV_BUILTIN_UNKNOWN : c->fn;
    }
    for (uint32_t i = 0; i < c->nargs; i++)
        walk_value(r, sc, c->args[i]);
}

static void walk_value(resolver *r, const scope *sc, gv_value *v)
{
    if (!v || r->failed)
        return;
    if (v->kind == GV_VAL_QUERY)
        walk_query(r, sc, v->u.query);
    else if (v->kind == GV_VAL_CALL)
        walk_call(r, sc, v->u.call);
}

static void add_edge(resolver *r, uint32_t to, gv_loc loc)
{
    if (r->current == UINT32_MAX)
        return;
    edges *e = &r->out[r->current];
    if (e->n == e->cap) {
        uint32_t cap = e->cap ? e->cap * 2 : 4;
        edge *items = gv_arena_alloc(r->a, cap * sizeof *items);
        if (!items) {
            fail(r, GV_E_NOMEM, loc, "out of memory while resolving");
            return;
        }
        if (e->n)
            memcpy(items, e->items, e->n * sizeof *items);
        e->items = items;
        e->cap = cap;
    }
    e->items[e->n].to = to;
    e->items[e->n++].loc = loc;
}

static int decl_matches(const gv_rule *d, const gv_clause *c)
{
    if (c->kind == GV_CL_RULE_REF)
        return !d->parameterised;
    return d->parameterised && d->nparams == c->u.ref.nargs;
}

/* Why no declaration fits: missing, or a parameter-count mismatch. */
static void explain_ref(resolver *r, const gv_clause *c)
{
    char msg[200];
    const gv_str n = c->u.ref.name;
    const gv_rule *other = NULL;
    for (uint32_t i = 0; i < r->f->nrules && !other; i++)
        if (str_eq(r->f->rules[i]->name, n))
            other = r->f->rules[i];
    if (!other)
        snprintf(msg, sizeof msg, "no rule named '%.*s'", (int)n.len, n.s);
    else if (c->kind == GV_CL_RULE_REF)
        snprintf(msg, sizeof msg, "rule '%.*s' takes %u parameter%s; call it as %.*s(...)",
                 (int)n.len, n.s, other->nparams, other->nparams == 1 ? "" : "s", (int)n.len, n.s);
    else if (!other->parameterised)
        snprintf(msg, sizeof msg, "rule '%.*s' takes no parameters, %u given", (int)n.len, n.s,
                 c->u.ref.nargs);
    else
        snprintf(msg, sizeof msg, "rule '%.*s' takes %u parameter%s, %u given", (int)n.len, n.s,
                 other->nparams, other->nparams == 1 ? "" : "s", c->u.ref.nargs);
    fail_name(r, c->loc, msg);
}

static void bind_rule(resolver *r, gv_clause *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->f->nrules; i++)
        n += str_eq(r->f->rules[i]->name, c->u.ref.name) && decl_matches(r->f->rules[i], c);
    if (n == 0) {
        explain_ref(r, c);
        return;
    }
    c->u.ref.decls = GV_NEW_N(r->a, gv_rule *, n);
    if (!c->u.ref.decls) {
        fail(r, GV_E_NOMEM, c->loc, "out of memory while resolving");
        return;
    }
    for (uint32_t i = 0; i < r->f->nrules; i++) {
        gv_rule *d = r->f->rules[i];
        if (str_eq(d->name, c->u.ref.name) && decl_matches(d, c)) {
            c->u.ref.decls[c->u.ref.ndecls++] = d;
            add_edge(r, d->index, c->loc);
        }
    }
}

static void walk_block(resolver *r, const scope *sc, gv_block *b)
{
    scope inner = {b->lets, b->nlets, NULL, sc};
    for (uint32_t i = 0; i < b->nlets; i++) {
        b->lets[i]->slot = r->f->nslots++;
        walk_value(r, &inner, b->lets[i]->value);
    }
    walk_cnf(r, &inner, &b->body);
}

static void walk_clause(resolver *r, const scope *sc, gv_clause *c)
{
    switch (c->kind) {
    case GV_CL_UNARY:
    case GV_CL_BINARY:
        walk_query(r, sc, c->u.cmp.lhs);
        walk_value(r, sc, c->u.cmp.rhs);
        break;
    case GV_CL_BLOCK:
        walk_query(r, sc, c->u.block.query);
        walk_block(r, sc, &c->u.block.body);
        break;
    case GV_CL_WHEN:
        walk_cnf(r, sc, &c->u.when.conds);
        walk_block(r, sc, &c->u.when.body);
        break;
    case GV_CL_TYPE_BLOCK:
        walk_cnf(r, sc, &c->u.type.conds);
        walk_block(r, sc, &c->u.type.body);
        break;
    case GV_CL_RULE_CALL:
        for (uint32_t i = 0; i < c->u.ref.nargs; i++)
            walk_value(r, sc, c->u.ref.args[i]);
        /* fall through */
    case GV_CL_RULE_REF:
        bind_rule(r, c);
        break;
    }
}

static void walk_cnf(resolver *r, const scope *sc, gv_cnf *c)
{
    for (uint32_t i = 0; i < c->n && !r->failed; i++)
        for (uint32_t j = 0; j < c->items[i].n && !r->failed; j++)
            walk_clause(r, sc, c->items[i].items[j]);
}

/* Rule `when` conditions do not see the rule body's lets (probed). */
static void walk_rule(resolver *r, const scope *file_scope, gv_rule *rule)
{
    scope params = {NULL, 0, rule, file_scope};
    r->current = rule->index;
    walk_cnf(r, &params, &rule->conds);
    walk_block(r, &params, &rule->body);
}

/* Iterative DFS (no C recursion, so long rule chains cannot overflow the
 * stack) that reports the first cycle as a path of rule names. */
static void report_cycle(resolver *r, const uint32_t *stack, uint32_t depth, uint32_t to, gv_loc loc)
{
    gv_buf b;
    gv_buf_init(&b);
    uint32_t start = 0;
    while (start < depth && stack[start] != to)
        start++;
    for (uint32_t i = start; i < depth; i++) {
        const gv_rule *d = r->f->rules[stack[i]];
        gv_buf_printf(&b, "%.*s -> ", (int)d->name.len, d->name.s);
    }
    const gv_rule *t = r->f->rules[to];
    gv_buf_printf(&b, "%.*s", (int)t->name.len, t->name.s);
    char msg[400];
    snprintf(msg, sizeof msg, "recursive rule reference: %s", b.data ? b.data : "");
    gv_buf_free(&b);
    fail(r, GV_E_RESOLVE, loc, msg);
}

static void check_cycles(resolver *r)
{
    uint32_t n = r->f->nrules;
    uint8_t *color = gv_arena_zalloc(r->a, n + 1);     /* 0 new, 1 on stack, 2 done */
    uint32_t *stack = GV_NEW_N(r->a, uint32_t, n + 1);
    uint32_t *next = GV_NEW_N(r->a, uint32_t, n + 1);  /* next edge per stack entry */
    if (!color || !stack || !next) {
        fail(r, GV_E_NOMEM, r->f->default_loc, "out of memory while resolving");
        return;
    }
    for (uint32_t root = 0; root < n && !r->failed; root++) {
        if (color[root])
            continue;
        uint32_t depth = 0;
        stack[depth] = root;
        next[depth++] = 0;
        color[root] = 1;
        while (depth && !r->failed) {
            uint32_t u = stack[depth - 1];
            if (next[depth - 1] == r->out[u].n) {
                color[u] = 2;
                depth--;
                continue;
            }
            edge e = r->out[u].items[next[depth - 1]++];
            if (color[e.to] == 1)
                report_cycle(r, stack, depth, e.to, e.loc);
            else if (color[e.to] == 0) {
                color[e.to] = 1;
                stack[depth] = e.to;
                next[depth++] = 0;
            }
        }
    }
}

int gv_resolve_rules_opts(gv_arena *a, gv_rules_file *f, int flags, gv_error *err)
{
    resolver r = {a, f, flags, err, 0, NULL, UINT32_MAX};
    r.out = GV_NEW_N(a, edges, f->nrules + 1);
    if (!r.out) {
        gv_error_set(err, GV_E_NOMEM, f->filename, f->default_loc, "out of memory while resolving");
        return -1;
    }
    memset(r.out, 0, sizeof(edges) * (f->nrules + 1));
    f->nslots = 0;
    scope file_scope = {f->lets, f->nlets, NULL, NULL};
    for (uint32_t i = 0; i < f->nlets && !r.failed; i++) {
        f->lets[i]->slot = f->nslots++;
        walk_value(&r, &file_scope, f->lets[i]->value);
    }
    for (uint32_t i = 0; i < f->nrules && !r.failed; i++)
        walk_rule(&r, &file_scope, f->rules[i]);
    r.current = UINT32_MAX;
    walk_cnf(&r, &file_scope, &f->default_rule);
    if (!r.failed)
        check_cycles(&r);
    return r.failed ? -1 : 0;
}

int gv_resolve_rules(gv_arena *a, gv_rules_file *f, gv_error *err)
{
    return gv_resolve_rules_opts(a, f, GV_RESOLVE_STRICT, err);
}
