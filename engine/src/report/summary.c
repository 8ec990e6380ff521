/* single-line-summary, cfn-guard's default output (per rules x data pair):
 *   DATA Status = FAIL
 *   SKIP rules / PASS rules / FAILED rules, each followed by
 *   RULESFILE/RULE<padding>STATUS lines, in declaration order
 *   ---
 * printed only when some rule has a status -S selects. */
#include "report/report.h"

#include <string.h>

void gv_report_rule_name(gv_buf *out, const gv_report_item *it, uint32_t rule)
{
    const gv_rule_decl *d = &it->prog->rules[rule];
    if (d->is_default)
        gv_buf_printf(out, "%s/", it->rules_name);
    gv_buf_puts(out, it->prog->strings[d->name].s);
}

static const char *raw_name(const gv_report_item *it, uint32_t i)
{
    return it->prog->strings[it->prog->rules[it->res->rules[i].rule].name].s;
}

static const char *status_word(gv_rstatus s)
{
    return s == GV_RS_PASS ? "PASS" : s == GV_RS_FAIL ? "FAIL" : "SKIP";
}

/* cfn-guard lists a name once per status, and lists it as skipped only
 * when none of its declarations passed or failed (probed). */
static int hidden(const gv_report_item *it, uint32_t i)
{
    const gv_rule_result *r = &it->res->rules[i];
    for (uint32_t j = 0; j < it->res->nrules; j++) {
        if (j == i || strcmp(raw_name(it, i), raw_name(it, j)) != 0)
            continue;
        gv_rstatus o = it->res->rules[j].status;
        if ((j < i && o == r->status) || (r->status == GV_RS_SKIP && o != GV_RS_SKIP))
            return 1;
    }
    return 0;
}

static int selected(const gv_report_item *it, gv_rstatus want)
{
    for (uint32_t i = 0; i < it->res->nrules; i++)
        if (it->res->rules[i].status == want && !hidden(it, i))
            return 1;
    return 0;
}

/* Status words line up at the longest FILE/RULE of the file plus four. */
static size_t name_width(const gv_report_item *it)
{
    size_t w = 0, base = strlen(it->rules_name) + 1;
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        size_t n = base + strlen(raw_name(it, i));
        if (n > w)
            w = n;
    }
    return w + 4;
}

static void group(gv_buf *out, const gv_report_item *it, gv_rstatus want, const char *title, size_t width)
{
    gv_buf_printf(out, "%s\n", title);
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        if (it->res->rules[i].status != want || hidden(it, i))
            continue;
        size_t start = out->len;
        gv_buf_printf(out, "%s/%s", it->rules_name, raw_name(it, i));
        for (size_t n = out->len - start; n < width; n++)
            gv_buf_putc(out, ' ');
        gv_buf_printf(out, "%s\n", status_word(want));
    }
}

void gv_report_summary(gv_buf *out, const gv_report_item *it, unsigned show)
{
    int skip = (show & GV_SHOW_SKIP) && selected(it, GV_RS_SKIP);
    int pass = (show & GV_SHOW_PASS) && selected(it, GV_RS_PASS);
    int fail = (show & GV_SHOW_FAIL) && selected(it, GV_RS_FAIL);
    if (!skip && !pass && !fail)
        return;
    size_t width = name_width(it);
    gv_buf_printf(out, "%s Status = %s\n", it->data_name, status_word(it->res->status));
    if (skip)
        group(out, it, GV_RS_SKIP, "SKIP rules", width);
    if (pass)
        group(out, it, GV_RS_PASS, "PASS rules", width);
    if (fail)
        group(out, it, GV_RS_FAIL, "FAILED rules", width);
    gv_buf_puts(out, "---\n");
}
