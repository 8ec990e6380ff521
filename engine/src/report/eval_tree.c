/* cfn-guard's evaluation tree (validate -v and -p), rendered from the VM's
 * trace (vm/trace.h). Node names, contexts and spacing follow cfn-guard
 * 3.1.1 as probed (docs/language.md lists the shapes not matched). */
#include <string.h>

#include "report/fmt.h"
#include "report/jwrite.h"
#include "report/report_int.h"
#include "vm/compare.h"

static const char *status_word(int st)
{
    return st == GV_RS_PASS ? "PASS" : st == GV_RS_FAIL ? "FAIL" : "SKIP";
}

/* The name a rule is reported under (the default rule: FILE/default). */
static void rule_name(gv_buf *out, const gv_report_item *it, uint32_t d)
{
    gv_report_rule_name(out, it, d);
}

static int is_type_block(const gv_report_item *it, const gv_tnode *n)
{
    return n->kind == GV_T_BLOCK && (it->prog->code[n->ip].flags & GV_FLAG_TYPE_BLOCK);
}

static const char *type_name(const gv_report_item *it, const gv_tnode *block)
{
    return it->prog->strings[it->prog->code[block->ip].c].s;
}

/* The context of the clause at ip, traced as node n (or inside it). The
 * filter a type block searches with was not written in the rules: its text
 * is made up from the type, as cfn-guard's is. */
static void clause_context(gv_buf *out, const gv_report_item *it, uint32_t ip, const gv_tnode *n)
{
    const gv_clause_text *t = gv_clause_texts_find(it->texts, it->prog->locs[ip]);
    const gv_tnode *a = n;
    while (a && a->kind != GV_T_FILTER)
        a = a->parent;
    if (a && a->parent && is_type_block(it, a->parent)) {
        gv_buf_printf(out, " Type EQUALS  \"%s\"", type_name(it, a->parent));
        return;
    }
    gv_buf_puts(out, t ? t->context : "");
}

/* Filter/Map#2: what the filter ran on, and how many clauses it has (the
 * block ends with the AND of its clauses). */
static void filter_context(gv_buf *out, const gv_report_item *it, const gv_tnode *n)
{
    uint32_t ip = it->prog->blocks[n->ip], nclauses = 1;
    while (it->prog->code[ip].op != GV_I_END)
        ip++;
    if (ip > it->prog->blocks[n->ip] && it->prog->code[ip - 1].op == GV_I_C_AND)
        nclauses = it->prog->code[ip - 1].a;
    gv_buf_printf(out, "Filter/%s#%u", n->aux ? "Map" : "List", nclauses);
}

/* cfn-guard names a disjunction by the kind of clauses it joins: those of
 * a when condition, of a filter or block, or of a rule body. */
static const char *or_context(const gv_report_item *it, const gv_tnode *n)
{
    for (const gv_tnode *a = n->parent; a; a = a->parent) {
        switch ((gv_tkind)a->kind) {
        case GV_T_RULE_WHEN:
        case GV_T_WHEN_COND: return "cfn_guard::rules::exprs::WhenGuardClause#disjunction";
        case GV_T_FILTER:
        case GV_T_TYPE_VALUE: return "cfn_guard::rules::exprs::GuardClause#disjunction";
        case GV_T_BLOCK:
            if (is_type_block(it, a))
                break;
            return "cfn_guard::rules::exprs::GuardClause#disjunction";
        case GV_T_RULE:
        case GV_T_WHEN: return "cfn_guard::rules::exprs::RuleClause#disjunction";
        default: break;
        }
    }
    return "cfn_guard::rules::exprs::RuleClause#disjunction";
}

/* A `when` block directly in a rule's body is a RuleClause to cfn-guard;
 * in a block, a type block, a filter or another `when`, a
 * GuardConditionClause (probed). */
static const char *when_context(const gv_tnode *n)
{
    const gv_tnode *a = n->parent;
    while (a && a->kind == GV_T_OR)
        a = a->parent;
    return !a || a->kind == GV_T_RULE ? "RuleClause" : "GuardConditionClause";
}

static void block_context(gv_buf *out, const gv_report_item *it, uint32_t ip)
{
    gv_loc l = it->prog->locs[ip];
    gv_buf_printf(out, "BlockGuardClause#Location[file:%s, line:%u, column:%u]", it->rules_name, l.line, l.col);
}

static const char *ref_name(const gv_report_item *it, uint32_t ip)
{
    return it->prog->strings[it->prog->refs[it->prog->code[ip].a].name].s;
}

static void ref_context(gv_buf *out, const gv_report_item *it, uint32_t ip)
{
    gv_loc l = it->prog->locs[ip];
    gv_buf_printf(out, "Rule(%s@Location[file:%s, line:%u, column:%u])", ref_name(it, ip), it->rules_name,
                  l.line, l.col);
}

/* "(resolved, Path=/a/b[L:0,C:5] Value=3)" */
static void value_at(gv_buf *out, const gv_report_item *it, const gv_val *v)
{
    const gv_node *n = v->node ? v->node : v->reached;
    gv_buf_puts(out, v->node ? "(resolved, Path=" : "(unresolved, Path=");
    gv_fmt_path(out, v);
    gv_fmt_loc(out, it->unlocated ? NULL : gv_msg_located(it, v)); /* a function result: its path's */
    gv_buf_puts(out, " Value=");
    if (n)
        gv_fmt_value_display(out, n);
    gv_buf_putc(out, ')');
}

/* A unary check (but `empty`) of a value bound to a literal shows it as
 * such, but as `this` of a block over it (probed: `%g { this is_struct }`
 * shows a resolved value). */
static int shown_literal(const gv_report_item *it, const gv_check *c)
{
    const gv_insn *in = &it->prog->code[c->ip];
    gv_cmp_op op = (gv_cmp_op)(in->flags & GV_FLAG_OP_MASK);
    return c->lhs.literal && c->lhs.node && op != GV_OP_EMPTY &&
           it->prog->code[it->prog->blocks[in->a]].op != GV_I_Q_THIS;
}

/* A unary check's value: as shown_literal, "literal, Path=[L:0,C:0]
 * Value=1", without parentheses (sic, probed). */
static void unary_value_at(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_val *v = &c->lhs;
    if (!shown_literal(it, c)) {
        value_at(out, it, v);
        return;
    }
    gv_buf_puts(out, "literal, Path=");
    gv_fmt_path(out, v);
    gv_fmt_loc(out, it->unlocated ? NULL : v->node);
    gv_buf_puts(out, " Value=");
    gv_fmt_value_display(out, v->node);
}

static void comparison_word(gv_buf *out, const gv_report_item *it, uint32_t ip)
{
    const gv_insn *in = &it->prog->code[ip];
    gv_buf_puts(out, (in->flags & GV_FLAG_OPNOT) ? "not " : " ");
    gv_buf_puts(out, gv_clause_op_word((gv_cmp_op)(in->flags & GV_FLAG_OP_MASK)));
}

/* A right-hand value that did not resolve, with the left-hand value it was
 * compared from (check.c rides it along in rhs): cfn-guard shows that
 * value as `from` and the unresolved one as `to`. */
static int rhs_missing_from(const gv_check *c)
{
    return c->kind == GV_CHECK_UNRESOLVED_RHS && c->rhs.node;
}

/* "GuardClause[In]BinaryCheck(Status=FAIL, Comparison=.., from=.., to=..)" */
static void binary_line(gv_buf *out, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    gv_buf_puts(out, shape == GV_SHAPE_IN ? "GuardClauseInBinaryCheck(Status=FAIL, Comparison="
                                          : "GuardClauseBinaryCheck(Status=FAIL, Comparison=");
    comparison_word(out, it, c->ip);
    gv_buf_puts(out, ", from=");
    if (rhs_missing_from(c)) {
        value_at(out, it, &c->rhs);
        gv_buf_puts(out, ", to=");
        value_at(out, it, &c->lhs);
        return;
    }
    value_at(out, it, shape == GV_SHAPE_IN ? gv_check_at(it, c) : &c->lhs);
    gv_buf_puts(out, ", to=");
    if (shape == GV_SHAPE_IN) {
        for (uint32_t i = 0; i < c->nrhs; i++) {
            if (i)
                gv_buf_putc(out, '.');
            value_at(out, it, &c->rhs_all[i]);
        }
    } else if (shape == GV_SHAPE_BINARY && c->rhs.node) {
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        value_at(out, it, &rhs);
    }
}

static void value_line(gv_buf *out, const gv_report_item *it, const gv_tnode *n)
{
    const gv_check *c = n->check;
    gv_shape shape = n->failed ? gv_check_shape(it, c) : GV_SHAPE_BINARY;
    if (!n->failed) {
        gv_buf_puts(out, "GuardClauseValueCheck(Status=PASS)");
    } else if (shape == GV_SHAPE_NO_VALUES) {
        gv_buf_puts(out, "GuardClause(Status=FAIL, Empty, )");
    } else if (shape == GV_SHAPE_BLOCK_MISSING) {
        gv_buf_puts(out, "GuardBlockValueMissing(Status=FAIL, Reason=");
        gv_msg_block_missing(out, it, c);
        gv_buf_puts(out, ", ");
        gv_fmt_path(out, &c->lhs);
        gv_buf_putc(out, ')');
    } else if (shape == GV_SHAPE_UNARY || shape == GV_SHAPE_UNARY_MISSING) {
        gv_buf_puts(out, "GuardClauseUnaryCheck(Status=FAIL, Comparison=");
        comparison_word(out, it, c->ip);
        gv_buf_puts(out, ", Value-At=");
        unary_value_at(out, it, c);
        gv_buf_putc(out, ')');
    } else {
        binary_line(out, it, c, shape);
        gv_buf_putc(out, ')');
    }
    gv_buf_puts(out, "[Context=");
    if (shape == GV_SHAPE_BLOCK_MISSING)
        gv_msg_context(out, it, c);
    else
        clause_context(out, it, c->ip, n);
    gv_buf_putc(out, ']');
}

/* ---- keys filters ---- */

static gv_cmp_op clause_op(const gv_report_item *it, uint32_t ip)
{
    return (gv_cmp_op)(it->prog->code[ip].flags & GV_FLAG_OP_MASK);
}

/* One key against the right-hand values as a whole, without context. */
static void key_line(gv_buf *out, const gv_report_item *it, const gv_tnode *n)
{
    if (!n->failed) {
        gv_buf_puts(out, "GuardClauseValueCheck(Status=PASS)[Context=]");
        return;
    }
    int in = gv_check_shape(it, n->check) == GV_SHAPE_IN, opnot = (it->prog->code[n->ip].flags & GV_FLAG_OPNOT) != 0;
    gv_buf_printf(out, "%s(Status=FAIL, Comparison=%s%s, from=",
                  in ? "GuardClauseInBinaryCheck" : "GuardClauseBinaryCheck", opnot ? "not " : " ",
                  in ? "IN" : gv_clause_op_word(clause_op(it, n->ip)));
    value_at(out, it, &n->check->lhs);
    gv_buf_puts(out, ", to=");
    for (uint32_t i = 0; i < n->check->nrhs; i++) {
        if (i)
            gv_buf_putc(out, '.');
        value_at(out, it, &n->check->rhs_all[i]);
    }
    gv_buf_puts(out, ")[Context=]");
}

static void node_line(gv_buf *out, const gv_report_item *it, const gv_tnode *n)
{
    const char *st = status_word(n->status);
    switch ((gv_tkind)n->kind) {
    case GV_T_RULE:
        gv_buf_puts(out, "Rule(");
        rule_name(out, it, n->ip);
        gv_buf_printf(out, ", Status=%s)[Context=", st);
        rule_name(out, it, n->ip);
        gv_buf_putc(out, ']');
        return;
    case GV_T_RULE_WHEN:
        gv_buf_printf(out, "Rule/When(Status=%s)[Context=Rule#", st);
        rule_name(out, it, n->ip);
        gv_buf_puts(out, "/When]");
        return;
    case GV_T_CLAUSE:
        gv_buf_printf(out, "GuardClauseBlock(Status = %s)[Context=GuardAccessClause#block", st);
        clause_context(out, it, n->ip, n);
        gv_buf_putc(out, ']');
        return;
    case GV_T_VALUE: value_line(out, it, n); return;
    case GV_T_KEY: key_line(out, it, n); return;
    case GV_T_BLOCK:
        if (is_type_block(it, n)) {
            gv_buf_printf(out, "Type(%s, Status=%s)[Context=TypeBlock#%s]", type_name(it, n), st, type_name(it, n));
            return;
        }
        gv_buf_printf(out, "GuardValueBlockCheck(Status = %s)[Context=", st);
        block_context(out, it, n->ip);
        gv_buf_putc(out, ']');
        return;
    case GV_T_WHEN: gv_buf_printf(out, "WhenConditionalBlock(Status = %s)[Context=%s]", st, when_context(n)); return;
    case GV_T_WHEN_COND:
        gv_buf_printf(out, "WhenCondition(Status = %s)[Context=%s/When]", st, when_context(n->parent));
        return;
    case GV_T_OR:
        gv_buf_printf(out, "Disjunction(Status = %s)[Context=%s]", st, or_context(it, n));
        return;
    case GV_T_FILTER:
        gv_buf_printf(out, "Filter/ConjunctionsBlock(Status=%s)[Context=", st);
        filter_context(out, it, n);
        gv_buf_putc(out, ']');
        return;
    case GV_T_TYPE_VALUE: /* sic: cfn-guard prints no "(" here */
        gv_buf_printf(out, "TypeBlock/Block Status=%s)[Context=TypeBlock#%s/%u]", st, type_name(it, n->parent), n->ip);
        return;
    case GV_T_RULE_REF:
        if (n->status == GV_RS_PASS) /* a reference that holds is shown as a value that passed */
            gv_buf_puts(out, "GuardClauseValueCheck(Status=PASS)[Context=");
        else
            gv_buf_printf(out, "GuardClauseDependentRule(Rule=%s, Status=%s)[Context=", ref_name(it, n->ip), st);
        ref_context(out, it, n->ip);
        gv_buf_putc(out, ']');
        return;
    case GV_T_HIDDEN:
    case GV_T_KEYS: return; /* read as its keys */
    }
}

/* The children a node shows, in order: hidden ones left out, a GV_T_KEYS
 * node read as one GV_T_KEY node per key (made here, in `one`, valid
 * until the next call). */
typedef struct kids {
    const gv_tnode *at; /* the next to show, or the GV_T_KEYS node being read */
    uint32_t m;         /* its next key */
    gv_node key;
    gv_check check;
    gv_tnode one;
} kids;

static kids kids_of(const gv_tnode *parent)
{
    return (kids){ .at = parent->first };
}

static const gv_tnode *kids_next(kids *k)
{
    for (; k->at; k->at = k->at->next, k->m = 0) {
        if (k->at->kind == GV_T_HIDDEN)
            continue;
        if (k->at->kind != GV_T_KEYS) {
            const gv_tnode *n = k->at;
            k->at = n->next;
            return n;
        }
        if (gv_trace_keys_at(k->at, k->m, &k->key, &k->check, &k->one)) {
            k->m++;
            return &k->one;
        }
    }
    return NULL;
}

/* Whether kids_next has more to give. */
static int kids_more(const kids *k)
{
    uint32_t m = k->m;
    for (const gv_tnode *n = k->at; n; n = n->next, m = 0)
        if (n->kind != GV_T_HIDDEN && (n->kind != GV_T_KEYS || m < n->check->lhs.node->len))
            return 1;
    return 0;
}

/* Children drawn as cfn-guard's tree: "|- " before all but the last,
 * "`- " before it; their own children under "|  " or "   ". */
static void print_children(gv_buf *out, const gv_report_item *it, const gv_tnode *p, gv_buf *prefix)
{
    kids k = kids_of(p);
    for (const gv_tnode *c; (c = kids_next(&k)) != NULL;) {
        int last = !kids_more(&k);
        gv_buf_append(out, prefix->data, prefix->len);
        gv_buf_puts(out, last ? "`- " : "|- ");
        node_line(out, it, c);
        gv_buf_putc(out, '\n');
        size_t len = prefix->len;
        gv_buf_puts(prefix, last ? "   " : "|  ");
        print_children(out, it, c, prefix);
        prefix->len = len;
    }
}

void gv_report_eval_tree(gv_buf *out, const gv_report_item *it, const gv_trace *t)
{
    gv_buf_printf(out, "`- File(%s, Status=%s)[Context=File(rules=%u)]\n", it->data_name,
                  status_word(it->res->status), it->res->nrules);
    gv_buf prefix;
    gv_buf_init(&prefix);
    gv_buf_puts(&prefix, "   ");
    print_children(out, it, gv_trace_root(t), &prefix);
    if (prefix.oom)
        out->oom = 1;
    gv_buf_free(&prefix);
}

/* ---- -p ----
 * Written as it is walked (gv_jw). cfn-guard serialises the tree whole
 * and aborts when a value in it is an infinity or a NaN, so the walk is
 * made twice: first by a writer that only looks at the values it is given
 * (the same code decides what is written, so the same values), then, when
 * none is, by the one that writes. */

/* {name: {inner_key: str or bool, "status": .., "message": null}} under
 * key; inner_key NULL: no first member. */
static void checked(gv_jw *w, const char *key, const char *name, const char *inner_key, const char *str, int b,
                    int status)
{
    gv_jw_obj(w, key);
    gv_jw_obj(w, name);
    if (inner_key && str)
        gv_jw_cstr(w, inner_key, str);
    else if (inner_key)
        gv_jw_bool(w, inner_key, b);
    gv_jw_cstr(w, "status", status_word(status));
    gv_jw_null(w, "message");
    gv_jw_end(w);
    gv_jw_end(w);
}

/* {"Resolved": {"path": .., "value": ..}} (or "Literal") */
static void resolved_as(gv_jw *w, const char *key, const gv_val *v, const char *kind)
{
    gv_jw_obj(w, key);
    gv_jw_obj(w, kind);
    gv_buf_clear(&w->tmp);
    gv_fmt_path(&w->tmp, v);
    gv_jw_tmp(w, "path");
    gv_jw_doc(w, "value", v->node);
    gv_jw_end(w);
    gv_jw_end(w);
}

static void resolved(gv_jw *w, const char *key, const gv_val *v)
{
    resolved_as(w, key, v, "Resolved");
}

static void text_of(gv_jw *w, const char *key, void (*fn)(gv_buf *, const gv_report_item *, const gv_check *),
                    const gv_report_item *it, const gv_check *c)
{
    gv_buf_clear(&w->tmp);
    fn(&w->tmp, it, c);
    gv_jw_tmp(w, key);
}

static void unresolved(gv_jw *w, const char *key, const gv_report_item *it, const gv_check *c)
{
    gv_jw_obj(w, key);
    gv_jw_obj(w, "UnResolved");
    gv_jw_obj(w, "traversed_to");
    gv_buf_clear(&w->tmp);
    gv_fmt_path(&w->tmp, &c->lhs);
    gv_jw_tmp(w, "path");
    gv_jw_doc(w, "value", c->lhs.reached);
    gv_jw_end(w);
    text_of(w, "remaining_query", gv_msg_remaining, it, c);
    text_of(w, "reason", gv_msg_reason, it, c);
    gv_jw_end(w);
    gv_jw_end(w);
}

/* cfn-guard's message for values of types it cannot compare. */
static void incomparable_message(gv_jw *w, const char *key, const gv_report_item *it, const gv_check *c)
{
    gv_path p0;
    gv_val rhs = gv_check_rhs(c, &p0);
    gv_buf_clear(&w->tmp);
    if (c->lhs.node && rhs.node)
        gv_msg_incomparable(&w->tmp, it, c, &rhs);
    else
        gv_buf_printf(&w->tmp, "PathAwareValues are not comparable %s, %s",
                      c->lhs.node ? gv_fmt_type_name(c->lhs.node) : "null",
                      rhs.node ? gv_fmt_type_name(rhs.node) : "null");
    gv_jw_tmp(w, key);
}

static void from_of(gv_jw *w, const char *key, const gv_report_item *it, const gv_check *c)
{
    if (c->lhs.node)
        resolved(w, key, &c->lhs);
    else
        unresolved(w, key, it, c);
}

static void comparison(gv_jw *w, const gv_report_item *it, const gv_check *c)
{
    int neg = 0;
    const char *name = gv_msg_comparison(it, c, &neg);
    gv_jw_arr(w, "comparison");
    gv_jw_cstr(w, NULL, name);
    gv_jw_bool(w, NULL, neg);
    gv_jw_end(w);
}

static void failure_fields(gv_jw *w, const gv_report_item *it, const gv_check *c)
{
    if (c->incomparable)
        incomparable_message(w, "message", it, c);
    else
        gv_jw_null(w, "message");
    const char *custom = gv_msg_custom(it, c);
    if (custom)
        gv_jw_cstr(w, "custom_message", custom);
    else
        gv_jw_null(w, "custom_message");
    gv_jw_cstr(w, "status", "FAIL");
}

static void value_check(gv_jw *w, const gv_report_item *it, const gv_check *c)
{
    gv_shape shape = gv_check_shape(it, c);
    gv_jw_obj(w, "ClauseValueCheck");
    if (shape == GV_SHAPE_NO_VALUES) {
        gv_jw_null(w, "NoValueForEmptyCheck");
    } else if (shape == GV_SHAPE_BLOCK_MISSING) {
        gv_jw_obj(w, "MissingBlockValue");
        from_of(w, "from", it, c);
        text_of(w, "message", gv_msg_block_missing, it, c);
        const char *custom = gv_msg_custom(it, c);
        if (custom)
            gv_jw_cstr(w, "custom_message", custom);
        else
            gv_jw_null(w, "custom_message");
        gv_jw_cstr(w, "status", "FAIL");
        gv_jw_end(w);
    } else if (shape == GV_SHAPE_UNARY || shape == GV_SHAPE_UNARY_MISSING) {
        gv_jw_obj(w, "Unary");
        gv_jw_obj(w, "value");
        /* a value bound to a literal is a "Literal" there (probed) */
        if (shown_literal(it, c))
            resolved_as(w, "from", &c->lhs, "Literal");
        else
            from_of(w, "from", it, c);
        failure_fields(w, it, c);
        gv_jw_end(w);
        comparison(w, it, c);
        gv_jw_end(w);
    } else if (shape == GV_SHAPE_IN) {
        gv_jw_obj(w, "InComparison");
        comparison(w, it, c);
        resolved(w, "from", gv_check_at(it, c));
        gv_jw_arr(w, "to");
        for (uint32_t i = 0; i < c->nrhs; i++)
            resolved(w, NULL, &c->rhs_all[i]);
        gv_jw_end(w);
        failure_fields(w, it, c);
        gv_jw_end(w);
    } else {
        gv_jw_obj(w, "Comparison");
        comparison(w, it, c);
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        if (rhs_missing_from(c)) {
            resolved(w, "from", &c->rhs);
            unresolved(w, "to", it, c);
        } else {
            from_of(w, "from", it, c);
            if (shape == GV_SHAPE_BINARY && rhs.node)
                resolved(w, "to", &rhs);
            else
                gv_jw_null(w, "to");
        }
        failure_fields(w, it, c);
        gv_jw_end(w);
    }
    gv_jw_end(w);
}

/* Whether clause n was an `empty` check on a query that yielded nothing:
 * its value node then holds no value at all. */
static int no_values(const gv_tnode *n)
{
    for (const gv_tnode *c = n->first; c; c = c->next)
        if (c->kind == GV_T_VALUE && c->check->ip == n->ip && !c->check->lhs.node && !c->check->lhs.reached &&
            (!c->failed || c->check->kind == GV_CHECK_NO_VALUES))
            return 1;
    return 0;
}

/* A right-hand value of a `keys` filter that did not resolve. */
static void unresolved_rhs(gv_jw *w, const char *key, const gv_report_item *it, uint32_t ip, const gv_val *v)
{
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = GV_CHECK_UNRESOLVED_RHS;
    c.lhs = *v;
    unresolved(w, key, it, &c);
}

static void key_check(gv_jw *w, const gv_report_item *it, const gv_tnode *n)
{
    const gv_check *c = n->check;
    int in = gv_check_shape(it, c) == GV_SHAPE_IN;
    gv_jw_obj(w, "ClauseValueCheck");
    gv_jw_obj(w, in ? "InComparison" : "Comparison");
    comparison(w, it, c);
    resolved(w, "from", &c->lhs);
    if (in)
        gv_jw_arr(w, "to");
    for (uint32_t i = 0; i < c->nrhs && (in || i == 0); i++) {
        const gv_val *r = &c->rhs_all[i];
        const char *key = in ? NULL : "to";
        if (r->node)
            resolved(w, key, r);
        else
            unresolved_rhs(w, key, it, n->ip, r);
    }
    if (in)
        gv_jw_end(w);
    failure_fields(w, it, c);
    gv_jw_end(w);
    gv_jw_end(w);
}

/* {name: str} under key. */
static void named(gv_jw *w, const char *key, const char *name, const char *str)
{
    gv_jw_obj(w, key);
    gv_jw_cstr(w, name, str);
    gv_jw_end(w);
}

/* A value or key test: {"ClauseValueCheck": "Success"}, or its failure. */
static void check_container(gv_jw *w, const char *key, const gv_report_item *it, const gv_tnode *n)
{
    if (!n->failed) {
        named(w, key, "ClauseValueCheck", "Success");
        return;
    }
    gv_jw_obj(w, key);
    if (n->kind == GV_T_KEY)
        key_check(w, it, n);
    else
        value_check(w, it, n->check);
    gv_jw_end(w);
}

static void rule_ref_container(gv_jw *w, const char *key, const gv_report_item *it, const gv_tnode *n)
{
    if (n->status == GV_RS_PASS) {
        named(w, key, "ClauseValueCheck", "Success");
        return;
    }
    gv_jw_obj(w, key);
    gv_jw_obj(w, "ClauseValueCheck");
    gv_jw_obj(w, "DependentRule");
    gv_jw_cstr(w, "rule", ref_name(it, n->ip));
    gv_jw_null(w, "message");
    gv_jw_null(w, "custom_message");
    gv_jw_cstr(w, "status", status_word(n->status));
    gv_jw_end(w);
    gv_jw_end(w);
    gv_jw_end(w);
}

static void container(gv_jw *w, const char *key, const gv_report_item *it, const gv_tnode *n)
{
    switch ((gv_tkind)n->kind) {
    case GV_T_RULE:
        gv_buf_clear(&w->tmp);
        rule_name(&w->tmp, it, n->ip);
        checked(w, key, "RuleCheck", "name", w->tmp.data ? w->tmp.data : "", 0, n->status);
        return;
    case GV_T_RULE_WHEN: named(w, key, "RuleCondition", status_word(n->status)); return;
    case GV_T_CLAUSE: {
        /* true for `some`; when the query yielded nothing (aux; an `empty`
         * check that found no values), true without `some` and false with
         * it (probed: `some m[ keys == "zz" ] exists` false, without
         * `some` true) */
        int some = (it->prog->code[n->ip].flags & GV_FLAG_SOME) != 0;
        int none = n->status == GV_RS_SKIP || n->aux || no_values(n);
        checked(w, key, "GuardClauseBlockCheck", "at_least_one_matches", NULL, none ? !some : some, n->status);
        return;
    }
    case GV_T_VALUE:
    case GV_T_KEY: check_container(w, key, it, n); return;
    case GV_T_BLOCK:
        if (is_type_block(it, n)) {
            gv_jw_obj(w, key);
            gv_jw_obj(w, "TypeCheck");
            gv_jw_cstr(w, "type_name", type_name(it, n));
            gv_jw_obj(w, "block");
            gv_jw_bool(w, "at_least_one_matches", 0);
            gv_jw_cstr(w, "status", status_word(n->status));
            gv_jw_null(w, "message");
            gv_jw_end(w);
            gv_jw_end(w);
            gv_jw_end(w);
            return;
        }
        checked(w, key, "BlockGuardCheck", "at_least_one_matches", NULL,
                (it->prog->code[n->ip].flags & GV_FLAG_SOME) != 0, n->status);
        return;
    case GV_T_FILTER:
    case GV_T_TYPE_VALUE:
        named(w, key, n->kind == GV_T_FILTER ? "Filter" : "TypeBlock", status_word(n->status));
        return;
    case GV_T_WHEN: checked(w, key, "WhenCheck", "at_least_one_matches", NULL, 0, n->status); return;
    case GV_T_WHEN_COND: named(w, key, "WhenCondition", status_word(n->status)); return;
    case GV_T_OR: checked(w, key, "Disjunction", "at_least_one_matches", NULL, 1, n->status); return;
    case GV_T_RULE_REF: rule_ref_container(w, key, it, n); return;
    case GV_T_HIDDEN:
    case GV_T_KEYS: break; /* never shown: read as its keys (kids_next) */
    }
    gv_jw_null(w, key);
}

static void context_text(gv_buf *out, const gv_report_item *it, const gv_tnode *n)
{
    switch ((gv_tkind)n->kind) {
    case GV_T_RULE: rule_name(out, it, n->ip); return;
    case GV_T_RULE_WHEN:
        gv_buf_puts(out, "Rule#");
        rule_name(out, it, n->ip);
        gv_buf_puts(out, "/When");
        return;
    case GV_T_CLAUSE:
        gv_buf_puts(out, "GuardAccessClause#block");
        clause_context(out, it, n->ip, n);
        return;
    case GV_T_VALUE:
        if (n->failed && gv_check_shape(it, n->check) == GV_SHAPE_BLOCK_MISSING)
            gv_msg_context(out, it, n->check);
        else
            clause_context(out, it, n->check->ip, n);
        return;
    case GV_T_BLOCK:
        if (is_type_block(it, n))
            gv_buf_printf(out, "TypeBlock#%s", type_name(it, n));
        else
            block_context(out, it, n->ip);
        return;
    case GV_T_FILTER: filter_context(out, it, n); return;
    case GV_T_KEY: return; /* cfn-guard gives key tests no context */
    case GV_T_TYPE_VALUE: gv_buf_printf(out, "TypeBlock#%s/%u", type_name(it, n->parent), n->ip); return;
    case GV_T_WHEN: gv_buf_puts(out, when_context(n)); return;
    case GV_T_WHEN_COND: gv_buf_printf(out, "%s/When", when_context(n->parent)); return;
    case GV_T_OR: gv_buf_puts(out, or_context(it, n)); return;
    case GV_T_RULE_REF: ref_context(out, it, n->ip); return;
    case GV_T_HIDDEN:
    case GV_T_KEYS: return;
    }
}

static void json_node(gv_jw *w, const gv_report_item *it, const gv_tnode *n)
{
    gv_jw_obj(w, NULL);
    gv_buf_clear(&w->tmp);
    context_text(&w->tmp, it, n);
    gv_jw_tmp(w, "context");
    container(w, "container", it, n);
    gv_jw_arr(w, "children");
    kids k = kids_of(n);
    for (const gv_tnode *c; (c = kids_next(&k)) != NULL;)
        json_node(w, it, c);
    gv_jw_end(w);
    gv_jw_end(w);
}

static void tree_json(gv_jw *w, const gv_report_item *it, const gv_trace *t)
{
    gv_jw_obj(w, NULL);
    gv_buf_clear(&w->tmp);
    gv_buf_printf(&w->tmp, "File(rules=%u)", it->res->nrules);
    gv_jw_tmp(w, "context");
    checked(w, "container", "FileCheck", "name", it->data_name, 0, it->res->status);
    gv_jw_arr(w, "children");
    kids k = kids_of(gv_trace_root(t));
    for (const gv_tnode *c; (c = kids_next(&k)) != NULL;)
        json_node(w, it, c);
    gv_jw_end(w);
    gv_jw_end(w);
}

int gv_report_eval_tree_json(gv_buf *out, const gv_report_item *it, const gv_trace *t)
{
    gv_jw w;
    gv_jw_init_probe(&w);
    tree_json(&w, it, t);
    int nonfinite = w.nonfinite;
    gv_jw_finish(&w);
    if (nonfinite)
        return -2;
    gv_jw_init_json(&w, out, 0);
    tree_json(&w, it, t);
    int oom = w.oom;
    gv_jw_finish(&w);
    gv_buf_putc(out, '\n');
    return oom || out->oom ? -1 : 0;
}
