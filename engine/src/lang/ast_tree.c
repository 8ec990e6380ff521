/* AST -> gv_pn tree (shape documented in ast_print.h). */
#include "lang/ast_tree.h"

#include <string.h>

typedef struct tb {
    gv_arena *a;
    int oom;
} tb;

static gv_pn *node(tb *t, gv_pn_kind k)
{
    gv_pn *n = GV_NEW(t->a, gv_pn);
    if (!n)
        t->oom = 1;
    else
        n->kind = k;
    return n;
}

static gv_str cstr(const char *s)
{
    gv_str r = {s, (uint32_t)strlen(s)};
    return r;
}

static void add(gv_pn *parent, const char *key, gv_pn *child)
{
    if (!parent || !child)
        return;
    if (key)
        child->key = cstr(key);
    if (parent->last)
        parent->last->next = child;
    else
        parent->first = child;
    parent->last = child;
}

static gv_pn *str_node(tb *t, gv_str s)
{
    gv_pn *n = node(t, GV_PN_STR);
    if (n)
        n->s = s;
    return n;
}

static gv_pn *int_node(tb *t, int64_t i)
{
    gv_pn *n = node(t, GV_PN_INT);
    if (n)
        n->i = i;
    return n;
}

static gv_pn *bool_node(tb *t, int b)
{
    gv_pn *n = node(t, GV_PN_BOOL);
    if (n)
        n->i = b != 0;
    return n;
}

static gv_pn *loc_node(tb *t, gv_loc loc)
{
    gv_pn *n = node(t, GV_PN_ARR);
    add(n, NULL, int_node(t, loc.line));
    add(n, NULL, int_node(t, loc.col));
    return n;
}

static gv_pn *cnf_node(tb *t, const gv_cnf *c);
static gv_pn *value_node(tb *t, const gv_value *v);

static gv_pn *range_node(tb *t, const gv_literal *l)
{
    static const char *kinds[] = {"int", "float", "char"};
    gv_pn *r = node(t, GV_PN_OBJ);
    add(r, "type", str_node(t, cstr(kinds[l->u.range.kind])));
    for (int hi = 0; hi < 2; hi++) {
        gv_pn *b;
        if (l->u.range.kind == GV_RANGE_FLOAT) {
            if ((b = node(t, GV_PN_FLOAT)))
                b->f = hi ? l->u.range.hi_f : l->u.range.lo_f;
        } else if (l->u.range.kind == GV_RANGE_CHAR) {
            char *c = gv_arena_alloc(t->a, 2);
            if (c) {
                c[0] = (char)(hi ? l->u.range.hi_i : l->u.range.lo_i);
                c[1] = '\0';
            }
            gv_str s = {c ? c : "", c ? 1 : 0};
            b = str_node(t, s);
        } else {
            b = int_node(t, hi ? l->u.range.hi_i : l->u.range.lo_i);
        }
        add(r, hi ? "hi" : "lo", b);
    }
    add(r, "lo_inclusive", bool_node(t, l->u.range.lo_incl));
    add(r, "hi_inclusive", bool_node(t, l->u.range.hi_incl));
    return r;
}

static gv_pn *literal_node(tb *t, const gv_literal *l)
{
    gv_pn *o = node(t, GV_PN_OBJ), *v = NULL;
    const char *key = "null";
    switch (l->kind) {
    case GV_LIT_STRING: key = "string"; v = str_node(t, l->u.str); break;
    case GV_LIT_REGEX: key = "regex"; v = str_node(t, l->u.str); break;
    case GV_LIT_INT: key = "int"; v = int_node(t, l->u.i); break;
    case GV_LIT_FLOAT: key = "float"; if ((v = node(t, GV_PN_FLOAT))) v->f = l->u.f; break;
    case GV_LIT_BOOL: key = "bool"; v = bool_node(t, l->u.b); break;
    case GV_LIT_NULL: v = node(t, GV_PN_NULL); break;
    case GV_LIT_RANGE: key = "range"; v = range_node(t, l); break;
    case GV_LIT_LIST:
        key = "list";
        v = node(t, GV_PN_ARR);
        for (uint32_t i = 0; i < l->u.list.n; i++)
            add(v, NULL, literal_node(t, l->u.list.items[i]));
        break;
    case GV_LIT_MAP:
        key = "map";
        v = node(t, GV_PN_OBJ);
        for (uint32_t i = 0; i < l->u.map.n; i++) {
            gv_pn *e = literal_node(t, l->u.map.items[i].value);
            add(v, NULL, e);
            if (e)
                e->key = l->u.map.items[i].key;
        }
        break;
    }
    add(o, key, v);
    return o;
}

static gv_pn *step_node(tb *t, const gv_step *s)
{
    static const char *kinds[] = {"key", "var", "this", "all_values", "all_indices",
                                  "index", "filter", "keys_filter"};
    gv_pn *o = node(t, GV_PN_OBJ);
    add(o, "kind", str_node(t, cstr(kinds[s->kind])));
    switch (s->kind) {
    case GV_STEP_KEY:
        add(o, "name", str_node(t, s->name));
        add(o, "quoted", bool_node(t, s->quoted));
        break;
    case GV_STEP_VAR: add(o, "name", str_node(t, s->name)); break;
    case GV_STEP_ALL_VALUES: if (s->name.len) add(o, "name", str_node(t, s->name)); break;
    case GV_STEP_INDEX: add(o, "index", int_node(t, s->index)); break;
    case GV_STEP_FILTER: add(o, "clauses", cnf_node(t, &s->filter)); break;
    case GV_STEP_KEYS_FILTER:
        add(o, "op", str_node(t, cstr(gv_cmp_op_name(s->keys.op))));
        add(o, "op_not", bool_node(t, s->keys.op_negated));
        add(o, "rhs", value_node(t, s->keys.rhs));
        break;
    default: break;
    }
    return o;
}

static gv_pn *query_node(tb *t, const gv_query *q)
{
    gv_pn *o = node(t, GV_PN_OBJ), *steps = node(t, GV_PN_ARR);
    add(o, "some", bool_node(t, q->some));
    for (uint32_t i = 0; i < q->n; i++)
        add(steps, NULL, step_node(t, &q->steps[i]));
    add(o, "steps", steps);
    return o;
}

static gv_pn *values_node(tb *t, gv_value *const *vals, uint32_t n)
{
    gv_pn *arr = node(t, GV_PN_ARR);
    for (uint32_t i = 0; i < n; i++)
        add(arr, NULL, value_node(t, vals[i]));
    return arr;
}

static gv_pn *value_node(tb *t, const gv_value *v)
{
    gv_pn *o = node(t, GV_PN_OBJ);
    if (v->kind == GV_VAL_LITERAL) {
        add(o, "literal", literal_node(t, v->u.lit));
    } else if (v->kind == GV_VAL_QUERY) {
        add(o, "query", query_node(t, v->u.query));
    } else {
        gv_pn *c = node(t, GV_PN_OBJ);
        add(c, "name", str_node(t, v->u.call->name));
        add(c, "loc", loc_node(t, v->u.call->loc));
        add(c, "args", values_node(t, v->u.call->args, v->u.call->nargs));
        add(o, "call", c);
    }
    return o;
}

static gv_pn *lets_node(tb *t, gv_let *const *lets, uint32_t n)
{
    gv_pn *arr = node(t, GV_PN_ARR);
    for (uint32_t i = 0; i < n; i++) {
        gv_pn *o = node(t, GV_PN_OBJ);
        add(o, "name", str_node(t, lets[i]->name));
        add(o, "loc", loc_node(t, lets[i]->loc));
        add(o, "value", value_node(t, lets[i]->value));
        add(arr, NULL, o);
    }
    return arr;
}

static void add_block(tb *t, gv_pn *o, const gv_block *b)
{
    add(o, "lets", lets_node(t, b->lets, b->nlets));
    add(o, "body", cnf_node(t, &b->body));
}

static void add_clause_parts(tb *t, gv_pn *o, const gv_clause *c)
{
    switch (c->kind) {
    case GV_CL_UNARY:
    case GV_CL_BINARY:
        add(o, "query", query_node(t, c->u.cmp.lhs));
        add(o, "op", str_node(t, cstr(gv_cmp_op_name(c->u.cmp.op))));
        add(o, "op_not", bool_node(t, c->u.cmp.op_negated));
        if (c->u.cmp.rhs)
            add(o, "rhs", value_node(t, c->u.cmp.rhs));
        break;
    case GV_CL_BLOCK:
        add(o, "query", query_node(t, c->u.block.query));
        add_block(t, o, &c->u.block.body);
        break;
    case GV_CL_WHEN:
        add(o, "when", cnf_node(t, &c->u.when.conds));
        add_block(t, o, &c->u.when.body);
        break;
    case GV_CL_TYPE_BLOCK:
        add(o, "type", str_node(t, c->u.type.type_name));
        if (c->u.type.conds.n)
            add(o, "when", cnf_node(t, &c->u.type.conds));
        add_block(t, o, &c->u.type.body);
        break;
    case GV_CL_RULE_REF:
    case GV_CL_RULE_CALL:
        add(o, "rule", str_node(t, c->u.ref.name));
        if (c->kind == GV_CL_RULE_CALL)
            add(o, "args", values_node(t, c->u.ref.args, c->u.ref.nargs));
        break;
    }
}

static gv_pn *clause_node(tb *t, const gv_clause *c)
{
    static const char *kinds[] = {"unary", "binary", "block", "when", "type_block",
                                  "rule_ref", "rule_call"};
    gv_pn *o = node(t, GV_PN_OBJ);
    add(o, "kind", str_node(t, cstr(kinds[c->kind])));
    add(o, "loc", loc_node(t, c->loc));
    if (c->negated)
        add(o, "not", bool_node(t, 1));
    add_clause_parts(t, o, c);
    if (c->has_message)
        add(o, "message", str_node(t, c->message));
    return o;
}

static gv_pn *cnf_node(tb *t, const gv_cnf *c)
{
    gv_pn *arr = node(t, GV_PN_ARR);
    for (uint32_t i = 0; i < c->n; i++) {
        gv_pn *d = node(t, GV_PN_ARR);
        for (uint32_t j = 0; j < c->items[i].n; j++)
            add(d, NULL, clause_node(t, c->items[i].items[j]));
        add(arr, NULL, d);
    }
    return arr;
}

static gv_pn *rule_node(tb *t, const gv_rule *r)
{
    gv_pn *o = node(t, GV_PN_OBJ);
    add(o, "name", str_node(t, r->name));
    add(o, "loc", loc_node(t, r->loc));
    if (r->parameterised) {
        gv_pn *ps = node(t, GV_PN_ARR);
        for (uint32_t i = 0; i < r->nparams; i++)
            add(ps, NULL, str_node(t, r->params[i]));
        add(o, "params", ps);
    }
    if (r->conds.n)
        add(o, "when", cnf_node(t, &r->conds));
    add_block(t, o, &r->body);
    return o;
}

gv_pn *gv_ast_tree(gv_arena *a, const gv_rules_file *f)
{
    tb t = {a, 0};
    gv_pn *o = node(&t, GV_PN_OBJ), *rules = node(&t, GV_PN_ARR);
    add(o, "file", str_node(&t, cstr(f->filename ? f->filename : "")));
    add(o, "lets", lets_node(&t, f->lets, f->nlets));
    for (uint32_t i = 0; i < f->nrules; i++)
        add(rules, NULL, rule_node(&t, f->rules[i]));
    add(o, "rules", rules);
    add(o, "default_rule", f->default_rule.n ? cnf_node(&t, &f->default_rule)
                                             : node(&t, GV_PN_NULL));
    return t.oom ? NULL : o;
}
