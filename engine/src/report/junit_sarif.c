/* -z -o junit and -z -o sarif, as cfn-guard 3.1.1 writes them. JUnit: one
 * testsuite per data file, one testcase per rules file (elapsed times are
 * written as 0). SARIF: one result per failed check. */
#include <ctype.h>
#include <string.h>

#include "report/fmt.h"
#include "report/jtree.h"
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

/* The failure text: every failed check's custom message and error message. */
static const char *failure(gv_buf *out, const gv_report_item *it)
{
    const char *last = "";
    gv_buf t;
    gv_buf_init(&t);
    for (uint32_t i = 0; i < it->res->nrules; i++) {
        const gv_rule_result *r = &it->res->rules[i];
        if (r->status != GV_RS_FAIL)
            continue;
        last = it->prog->strings[it->prog->rules[r->rule].name].s;
        for (uint32_t k = 0; k < r->nchecks; k++) {
            if (gv_check_hidden(it, &r->checks[k]))
                continue;
            const char *msg = gv_msg_custom(it, &r->checks[k]);
            if (msg)
                gv_buf_puts(&t, msg);
            gv_msg_error(&t, it, &r->checks[k]);
        }
    }
    xml_text(out, t.data ? t.data : "", t.len);
    if (t.oom)
        out->oom = 1;
    gv_buf_free(&t);
    return last;
}

static void testcase(gv_buf *out, const gv_report_item *it)
{
    gv_buf_puts(out, "        <testcase name=\"");
    xml_str(out, it->rules_name);
    if (it->res->status != GV_RS_FAIL) {
        gv_buf_printf(out, "\" time=\"0\" status=\"%s\"/>\n", it->res->status == GV_RS_PASS ? "pass" : "skip");
        return;
    }
    gv_buf_puts(out, "\" time=\"0\">\n            <failure message=\"");
    gv_buf text;
    gv_buf_init(&text);
    const char *rule = failure(&text, it);
    xml_str(out, rule);
    gv_buf_puts(out, "\">");
    gv_buf_append(out, text.data, text.len);
    gv_buf_free(&text);
    gv_buf_puts(out, "</failure>\n        </testcase>\n");
}

static size_t failing(const gv_report_file *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += f->items[i].res->status == GV_RS_FAIL;
    return n;
}

int gv_report_junit(gv_buf *out, const gv_report_file *files, size_t n)
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
            testcase(out, &files[i].items[k]);
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

static gv_jt *driver(gv_jb *b)
{
    gv_jt *d = gv_jt_obj(b);
    gv_jt_set(d, "name", gv_jt_str(b, "cfn-guard"));
    gv_jt_set(d, "semanticVersion", gv_jt_str(b, "3.1.1"));
    gv_jt_set(d, "fullName", gv_jt_str(b, "cfn-guard 3.1.1"));
    gv_jt_set(d, "organization", gv_jt_str(b, "Amazon Web Services"));
    gv_jt_set(d, "downloadUri", gv_jt_str(b, "https://github.com/aws-cloudformation/cloudformation-guard"));
    gv_jt_set(d, "informationUri", gv_jt_str(b, "https://github.com/aws-cloudformation/cloudformation-guard"));
    gv_jt_set(gv_jt_set(d, "shortDescription", gv_jt_obj(b)), "text", gv_jt_str(b, sarif_description));
    return d;
}

static const char *uri_of(const char *name)
{
    return name[0] == '/' ? name + 1 : name;
}

static gv_jt *location(gv_jb *b, const char *data_name, int64_t line, int64_t col)
{
    gv_jt *locs = gv_jt_arr(b);
    gv_jt *phys = gv_jt_set(gv_jt_push(locs, gv_jt_obj(b)), "physicalLocation", gv_jt_obj(b));
    gv_jt_set(gv_jt_set(phys, "artifactLocation", gv_jt_obj(b)), "uri", gv_jt_str(b, uri_of(data_name)));
    gv_jt *region = gv_jt_set(phys, "region", gv_jt_obj(b));
    gv_jt_set(region, "startLine", gv_jt_int(b, line));
    gv_jt_set(region, "startColumn", gv_jt_int(b, col));
    return locs;
}

static gv_jt *result(gv_jb *b, const gv_report_item *it, const gv_rule_result *r, const gv_check *c)
{
    gv_jt *res = gv_jt_obj(b);
    gv_buf t;
    gv_buf_init(&t);
    gv_report_rule_name(&t, it, r->rule);
    for (size_t i = 0; i < t.len; i++)
        t.data[i] = (char)toupper((unsigned char)t.data[i]);
    gv_jt_set(res, "ruleId", gv_jt_buf(b, &t));
    gv_jt_set(res, "level", gv_jt_str(b, "error"));
    gv_buf_clear(&t);
    gv_msg_error(&t, it, c);
    const char *msg = gv_msg_custom(it, c);
    gv_buf_printf(&t, " %s", msg ? msg : "");
    gv_jt_set(gv_jt_set(res, "message", gv_jt_obj(b)), "text", gv_jt_buf(b, &t));
    gv_buf_free(&t);
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
    gv_jt_set(res, "locations", location(b, it->data_name, line, col));
    return res;
}

int gv_report_sarif(gv_buf *out, gv_jb *b, const gv_report_file *files, size_t n)
{
    gv_jt *root = gv_jt_obj(b);
    gv_jt_set(root, "$schema",
              gv_jt_str(b, "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"));
    gv_jt_set(root, "version", gv_jt_str(b, "2.1.0"));
    gv_jt *run = gv_jt_push(gv_jt_set(root, "runs", gv_jt_arr(b)), gv_jt_obj(b));
    gv_jt_set(gv_jt_set(run, "tool", gv_jt_obj(b)), "driver", driver(b));
    gv_jt *artifacts = gv_jt_set(run, "artifacts", gv_jt_arr(b));
    gv_jt *results = gv_jt_set(run, "results", gv_jt_arr(b));
    for (size_t i = 0; i < n; i++) {
        gv_jt_set(gv_jt_set(gv_jt_push(artifacts, gv_jt_obj(b)), "location", gv_jt_obj(b)), "uri",
                  gv_jt_str(b, uri_of(files[i].data_name)));
        for (size_t k = 0; k < files[i].n; k++) {
            const gv_report_item *it = &files[i].items[k];
            for (uint32_t r = 0; r < it->res->nrules; r++)
                for (uint32_t c = 0; it->res->rules[r].status == GV_RS_FAIL && c < it->res->rules[r].nchecks; c++)
                    if (!gv_check_hidden(it, &it->res->rules[r].checks[c]))
                        gv_jt_push(results, result(b, it, &it->res->rules[r], &it->res->rules[r].checks[c]));
        }
    }
    if (b->oom)
        return -1;
    gv_jt_render_json(out, root);
    return 0;
}
