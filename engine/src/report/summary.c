/* single-line-summary, cfn-guard's default output:
 *   DATA Status = FAIL
 *   SKIP rules / PASS rules / FAILED rules, each followed by
 *   RULESFILE/RULE    STATUS  lines, in declaration order. */
#include "report/report.h"

#include <string.h>

#include "doc/doc_print.h"

const char *gv_report_rule_name(const gv_program *p, uint32_t rule)
{
    return p->strings[p->rules[rule].name].s;
}

static const char *status_word(gv_rstatus s)
{
    return s == GV_RS_PASS ? "PASS" : s == GV_RS_FAIL ? "FAIL" : "SKIP";
}

static int same_name(const gv_report_item *it, uint32_t i, uint32_t j)
{
    const gv_program *p = it->prog;
    const gv_kconst *a = &p->strings[p->rules[it->res->rules[i].rule].name];
    const gv_kconst *b = &p->strings[p->rules[it->res->rules[j].rule].name];
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* cfn-guard lists a name once per status, and lists it as skipped only
 * when none of its declarations passed or failed (probed). */
static int hidden(const gv_report_item *it, uint32_t i)
{
    const gv_rule_result *r = &it->res->rules[i];
    for (uint32_t j = 0; j < it->res->nrules; j++) {
        if (j == i || !same_name(it, i, j))
            continue;
        gv_rstatus o = it->res->rules[j].status;
        if ((j < i && o == r->status) || (r->status == GV_RS_SKIP && o != GV_RS_SKIP))
            return 1;
    }
    return 0;
}

static void group(gv_buf *out, const gv_report_item *it, gv_rstatus want, const char *title)
{
    int any = 0;
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        if (r->status != want || hidden(it, i))
            continue;
        if (!any)
            gv_buf_printf(out, "%s\n", title);
        any = 1;
        gv_buf_printf(out, "%s/%s    %s\n", it->rules_name, gv_report_rule_name(it->prog, r->rule),
                      status_word(r->status));
    }
}

void gv_report_summary(gv_buf *out, const gv_report_item *it, unsigned show)
{
    gv_buf_printf(out, "%s Status = %s\n", it->data_name, status_word(it->res->status));
    if (show & GV_SHOW_SKIP)
        group(out, it, GV_RS_SKIP, "SKIP rules");
    if (show & GV_SHOW_PASS)
        group(out, it, GV_RS_PASS, "PASS rules");
    if (show & GV_SHOW_FAIL)
        group(out, it, GV_RS_FAIL, "FAILED rules");
}

void gv_report_value(gv_buf *out, const gv_node *n)
{
    if (n->kind == GV_REGEX) {
        gv_buf_printf(out, "\"/%.*s/\"", (int)n->len, n->u.s);
        return;
    }
    if (n->kind == GV_RANGE) {
        gv_buf_puts(out, "\"range\"");
        return;
    }
    gv_node_print_json(out, n, 0);
}

void gv_report_path(gv_buf *out, const gv_val *v)
{
    gv_path_print(out, v->path);
}
