/* cfn-guard's evaluation tree (validate -v and -p), rendered from the VM's
 * trace (vm/trace.h). Node names, contexts and spacing follow cfn-guard
 * 3.1.1 as probed (docs/language.md lists the shapes not matched). */
#include <string.h>

#include "report/fmt.h"
#include "report/jtree.h"
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
    const gv_check *c = &n->check;
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
    int in = gv_check_shape(it, &n->check) == GV_SHAPE_IN, opnot = (it->prog->code[n->ip].flags & GV_FLAG_OPNOT) != 0;
    gv_buf_printf(out, "%s(Status=FAIL, Comparison=%s%s, from=",
                  in ? "GuardClauseInBinaryCheck" : "GuardClauseBinaryCheck", opnot ? "not " : " ",
                  in ? "IN" : gv_clause_op_word(clause_op(it, n->ip)));
    value_at(out, it, &n->check.lhs);
    gv_buf_puts(out, ", to=");
    for (uint32_t i = 0; i < n->check.nrhs; i++) {
        if (i)
            gv_buf_putc(out, '.');
        value_at(out, it, &n->check.rhs_all[i]);
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
    case GV_T_HIDDEN: return;
    }
}

static const gv_tnode *next_shown(const gv_tnode *n)
{
    while (n && n->kind == GV_T_HIDDEN)
        n = n->next;
    return n;
}

/* Children drawn as cfn-guard's tree: "|- " before all but the last,
 * "`- " before it; their own children under "|  " or "   ". */
static void print_children(gv_buf *out, const gv_report_item *it, const gv_tnode *p, gv_buf *prefix)
{
    for (const gv_tnode *c = next_shown(p->first); c; c = next_shown(c->next)) {
        int last = next_shown(c->next) == NULL;
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

/* ---- -p ---- */

static gv_jt *checked(gv_jb *b, const char *name, const char *key, gv_jt *first, int status)
{
    gv_jt *o = gv_jt_obj(b), *inner = gv_jt_obj(b);
    if (key)
        gv_jt_set(inner, key, first);
    gv_jt_set(inner, "status", gv_jt_str(b, status_word(status)));
    gv_jt_set(inner, "message", gv_jt_null(b));
    gv_jt_set(o, name, inner);
    return o;
}

/* {"Resolved": {"path": .., "value": ..}} (or "Literal") */
static gv_jt *resolved_as(gv_jb *b, const gv_val *v, const char *kind)
{
    gv_jt *o = gv_jt_obj(b), *r = gv_jt_obj(b);
    gv_buf_clear(&b->tmp);
    gv_fmt_path(&b->tmp, v);
    gv_jt_set(r, "path", gv_jt_buf(b, &b->tmp));
    gv_jt_set(r, "value", gv_jt_doc(b, v->node));
    gv_jt_set(o, kind, r);
    return o;
}

static gv_jt *resolved(gv_jb *b, const gv_val *v)
{
    return resolved_as(b, v, "Resolved");
}

static gv_jt *unresolved(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    gv_jt *o = gv_jt_obj(b), *u = gv_jt_obj(b), *to = gv_jt_obj(b);
    gv_buf_clear(&b->tmp);
    gv_fmt_path(&b->tmp, &c->lhs);
    gv_jt_set(to, "path", gv_jt_buf(b, &b->tmp));
    gv_jt_set(to, "value", gv_jt_doc(b, c->lhs.reached));
    gv_jt_set(u, "traversed_to", to);
    gv_buf_clear(&b->tmp);
    gv_msg_remaining(&b->tmp, it, c);
    gv_jt_set(u, "remaining_query", gv_jt_buf(b, &b->tmp));
    gv_buf_clear(&b->tmp);
    gv_msg_reason(&b->tmp, it, c);
    gv_jt_set(u, "reason", gv_jt_buf(b, &b->tmp));
    gv_jt_set(o, "UnResolved", u);
    return o;
}

/* cfn-guard's message for values of types it cannot compare. */
static gv_jt *incomparable_message(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    gv_path p0;
    gv_val rhs = gv_check_rhs(c, &p0);
    gv_buf_clear(&b->tmp);
    if (c->lhs.node && rhs.node)
        gv_msg_incomparable(&b->tmp, it, c, &rhs);
    else
        gv_buf_printf(&b->tmp, "PathAwareValues are not comparable %s, %s",
                      c->lhs.node ? gv_fmt_type_name(c->lhs.node) : "null",
                      rhs.node ? gv_fmt_type_name(rhs.node) : "null");
    return gv_jt_buf(b, &b->tmp);
}

static gv_jt *from_of(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    return c->lhs.node ? resolved(b, &c->lhs) : unresolved(b, it, c);
}

static gv_jt *comparison(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    int neg = 0;
    gv_jt *a = gv_jt_arr(b);
    gv_jt_push(a, gv_jt_str(b, gv_msg_comparison(it, c, &neg)));
    gv_jt_push(a, gv_jt_bool(b, neg));
    return a;
}

static gv_jt *failure_fields(gv_jb *b, gv_jt *o, const gv_report_item *it, const gv_check *c)
{
    gv_jt_set(o, "message", c->incomparable ? incomparable_message(b, it, c) : gv_jt_null(b));
    const char *custom = gv_msg_custom(it, c);
    gv_jt_set(o, "custom_message", custom ? gv_jt_str(b, custom) : gv_jt_null(b));
    gv_jt_set(o, "status", gv_jt_str(b, "FAIL"));
    return o;
}

static gv_jt *value_container(gv_jb *b, const gv_report_item *it, const gv_tnode *n)
{
    gv_jt *w = gv_jt_obj(b);
    if (!n->failed) {
        gv_jt_set(w, "ClauseValueCheck", gv_jt_str(b, "Success"));
        return w;
    }
    const gv_check *c = &n->check;
    gv_shape shape = gv_check_shape(it, c);
    gv_jt *o = gv_jt_obj(b), *kind = gv_jt_obj(b);
    if (shape == GV_SHAPE_NO_VALUES) {
        gv_jt_set(o, "NoValueForEmptyCheck", gv_jt_null(b));
    } else if (shape == GV_SHAPE_BLOCK_MISSING) {
        gv_jt_set(kind, "from", from_of(b, it, c));
        gv_buf_clear(&b->tmp);
        gv_msg_block_missing(&b->tmp, it, c);
        gv_jt_set(kind, "message", gv_jt_buf(b, &b->tmp));
        const char *custom = gv_msg_custom(it, c);
        gv_jt_set(kind, "custom_message", custom ? gv_jt_str(b, custom) : gv_jt_null(b));
        gv_jt_set(kind, "status", gv_jt_str(b, "FAIL"));
        gv_jt_set(o, "MissingBlockValue", kind);
    } else if (shape == GV_SHAPE_UNARY || shape == GV_SHAPE_UNARY_MISSING) {
        gv_jt *v = gv_jt_obj(b);
        /* a value bound to a literal is a "Literal" there (probed) */
        gv_jt_set(v, "from", shown_literal(it, c) ? resolved_as(b, &c->lhs, "Literal") : from_of(b, it, c));
        failure_fields(b, v, it, c);
        gv_jt_set(kind, "value", v);
        gv_jt_set(kind, "comparison", comparison(b, it, c));
        gv_jt_set(o, "Unary", kind);
    } else if (shape == GV_SHAPE_IN) {
        gv_jt_set(kind, "comparison", comparison(b, it, c));
        gv_jt_set(kind, "from", resolved(b, gv_check_at(it, c)));
        gv_jt *to = gv_jt_set(kind, "to", gv_jt_arr(b));
        for (uint32_t i = 0; i < c->nrhs; i++)
            gv_jt_push(to, resolved(b, &c->rhs_all[i]));
        failure_fields(b, kind, it, c);
        gv_jt_set(o, "InComparison", kind);
    } else {
        gv_jt_set(kind, "comparison", comparison(b, it, c));
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        if (rhs_missing_from(c)) {
            gv_jt_set(kind, "from", resolved(b, &c->rhs));
            gv_jt_set(kind, "to", unresolved(b, it, c));
        } else {
            gv_jt_set(kind, "from", from_of(b, it, c));
            gv_jt_set(kind, "to", shape == GV_SHAPE_BINARY && rhs.node ? resolved(b, &rhs) : gv_jt_null(b));
        }
        failure_fields(b, kind, it, c);
        gv_jt_set(o, "Comparison", kind);
    }
    gv_jt_set(w, "ClauseValueCheck", o);
    return w;
}

/* Whether clause n was an `empty` check on a query that yielded nothing:
 * its value node then holds no value at all. */
static int no_values(const gv_tnode *n)
{
    for (const gv_tnode *c = n->first; c; c = c->next)
        if (c->kind == GV_T_VALUE && c->check.ip == n->ip && !c->check.lhs.node && !c->check.lhs.reached &&
            (!c->failed || c->check.kind == GV_CHECK_NO_VALUES))
            return 1;
    return 0;
}

/* A right-hand value of a `keys` filter that did not resolve. */
static gv_jt *unresolved_rhs(gv_jb *b, const gv_report_item *it, uint32_t ip, const gv_val *v)
{
    gv_check c = { 0 };
    c.ip = ip;
    c.kind = GV_CHECK_UNRESOLVED_RHS;
    c.lhs = *v;
    return unresolved(b, it, &c);
}

static gv_jt *key_container(gv_jb *b, const gv_report_item *it, const gv_tnode *n)
{
    gv_jt *w = gv_jt_obj(b);
    if (!n->failed) {
        gv_jt_set(w, "ClauseValueCheck", gv_jt_str(b, "Success"));
        return w;
    }
    const gv_check *c = &n->check;
    int in = gv_check_shape(it, c) == GV_SHAPE_IN;
    gv_jt *o = gv_jt_obj(b), *kind = gv_jt_obj(b), *cmp = gv_jt_arr(b);
    int neg = 0;
    const char *name = gv_msg_comparison(it, c, &neg);
    gv_jt_push(cmp, gv_jt_str(b, name));
    gv_jt_push(cmp, gv_jt_bool(b, neg));
    gv_jt_set(kind, "comparison", cmp);
    gv_jt_set(kind, "from", resolved(b, &c->lhs));
    gv_jt *to = in ? gv_jt_arr(b) : NULL;
    for (uint32_t i = 0; i < c->nrhs && (in || i == 0); i++) {
        const gv_val *r = &c->rhs_all[i];
        gv_jt *v = r->node ? resolved(b, r) : unresolved_rhs(b, it, n->ip, r);
        if (in)
            gv_jt_push(to, v);
        else
            to = v;
    }
    gv_jt_set(kind, "to", to);
    failure_fields(b, kind, it, c);
    gv_jt_set(o, in ? "InComparison" : "Comparison", kind);
    gv_jt_set(w, "ClauseValueCheck", o);
    return w;
}

static gv_jt *container(gv_jb *b, const gv_report_item *it, const gv_tnode *n)
{
    switch ((gv_tkind)n->kind) {
    case GV_T_RULE:
        gv_buf_clear(&b->tmp);
        rule_name(&b->tmp, it, n->ip);
        return checked(b, "RuleCheck", "name", gv_jt_buf(b, &b->tmp), n->status);
    case GV_T_RULE_WHEN: {
        gv_jt *o = gv_jt_obj(b);
        gv_jt_set(o, "RuleCondition", gv_jt_str(b, status_word(n->status)));
        return o;
    }
    case GV_T_CLAUSE: {
        /* true for `some`; when the query yielded nothing (aux; an `empty`
         * check that found no values), true without `some` and false with
         * it (probed: `some m[ keys == "zz" ] exists` false, without
         * `some` true) */
        int some = (it->prog->code[n->ip].flags & GV_FLAG_SOME) != 0;
        int none = n->status == GV_RS_SKIP || n->aux || no_values(n);
        return checked(b, "GuardClauseBlockCheck", "at_least_one_matches", gv_jt_bool(b, none ? !some : some),
                       n->status);
    }
    case GV_T_VALUE: return value_container(b, it, n);
    case GV_T_KEY: return key_container(b, it, n);
    case GV_T_BLOCK:
        if (is_type_block(it, n)) {
            gv_jt *o = gv_jt_obj(b), *tc = gv_jt_obj(b);
            gv_jt_set(tc, "type_name", gv_jt_str(b, type_name(it, n)));
            gv_jt *blk = checked(b, "block", "at_least_one_matches", gv_jt_bool(b, 0), n->status);
            gv_jt_set(tc, "block", blk ? blk->first : NULL);
            gv_jt_set(o, "TypeCheck", tc);
            return o;
        }
        return checked(b, "BlockGuardCheck", "at_least_one_matches",
                       gv_jt_bool(b, (it->prog->code[n->ip].flags & GV_FLAG_SOME) != 0), n->status);
    case GV_T_FILTER:
    case GV_T_TYPE_VALUE: {
        gv_jt *o = gv_jt_obj(b);
        gv_jt_set(o, n->kind == GV_T_FILTER ? "Filter" : "TypeBlock", gv_jt_str(b, status_word(n->status)));
        return o;
    }
    case GV_T_WHEN: return checked(b, "WhenCheck", "at_least_one_matches", gv_jt_bool(b, 0), n->status);
    case GV_T_WHEN_COND: {
        gv_jt *o = gv_jt_obj(b);
        gv_jt_set(o, "WhenCondition", gv_jt_str(b, status_word(n->status)));
        return o;
    }
    case GV_T_OR: return checked(b, "Disjunction", "at_least_one_matches", gv_jt_bool(b, 1), n->status);
    case GV_T_RULE_REF: {
        gv_jt *o = gv_jt_obj(b), *v = gv_jt_obj(b), *d = gv_jt_obj(b);
        if (n->status == GV_RS_PASS) {
            gv_jt_set(o, "ClauseValueCheck", gv_jt_str(b, "Success"));
            return o;
        }
        gv_jt_set(d, "rule", gv_jt_str(b, ref_name(it, n->ip)));
        gv_jt_set(d, "message", gv_jt_null(b));
        gv_jt_set(d, "custom_message", gv_jt_null(b));
        gv_jt_set(d, "status", gv_jt_str(b, status_word(n->status)));
        gv_jt_set(v, "DependentRule", d);
        gv_jt_set(o, "ClauseValueCheck", v);
        return o;
    }
    case GV_T_HIDDEN: break;
    }
    return gv_jt_null(b);
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
        if (n->failed && gv_check_shape(it, &n->check) == GV_SHAPE_BLOCK_MISSING)
            gv_msg_context(out, it, &n->check);
        else
            clause_context(out, it, n->check.ip, n);
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
    case GV_T_HIDDEN: return;
    }
}

static gv_jt *json_node(gv_jb *b, const gv_report_item *it, const gv_tnode *n)
{
    gv_jt *o = gv_jt_obj(b), *kids = gv_jt_arr(b);
    gv_buf_clear(&b->tmp);
    context_text(&b->tmp, it, n);
    gv_jt_set(o, "context", gv_jt_buf(b, &b->tmp));
    gv_jt_set(o, "container", container(b, it, n));
    for (const gv_tnode *c = next_shown(n->first); c; c = next_shown(c->next))
        gv_jt_push(kids, json_node(b, it, c));
    gv_jt_set(o, "children", kids);
    return o;
}

int gv_report_eval_tree_json(gv_buf *out, const gv_report_item *it, const gv_trace *t)
{
    gv_arena a;
    gv_arena_init(&a, 64 * 1024);
    gv_jb b = { .a = &a };
    gv_jt *o = gv_jt_obj(&b), *kids = gv_jt_arr(&b);
    gv_buf_printf(&b.tmp, "File(rules=%u)", it->res->nrules);
    gv_jt_set(o, "context", gv_jt_buf(&b, &b.tmp));
    gv_jt_set(o, "container", checked(&b, "FileCheck", "name", gv_jt_str(&b, it->data_name), it->res->status));
    for (const gv_tnode *c = next_shown(gv_trace_root(t)->first); c; c = next_shown(c->next))
        gv_jt_push(kids, json_node(&b, it, c));
    gv_jt_set(o, "children", kids);
    int r = b.oom ? -1 : gv_jt_has_nonfinite(o) ? -2 : 0;
    if (r == 0) {
        gv_jt_render_json(out, o);
        gv_buf_putc(out, '\n');
    }
    gv_buf_free(&b.tmp);
    gv_arena_free(&a);
    return r;
}
