/* The generic reporter (data that is not a template): one line per failed
 * check, then the rules that passed and those that did not apply, each
 * section as -S selects it:
 *   Evaluation of rules r.guard against data d.json
 *   --
 *   Property [/a/b] in data [d.json] is not compliant with [r] because ...
 *   --
 * Nothing at all is printed when no selected section has a line. */
#include <string.h>

#include "report/details.h"
#include "report/fmt.h"
#include "vm/compare.h"
#include "vm/trace.h"

static void value_or_empty(gv_buf *out, const gv_node *n)
{
    if (n)
        gv_fmt_value_generic(out, n);
}

/* The unary words of these lines ("was not a string ", spacing included)
 * differ from the error messages' ("was not string"; probed). */
static const char *unary_words(gv_cmp_op op, int opnot)
{
    static const char *const words[GV_OP__COUNT][2] = {
        [GV_OP_EXISTS] = { "did not exist", "existed" }, [GV_OP_EMPTY] = { "was not empty", "was empty" },
        [GV_OP_IS_STRING] = { "was not a string ", "was string" }, [GV_OP_IS_LIST] = { "was not a list ", "was list" },
        [GV_OP_IS_STRUCT] = { "was not a struct", "was struct" }, [GV_OP_IS_BOOL] = { "was not a bool", "was bool" },
        [GV_OP_IS_INT] = { "was not an int", "was int" }, [GV_OP_IS_FLOAT] = { "was not a float", "was float" },
        [GV_OP_IS_NULL] = { "was not null", "was null" },
    };
    const char *w = (unsigned)op < GV_OP__COUNT ? words[op][opnot != 0] : NULL;
    return w ? w : "was not compliant";
}

static void failure_line(gv_buf *out, const gv_report_item *it, const gv_rule_result *r, const gv_check *c)
{
    gv_shape shape = gv_check_shape(it, c);
    const char *msg = gv_msg_custom(it, c);
    gv_buf rule;
    gv_buf_init(&rule);
    gv_report_rule_name(&rule, it, r->rule);
    const char *rn = rule.data ? rule.data : "";
    /* a negated operator failed because the values did match: cfn-guard
     * says so (probed: `x != 1`, `x NOT IN [1]` on 1) */
    int negated = 0;
    if (shape == GV_SHAPE_IN || shape == GV_SHAPE_BINARY)
        (void)gv_msg_comparison(it, c, &negated);
    const char *verb = negated ? "did match" : "did not match";
    if (c->kind == GV_CHECK_UNRESOLVED_RHS && c->rhs.node) {
        /* the left-hand value against where the right-hand query stopped
         * (probed: "provided value [1] did not match expected value in
         * [{...}]", without "in" for == and !=) */
        int neg = 0;
        const char *cmp = gv_msg_comparison(it, c, &neg);
        gv_buf_puts(out, "Property [");
        gv_fmt_path(out, &c->rhs);
        gv_buf_printf(out, "] in data [%s] is not compliant with [%s] because provided value [", it->data_name, rn);
        gv_fmt_value_generic(out, c->rhs.node);
        gv_buf_printf(out, "] %s expected value %s[", neg ? "did match" : "did not match",
                      strcmp(cmp, "In") ? "" : "in ");
        value_or_empty(out, c->lhs.reached);
        gv_buf_printf(out, "]. Error Message [%s]\n", msg ? msg : "");
        gv_buf_free(&rule);
        return;
    }
    switch (shape) {
    case GV_SHAPE_BINARY_MISSING:
    case GV_SHAPE_UNARY_MISSING:
    case GV_SHAPE_BLOCK_MISSING:
        gv_buf_puts(out, "Property traversed until [");
        gv_fmt_path(out, &c->lhs);
        gv_buf_printf(out, "] in data [%s] is not compliant with [%s] due to retrieval error. Error Message [",
                      it->data_name, rn);
        /* a block names its query (probed: "Query a.l[*] did not resolve
         * to correct value, reason ...") */
        if (shape == GV_SHAPE_BLOCK_MISSING)
            gv_msg_block_missing(out, it, c);
        else
            gv_msg_reason(out, it, c);
        gv_buf_puts(out, "]\n");
        break;
    case GV_SHAPE_NO_VALUES:
        gv_buf_printf(out, "Property [] in data [%s] is not compliant with [%s] because needed value at [null] "
                           "was not empty. Error Message [%s]\n", it->data_name, rn, msg ? msg : "");
        break;
    case GV_SHAPE_UNARY: {
        gv_buf_puts(out, "Property [");
        gv_fmt_path(out, &c->lhs);
        gv_buf_printf(out, "] in data [%s] is not compliant with [%s] because needed value at [", it->data_name, rn);
        value_or_empty(out, c->lhs.node);
        const gv_insn *in = &it->prog->code[c->ip];
        gv_buf_printf(out, "] %s. Error Message [%s]\n",
                      unary_words((gv_cmp_op)(in->flags & GV_FLAG_OP_MASK), (in->flags & GV_FLAG_OPNOT) != 0),
                      msg ? msg : "");
        break;
    }
    case GV_SHAPE_IN:
        gv_buf_printf(out, "Property [] in data [%s] is not compliant with [%s] because provided value [", it->data_name, rn);
        value_or_empty(out, gv_check_at(it, c)->node);
        /* `in` but for == and != against a query (probed) */
        gv_buf_printf(out, "] %s expected value %s[[", verb, strcmp(gv_msg_comparison(it, c, &negated), "In") ? "" : "in ");
        for (uint32_t i = 0; i < c->nrhs; i++) {
            if (i) /* no blank between a query's values (probed) */
                gv_buf_putc(out, ',');
            value_or_empty(out, c->rhs_all[i].node);
        }
        gv_buf_printf(out, "]]. Error Message [%s]\n", msg ? msg : "");
        break;
    default: {
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        if (gv_check_incomparable(it, c) && c->lhs.node && rhs.node) {
            /* cfn-guard words values it cannot compare as a retrieval
             * error, without the custom message (probed) */
            gv_buf_puts(out, "Property traversed until [");
            gv_fmt_path(out, &c->lhs);
            gv_buf_printf(out, "] in data [%s] is not compliant with [%s] due to retrieval error. Error Message [",
                          it->data_name, rn);
            gv_msg_incomparable(out, it, c, &rhs);
            gv_buf_puts(out, "]\n");
            break;
        }
        gv_buf_puts(out, "Property [");
        gv_fmt_path(out, &c->lhs);
        gv_buf_printf(out, "] in data [%s] is not compliant with [%s] because provided value [", it->data_name, rn);
        value_or_empty(out, c->lhs.node);
        gv_buf_printf(out, "] %s expected value %s[", verb,
                      strcmp(gv_msg_comparison(it, c, &negated), "In") ? "" : "in ");
        value_or_empty(out, rhs.node);
        gv_buf_printf(out, "]. Error Message [%s]\n", msg ? msg : "");
    }
    }
    gv_buf_free(&rule);
}

/* "Parameterized Rule NAME failed for DATA. Reason MSG", the message's
 * line breaks turned into "; " (cfn-guard's line for a called rule, whose
 * checks it does not list, and for a named rule that did not pass). */
static void rule_line(gv_buf *out, const gv_report_item *it, uint32_t rule, uint32_t msg_ip)
{
    gv_buf_puts(out, "Parameterized Rule ");
    gv_report_rule_name(out, it, rule);
    gv_buf_printf(out, " failed for %s. Reason ", it->data_name);
    uint32_t m = it->prog->messages[msg_ip];
    for (const char *s = m == GV_NONE ? "" : it->prog->strings[m].s; *s; s++)
        gv_buf_puts(out, *s == '\n' ? "; " : (char[2]){ *s, 0 });
    gv_buf_putc(out, '\n');
}

/* The failed key tests kept in bulk (by a trace read for these lines,
 * gv_trace_new_for_lines, or by gv_eval_lazy), one member at a time. */
static int bulk_lines(gv_buf *out, const gv_report_item *it, const gv_rule_result *r, const gv_check *bulk)
{
    int lines = 0;
    gv_node key;
    gv_check c;
    for (uint32_t m = 0; gv_key_check_next(bulk, &m, &key, &c);) {
        if (!gv_check_hidden(it, &c)) {
            failure_line(out, it, r, &c);
            lines++;
        }
    }
    return lines;
}

static int tree_lines(gv_buf *out, const gv_report_item *it, const gv_rule_result *r, const gv_cnode *n)
{
    int lines = 0;
    for (const gv_cnode *c = n->first; c; c = c->next, lines++) {
        if (c->kind == GV_CN_RULE)
            rule_line(out, it, c->rule, c->key_ip);
        else if (c->kind == GV_CN_ANY)
            lines += tree_lines(out, it, r, c) - 1;
        else if (gv_check_shape(it, c->check) == GV_SHAPE_RULE_REF)
            rule_line(out, it, r->rule, c->check->ip);
        else if (c->check->kind == GV_CHECK_KEYS_BULK)
            lines += bulk_lines(out, it, r, c->check) - 1;
        else
            failure_line(out, it, r, c->check);
    }
    return lines;
}

/* The lines of a failing rule from its evaluation trace, as cfn-guard
 * finds them in its event tree: every failed value check at any depth, in
 * evaluation order, whatever the status of the clauses around it (a
 * passing `or`, a when condition). Filters are not searched, but for the
 * key tests of `[ keys == x ]`; a rule reference is one line when it
 * failed (its rule reports its own checks) and none when it passed; a
 * called rule that failed is one line when the call has a message, else
 * its checks are listed (probed). */
static int trace_lines(gv_buf *out, const gv_report_item *it, const gv_rule_result *r, const gv_tnode *n)
{
    int lines = 0;
    for (const gv_tnode *c = n->first; c; c = c->next) {
        switch ((gv_tkind)c->kind) {
        case GV_T_FILTER:
            if (c->aux == 2) /* a keys filter */
                lines += trace_lines(out, it, r, c);
            break;
        case GV_T_HIDDEN: /* the key tests of `[ keys == x ]`, traced for reports only (aux 2) */
            if (c->aux == 2)
                lines += trace_lines(out, it, r, c);
            break;
        case GV_T_VALUE:
            if (c->failed && c->check->kind == GV_CHECK_KEYS_BULK) {
                lines += bulk_lines(out, it, r, c->check);
                break;
            }
            if (c->failed && !gv_check_hidden(it, c->check)) {
                failure_line(out, it, r, c->check);
                lines++;
            }
            break;
        case GV_T_RULE_REF:
            if (c->status == GV_RS_FAIL) {
                rule_line(out, it, r->rule, c->ip);
                lines++;
            }
            break;
        case GV_T_RULE:
            if (c->aux && c->status == GV_RS_FAIL && it->prog->messages[c->call] != GV_NONE) {
                rule_line(out, it, c->ip, c->call);
                lines++;
                break;
            }
            lines += trace_lines(out, it, r, c);
            break;
        default: lines += trace_lines(out, it, r, c); break;
        }
    }
    return lines;
}

/* The trace node of rule declaration d: the rules at the top of the
 * trace, from *at on (results and trace are mostly in the same order). */
static const gv_tnode *traced_rule(const gv_trace *t, uint32_t d, const gv_tnode **at)
{
    const gv_tnode *first = gv_trace_root(t)->first;
    for (int pass = 0; pass < 2; pass++) {
        for (const gv_tnode *c = pass ? first : *at; c; c = c->next)
            if (c->kind == GV_T_RULE && c->ip == d) {
                *at = c->next;
                return c;
            }
    }
    return NULL;
}

static int traced_failures(gv_buf *out, const gv_report_item *it, const gv_trace *t)
{
    int n = 0;
    const gv_tnode *at = gv_trace_root(t)->first;
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        const gv_tnode *node = r->status == GV_RS_FAIL ? traced_rule(t, r->rule, &at) : NULL;
        if (node)
            n += trace_lines(out, it, r, node);
    }
    return n;
}

static int failures(gv_buf *out, const gv_report_item *it)
{
    gv_report_tmp tmp;
    gv_arena *a = gv_report_tmp_open(&tmp, it, 16 * 1024);
    int n = 0, oom = 0;
    const gv_trace *t = it->trace ? it->trace : it->retrace ? it->retrace(it, a) : NULL;
    if (t && !gv_trace_oom(t)) {
        n = traced_failures(out, it, t);
        gv_report_tmp_close(&tmp);
        return n;
    }
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        const gv_cnode *c = r->status == GV_RS_FAIL ? gv_check_tree(a, it, r, NULL, 0, &oom) : NULL;
        if (c)
            n += tree_lines(out, it, r, c);
    }
    if (oom)
        out->oom = 1;
    gv_report_tmp_close(&tmp);
    return n;
}

/* Rules of one status, each name once. */
static int named(gv_buf *out, const gv_report_item *it, gv_rstatus want, const char *fmt)
{
    int n = 0;
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        int dup = 0;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = it->res->rules[j].status == want && it->res->rules[j].rule != r->rule &&
                  strcmp(it->prog->strings[it->prog->rules[it->res->rules[j].rule].name].s,
                         it->prog->strings[it->prog->rules[r->rule].name].s) == 0;
        if (r->status != want || dup)
            continue;
        gv_buf name;
        gv_buf_init(&name);
        gv_report_rule_name(&name, it, r->rule);
        gv_buf_printf(out, fmt, name.data ? name.data : "", it->data_name);
        gv_buf_free(&name);
        n++;
    }
    return n;
}

static void section(gv_buf *out, gv_buf *body, int shown)
{
    if (!shown)
        return;
    if (body->len)
        gv_buf_append(out, body->data, body->len);
    gv_buf_puts(out, "--\n");
}

void gv_report_generic(gv_buf *out, const gv_report_item *it, unsigned show)
{
    gv_buf f, p, s;
    gv_buf_init(&f);
    gv_buf_init(&p);
    gv_buf_init(&s);
    /* a failing rule may have no line (`some e IN "abc"` on []): the
     * section still shows, empty (probed) */
    int nf = (show & GV_SHOW_FAIL) ? failures(&f, it) || it->res->status == GV_RS_FAIL : 0;
    int np = (show & GV_SHOW_PASS) ? named(&p, it, GV_RS_PASS, "Rule [%s] is compliant for template [%s]\n") : 0;
    int ns = (show & GV_SHOW_SKIP) ? named(&s, it, GV_RS_SKIP, "Rule [%s] is not applicable for template [%s]\n")
                                   : 0;
    if (nf || np || ns) {
        gv_buf_printf(out, "Evaluation of rules %s against data %s\n--\n", it->rules_name, it->data_name);
        section(out, &f, nf);
        section(out, &p, np);
        section(out, &s, ns);
    }
    if (f.oom || p.oom || s.oom)
        out->oom = 1;
    gv_buf_free(&f);
    gv_buf_free(&p);
    gv_buf_free(&s);
}
