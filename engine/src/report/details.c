/* The failure details printed after the summary in single-line-summary
 * mode: one block per failing rule, one line per failing check, with the
 * property path, its value, what it was compared with, the custom message
 * and the line:column in the data file. */
#include <string.h>

#include "lang/ast.h"
#include "report/report.h"

static void check_line(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_program *p = it->prog;
    const gv_insn *in = &p->code[c->ip];
    gv_buf_puts(out, "    Check = ");
    if (c->kind == GV_CHECK_RULE) {
        gv_buf_printf(out, "rule %s%s did not pass", (in->flags & 0x40) ? "not " : "",
                      p->strings[p->refs[in->a].name].s);
    } else {
        gv_buf_puts(out, "property ");
        gv_report_path(out, &c->lhs);
        const gv_node *at = c->lhs.node ? c->lhs.node : c->lhs.reached;
        if (at && at->line)
            gv_buf_printf(out, "[L:%u,C:%u]", at->line, at->col);
        if (c->kind == GV_CHECK_UNRESOLVED) {
            if (c->lhs.missing)
                gv_buf_printf(out, " is missing key '%s'", c->lhs.missing);
            else
                gv_buf_puts(out, " could not be resolved");
        } else if (c->lhs.node) {
            gv_buf_puts(out, " value ");
            gv_report_value(out, c->lhs.node);
        }
        if (in->op == GV_I_C_BINARY || in->op == GV_I_C_UNARY) {
            gv_cmp_op op = (gv_cmp_op)(in->flags & 0x0f);
            gv_buf_printf(out, " failed %s%s", (in->flags & 0x10) ? "not " : "", gv_cmp_op_name(op));
            if (c->rhs) {
                gv_buf_putc(out, ' ');
                gv_report_value(out, c->rhs);
            }
        }
    }
    uint32_t msg = p->messages[c->ip];
    if (msg != GV_NONE) {
        gv_buf_puts(out, "\n      Message = ");
        const char *s = p->strings[msg].s;
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
            s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
            n--;
        for (size_t i = 0; i < n; i++)
            gv_buf_putc(out, s[i] == '\n' ? ' ' : s[i]);
    }
    gv_buf_putc(out, '\n');
}

void gv_report_details(gv_buf *out, const gv_report_item *it)
{
    if (it->res->status != GV_RS_FAIL)
        return;
    gv_buf_printf(out, "---\nEvaluating data %s against rules %s\n", it->data_name, it->rules_name);
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        if (r->status != GV_RS_FAIL)
            continue;
        gv_buf_printf(out, "  Rule = %s\n", gv_report_rule_name(it->prog, r->rule));
        for (uint32_t k = 0; k < r->nchecks; k++)
            check_line(out, it, &r->checks[k]);
    }
}
