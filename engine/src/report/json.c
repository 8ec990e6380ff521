/* Structured (-z) JSON in cfn-guard's shape: per data file name, metadata,
 * status, not_compliant (rules with their failing checks), not_applicable
 * and compliant (rule names). */
#include <string.h>

#include "lang/ast.h"
#include "report/report.h"

static const char *status_word(gv_rstatus s)
{
    return s == GV_RS_PASS ? "PASS" : s == GV_RS_FAIL ? "FAIL" : "SKIP";
}

void gv_report_json_begin(gv_buf *out)
{
    gv_buf_putc(out, '[');
}

void gv_report_json_end(gv_buf *out)
{
    gv_buf_puts(out, "\n]\n");
}

static void json_str(gv_buf *out, const char *s)
{
    gv_buf_json_string(out, s, strlen(s));
}

static void json_check(gv_buf *out, const gv_report_item *it, const gv_check *c)
{
    const gv_program *p = it->prog;
    const gv_insn *in = &p->code[c->ip];
    uint32_t msg = p->messages[c->ip];
    gv_buf_puts(out, "{\"path\": ");
    gv_buf path;
    gv_buf_init(&path);
    gv_report_path(&path, &c->lhs);
    gv_buf_json_string(out, path.data ? path.data : "", path.len);
    gv_buf_free(&path);
    const gv_node *at = c->lhs.node ? c->lhs.node : c->lhs.reached;
    gv_buf_printf(out, ", \"line\": %u, \"column\": %u", at ? at->line : 0, at ? at->col : 0);
    if (c->lhs.node) {
        gv_buf_puts(out, ", \"value\": ");
        gv_report_value(out, c->lhs.node);
    } else if (c->lhs.missing) {
        gv_buf_puts(out, ", \"missing\": ");
        json_str(out, c->lhs.missing);
    }
    if (c->rhs) {
        gv_buf_puts(out, ", \"expected\": ");
        gv_report_value(out, c->rhs);
    }
    if (in->op == GV_I_C_BINARY || in->op == GV_I_C_UNARY) {
        gv_buf_puts(out, ", \"operator\": ");
        json_str(out, gv_cmp_op_name((gv_cmp_op)(in->flags & 0x0f)));
        gv_buf_printf(out, ", \"negated\": %s", (in->flags & 0x10) ? "true" : "false");
    }
    gv_buf_puts(out, ", \"custom_message\": ");
    if (msg != GV_NONE)
        gv_buf_json_string(out, p->strings[msg].s, p->strings[msg].len);
    else
        gv_buf_puts(out, "null");
    gv_buf_printf(out, ", \"rule_line\": %u, \"rule_column\": %u}", p->locs[c->ip].line, p->locs[c->ip].col);
}

static void names(gv_buf *out, const gv_report_item *items, size_t n, gv_rstatus want)
{
    int first = 1;
    gv_buf_putc(out, '[');
    for (size_t k = 0; k < n; k++)
        for (uint32_t i = 0; i < items[k].res->nrules; i++) {
            const gv_rule_result *r = &items[k].res->rules[i];
            if (r->status != want)
                continue;
            gv_buf_puts(out, first ? "\n      " : ",\n      ");
            json_str(out, gv_report_rule_name(items[k].prog, r->rule));
            first = 0;
        }
    gv_buf_puts(out, first ? "]" : "\n    ]");
}

void gv_report_json_file(gv_buf *out, const gv_report_item *items, size_t n, int first)
{
    gv_rstatus st = GV_RS_SKIP;
    for (size_t k = 0; k < n; k++) {
        if (items[k].res->status == GV_RS_FAIL)
            st = GV_RS_FAIL;
        else if (items[k].res->status == GV_RS_PASS && st == GV_RS_SKIP)
            st = GV_RS_PASS;
    }
    gv_buf_puts(out, first ? "\n  {\n    \"name\": " : ",\n  {\n    \"name\": ");
    json_str(out, n ? items[0].data_name : "");
    gv_buf_printf(out, ",\n    \"metadata\": {},\n    \"status\": \"%s\",\n    \"not_compliant\": [", status_word(st));
    int firstr = 1;
    for (size_t k = 0; k < n; k++)
        for (uint32_t i = 0; i < items[k].res->nrules; i++) {
            const gv_rule_result *r = &items[k].res->rules[i];
            if (r->status != GV_RS_FAIL)
                continue;
            gv_buf_puts(out, firstr ? "\n      {\"Rule\": {\"name\": " : ",\n      {\"Rule\": {\"name\": ");
            firstr = 0;
            json_str(out, gv_report_rule_name(items[k].prog, r->rule));
            gv_buf_puts(out, ", \"metadata\": {}, \"checks\": [");
            for (uint32_t c = 0; c < r->nchecks; c++) {
                gv_buf_puts(out, c ? ",\n        " : "\n        ");
                json_check(out, &items[k], &r->checks[c]);
            }
            gv_buf_puts(out, r->nchecks ? "\n      ]}}" : "]}}");
        }
    gv_buf_puts(out, firstr ? "],\n    \"not_applicable\": " : "\n    ],\n    \"not_applicable\": ");
    names(out, items, n, GV_RS_SKIP);
    gv_buf_puts(out, ",\n    \"compliant\": ");
    names(out, items, n, GV_RS_PASS);
    gv_buf_puts(out, "\n  }");
}
