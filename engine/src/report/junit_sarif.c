/* -z -o junit and -z -o sarif, as cfn-guard 3.1.1 writes them, written as
 * they are walked. JUnit: one testsuite per data file, one testcase per
 * rules file (elapsed times are written as 0). SARIF: one result per
 * failed check. */
#include <ctype.h>
#include <string.h>

#include "report/fmt.h"
#include "report/jwrite.h"
#include "report/report_int.h"

static void xml_text(gv_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': gv_buf_puts(out, "&amp;"); break;
        case '<': gv_buf_puts(out, "&lt;"); break;
        case '>': gv_buf_puts(out, "&gt;"); break;
        case '"': gv_buf_puts(out, "&quot;"); break;
        case '\'': gv_buf_puts(out, "&apos;"); break;
        default: gv_buf_putc(out, s[i]);
        }
    }
}

static void xml_str(gv_buf *out, const char *s)
{
    xml_text(out, s, strlen(s));
}

typedef void (*check_fn)(void *ctx, const gv_report_item *it, const gv_rule_result *r, const gv_check *c);

/* Each shown check of a failing rule, in order, a bulk entry's key tests
 * one at a time where it stands (not expanded: a dangling reference in a
 * large template stands for one per resource). */
static void each_check(const gv_report_item *it, const gv_rule_result *r, check_fn fn, void *ctx)
{
    for (uint32_t k = 0; k < r->nchecks; k++) {
        const gv_check *c = &r->checks[k];
        if (c->kind != GV_CHECK_KEYS_BULK) {
            if (!gv_check_hidden(it, c))
                fn(ctx, it, r, c);
            continue;
        }
        gv_node key;
        gv_check test;
        for (uint32_t m = 0; gv_key_check_next(c, &m, &key, &test);)
            if (!gv_check_hidden(it, &test))
                fn(ctx, it, r, &test);
    }
}

/* The failure text: every failed check's custom message and error
 * message, written as each rule's checks come. */
typedef struct failure_text {
    gv_buf *out;
    gv_buf t; /* one check's text, then escaped into out */
} failure_text;

static void failure_of_check(void *ctx, const gv_report_item *it, const gv_rule_result *r, const gv_check *c)
{
    (void)r;
    failure_text *f = ctx;
    gv_buf_clear(&f->t);
    const char *msg = gv_msg_custom(it, c);
    if (msg)
        gv_buf_puts(&f->t, msg);
    gv_msg_error(&f->t, it, c);
    xml_text(f->out, f->t.data ? f->t.data : "", f->t.len);
    if (f->t.oom)
        f->out->oom = 1;
}

static void failure_of_rule(void *ctx, const gv_report_item *it, const gv_rule_result *r)
{
    each_check(it, r, failure_of_check, ctx);
}

/* The last failing rule's name (statuses are always kept). */
static const char *last_failing(const gv_report_item *it)
{
    const char *last = "";
    for (uint32_t i = 0; i < it->res->nrules; i++)
        if (it->res->rules[i].status == GV_RS_FAIL)
            last = it->prog->strings[it->prog->rules[it->res->rules[i].rule].name].s;
    return last;
}

static int testcase(gv_buf *out, gv_arena *a, const gv_report_item *it, const gv_report_sink *sink)
{
    gv_buf_puts(out, "        <testcase name=\"");
    xml_str(out, it->rules_name);
    if (it->res->status != GV_RS_FAIL) {
        gv_buf_printf(out, "\" time=\"0\" status=\"%s\"/>\n", it->res->status == GV_RS_PASS ? "pass" : "skip");
        return 0;
    }
    gv_buf_puts(out, "\" time=\"0\">\n            <failure message=\"");
    xml_str(out, last_failing(it));
    gv_buf_puts(out, "\">");
    failure_text f = { out, { 0 } };
    gv_buf_init(&f.t);
    int rc = gv_report_failing_rules(a, it, sink, failure_of_rule, &f);
    gv_buf_free(&f.t);
    gv_buf_puts(out, "</failure>\n        </testcase>\n");
    return rc;
}

static size_t failing(const gv_report_file *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->items[i].res->status == GV_RS_FAIL;
    return n;
}

int gv_report_junit(gv_buf *out, gv_arena *a, const gv_report_file *files, size_t n, const gv_report_sink *sink)
{
    size_t tests = 0, failures = 0;
    for (size_t i = 0; i < n; i++) {
        tests += files[i].n;
        failures += failing(&files[i]);
    }
    gv_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"cfn-guard validate report\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"0\">\n",
                  tests, failures);
    for (size_t i = 0; i < n; i++) {
        gv_buf_puts(out, "    <testsuite name=\"");
        xml_str(out, files[i].data_name);
        gv_buf_printf(out, "\" errors=\"0\" failures=\"%zu\" time=\"0\">\n", failing(&files[i]));
        for (size_t k = 0; k < files[i].n; k++)
            if (testcase(out, a, &files[i].items[k], sink) < 0)
                return -1;
        gv_buf_puts(out, "    </testsuite>\n");
    }
    gv_buf_puts(out, "</testsuites>\n");
    return out->oom ? -1 : 0;
}

/* ---- SARIF ---- */

static const char sarif_description[] =
    "AWS CloudFormation Guard is an open-source general-purpose policy-as-code evaluation tool. It provides "
    "developers with a simple-to-use, yet powerful and expressive domain-specific language (DSL) to define "
    "policies and enables developers to validate JSON- or YAML- formatted structured data with those policies.";

static void driver(gv_jw *w)
{
    gv_jw_obj(w, "driver");
    gv_jw_cstr(w, "name", "cfn-guard");
    gv_jw_cstr(w, "semanticVersion", "3.1.1");
    gv_jw_cstr(w, "fullName", "cfn-guard 3.1.1");
    gv_jw_cstr(w, "organization", "Amazon Web Services");
    gv_jw_cstr(w, "downloadUri", "https://github.com/aws-cloudformation/cloudformation-guard");
    gv_jw_cstr(w, "informationUri", "https://github.com/aws-cloudformation/cloudformation-guard");
    gv_jw_obj(w, "shortDescription");
    gv_jw_cstr(w, "text", sarif_description);
    gv_jw_end(w);
    gv_jw_end(w);
}

static const char *uri_of(const char *name)
{
    return name[0] == '/' ? name + 1 : name;
}

static void location(gv_jw *w, const char *data_name, int64_t line, int64_t col)
{
    gv_jw_arr(w, "locations");
    gv_jw_obj(w, NULL);
    gv_jw_obj(w, "physicalLocation");
    gv_jw_obj(w, "artifactLocation");
    gv_jw_cstr(w, "uri", uri_of(data_name));
    gv_jw_end(w);
    gv_jw_obj(w, "region");
    gv_jw_int(w, "startLine", line);
    gv_jw_int(w, "startColumn", col);
    gv_jw_end(w);
    gv_jw_end(w);
    gv_jw_end(w);
    gv_jw_end(w);
}

static void result(void *ctx, const gv_report_item *it, const gv_rule_result *r, const gv_check *c)
{
    gv_jw *w = ctx;
    if (w->oom)
        return;
    gv_jw_obj(w, NULL);
    gv_buf *t = &w->tmp;
    gv_buf_clear(t);
    gv_report_rule_name(t, it, r->rule);
    for (size_t i = 0; i < t->len; i++)
        t->data[i] = (char)toupper((unsigned char)t->data[i]);
    gv_jw_tmp(w, "ruleId");
    gv_jw_cstr(w, "level", "error");
    gv_buf_clear(t);
    gv_msg_error(t, it, c);
    const char *msg = gv_msg_custom(it, c);
    gv_buf_printf(t, " %s", msg ? msg : "");
    gv_jw_obj(w, "message");
    gv_jw_tmp(w, "text");
    gv_jw_end(w);
    /* cfn-guard locates unresolved checks where their query stopped and
     * set comparisons at their value, the others at 1:1 */
    int64_t line = 1, col = 1;
    gv_shape shape = gv_check_shape(it, c);
    const gv_node *at = NULL;
    if (shape == GV_SHAPE_BINARY_MISSING || shape == GV_SHAPE_UNARY_MISSING || shape == GV_SHAPE_BLOCK_MISSING ||
        shape == GV_SHAPE_IN)
        at = gv_msg_located(it, gv_check_at(it, c));
    if (at && at->located) { /* 0-based, but never below 1 (probed: [L:0,C:0] is 1:1, [L:2,C:56] 2:56) */
        line = at->line > 1 ? at->line - 1 : 1;
        col = at->col > 1 ? at->col - 1 : 1;
    }
    location(w, it->data_name, line, col);
    gv_jw_end(w);
}

static void results_of_rule(void *ctx, const gv_report_item *it, const gv_rule_result *r)
{
    each_check(it, r, result, ctx);
}

int gv_report_sarif(gv_buf *out, gv_arena *a, const gv_report_file *files, size_t n, const gv_report_sink *sink)
{
    gv_jw w;
    gv_jw_init_json(&w, out, 0);
    gv_jw_obj(&w, NULL);
    gv_jw_cstr(&w, "$schema", "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
    gv_jw_cstr(&w, "version", "2.1.0");
    gv_jw_arr(&w, "runs");
    gv_jw_obj(&w, NULL);
    gv_jw_obj(&w, "tool");
    driver(&w);
    gv_jw_end(&w);
    gv_jw_arr(&w, "artifacts");
    for (size_t i = 0; i < n; i++) {
        gv_jw_obj(&w, NULL);
        gv_jw_obj(&w, "location");
        gv_jw_cstr(&w, "uri", uri_of(files[i].data_name));
        gv_jw_end(&w);
        gv_jw_end(&w);
    }
    gv_jw_end(&w);
    gv_jw_arr(&w, "results");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        for (size_t k = 0; k < files[i].n && rc == 0; k++)
            rc = gv_report_failing_rules(a, &files[i].items[k], sink, results_of_rule, &w);
    gv_jw_end(&w);
    gv_jw_end(&w);
    gv_jw_end(&w);
    gv_jw_end(&w);
    if (w.oom)
        rc = -1;
    gv_jw_finish(&w);
    return rc;
}
