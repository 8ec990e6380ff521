/* The test command's reports, byte for byte as cfn-guard 3.1.1 prints
 * them, except where it prints rules in hash order: gavel uses the rules
 * file's order (the default rule first). */
#include <string.h>

#include "report/jtree.h"
#include "run/testspec.h"

static const char *status_word(int s)
{
    return s == GV_RS_PASS ? "PASS" : s == GV_RS_FAIL ? "FAIL" : "SKIP";
}

/* "[FAIL, PASS]": every status the name got, in order. */
static void put_statuses(gv_buf *out, const gv_test_outcome *o)
{
    gv_buf_putc(out, '[');
    for (uint32_t i = 0; i < o->nstatuses; i++)
        gv_buf_printf(out, "%s%s", i ? ", " : "", status_word(o->statuses[i]));
    gv_buf_putc(out, ']');
}

void gv_test_report_case(gv_buf *out, const gv_test_names *n, const gv_test_result *r,
                         const gv_report_item *tree, const gv_trace *trace)
{
    gv_buf_printf(out, "Test Case #%u\n", r->number);
    if (r->name)
        gv_buf_printf(out, "Name: %s\n", r->name);
    for (uint32_t i = 0; i < r->nrules; i++)
        if (r->rules[i].expected < 0)
            gv_buf_printf(out, "  No Test expectation was set for Rule %s\n", n->names[r->rules[i].rule]);
    if (trace)
        gv_report_eval_tree(out, tree, trace);
    /* sections in sorted order, FAIL before PASS, as cfn-guard sorts them */
    if (r->nfailed)
        gv_buf_puts(out, "  FAIL Rules:\n");
    for (uint32_t i = 0; i < r->nrules; i++) {
        const gv_test_outcome *o = &r->rules[i];
        if (o->expected < 0 || o->met)
            continue;
        gv_buf_printf(out, "    %s: Expected = %s, Evaluated = ", n->names[o->rule], status_word(o->expected));
        put_statuses(out, o);
        gv_buf_putc(out, '\n');
    }
    if (r->npassed)
        gv_buf_puts(out, "  PASS Rules:\n");
    for (uint32_t i = 0; i < r->nrules; i++) {
        const gv_test_outcome *o = &r->rules[i];
        if (o->expected >= 0 && o->met)
            gv_buf_printf(out, "    %s: Expected = %s\n", n->names[o->rule], status_word(o->expected));
    }
    gv_buf_putc(out, '\n');
}

/* ---- JSON and YAML ---- */

static gv_jt *case_tree(gv_jb *b, const gv_test_names *n, const gv_test_result *r)
{
    gv_jt *c = gv_jt_obj(b), *passed = gv_jt_arr(b), *failed = gv_jt_arr(b), *skipped = gv_jt_arr(b);
    gv_jt_set(c, "name", gv_jt_str(b, r->name ? r->name : ""));
    for (uint32_t i = 0; i < r->nrules; i++) {
        const gv_test_outcome *o = &r->rules[i];
        gv_jt *e = gv_jt_obj(b);
        gv_jt_set(e, "name", gv_jt_str(b, n->names[o->rule]));
        if (o->expected < 0) {
            gv_jt_push(skipped, e);
        } else if (o->met) {
            gv_jt_set(e, "evaluated", gv_jt_str(b, status_word(o->expected)));
            gv_jt_push(passed, e);
        } else {
            gv_jt *ev = gv_jt_arr(b);
            gv_jt_set(e, "expected", gv_jt_str(b, status_word(o->expected)));
            for (uint32_t k = 0; k < o->nstatuses; k++)
                gv_jt_push(ev, gv_jt_str(b, status_word(o->statuses[k])));
            gv_jt_set(e, "evaluated", ev);
            gv_jt_push(failed, e);
        }
    }
    gv_jt_set(c, "passed_rules", passed);
    gv_jt_set(c, "failed_rules", failed);
    gv_jt_set(c, "skipped_rules", skipped);
    return c;
}

static gv_jt *record_tree(gv_jb *b, const gv_test_record *rec)
{
    gv_jt *o = gv_jt_obj(b);
    gv_jt_set(o, "rule_file", gv_jt_str(b, rec->rule_file));
    if (rec->error) {
        gv_jt_set(o, "error", gv_jt_str(b, rec->error));
        return o;
    }
    gv_jt *cases = gv_jt_arr(b);
    for (size_t i = 0; i < rec->ncases; i++)
        gv_jt_push(cases, case_tree(b, rec->names, &rec->cases[i]));
    gv_jt_set(o, "test_cases", cases);
    return o;
}

static int render_tree(gv_buf *out, const gv_test_record *recs, size_t n, int as_list, gv_test_format fmt)
{
    gv_arena a;
    gv_arena_init(&a, 64 * 1024);
    gv_jb b = { .a = &a };
    gv_jt *root = as_list ? gv_jt_arr(&b) : NULL;
    for (size_t i = 0; i < n; i++) {
        gv_jt *rec = record_tree(&b, &recs[i]);
        if (as_list)
            gv_jt_push(root, rec);
        else
            root = rec;
    }
    int rc = b.oom ? -1 : 0;
    if (!root) { /* -r with no record: nothing to print */
        gv_arena_free(&a);
        return rc;
    }
    if (rc == 0 && fmt == GV_TEST_JSON)
        gv_jt_render_json(out, root);
    else if (rc == 0)
        gv_jt_render_yaml(out, root);
    gv_arena_free(&a);
    return rc;
}

/* ---- JUnit ---- */

static void xml_str(gv_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': gv_buf_puts(out, "&amp;"); break;
        case '<': gv_buf_puts(out, "&lt;"); break;
        case '>': gv_buf_puts(out, "&gt;"); break;
        case '"': gv_buf_puts(out, "&quot;"); break;
        case '\'': gv_buf_puts(out, "&apos;"); break;
        default: gv_buf_putc(out, *s);
        }
    }
}

static void junit_outcome(gv_buf *out, const gv_test_names *n, const gv_test_result *r, const gv_test_outcome *o)
{
    gv_buf_puts(out, "        <testcase id=\"");
    xml_str(out, r->name ? r->name : "");
    gv_buf_puts(out, "\" name=\"");
    xml_str(out, n->names[o->rule]);
    if (o->met) {
        gv_buf_puts(out, "\" time=\"0\" status=\"pass\"/>\n");
        return;
    }
    gv_buf_printf(out, "\" time=\"0\">\n            <failure>Expected = %s, Evaluated = ", status_word(o->expected));
    put_statuses(out, o);
    gv_buf_puts(out, "</failure>\n        </testcase>\n");
}

static void junit_record(gv_buf *out, const gv_test_record *rec)
{
    size_t failures = 0;
    for (size_t i = 0; i < rec->ncases; i++)
        failures += rec->cases[i].nfailed;
    gv_buf_puts(out, "    <testsuite name=\"");
    xml_str(out, rec->rule_file);
    gv_buf_printf(out, "\" errors=\"%d\" failures=\"%zu\" time=\"0\">\n", rec->error ? 1 : 0, failures);
    if (rec->error) {
        gv_buf_puts(out, "        <testcase name=\"");
        xml_str(out, rec->rule_file);
        gv_buf_puts(out, "\" time=\"0\" status=\"error\">\n            <error>");
        xml_str(out, rec->error);
        gv_buf_puts(out, "</error>\n        </testcase>\n");
    }
    /* per case, the met expectations first, then the others */
    for (size_t i = 0; i < rec->ncases; i++)
        for (int met = 1; met >= 0; met--)
            for (uint32_t k = 0; k < rec->cases[i].nrules; k++) {
                const gv_test_outcome *o = &rec->cases[i].rules[k];
                if (o->expected >= 0 && o->met == met)
                    junit_outcome(out, rec->names, &rec->cases[i], o);
            }
    gv_buf_puts(out, "    </testsuite>\n");
}

static void render_junit(gv_buf *out, const gv_test_record *recs, size_t n)
{
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        errors += recs[i].error != NULL;
        for (size_t k = 0; k < recs[i].ncases; k++) {
            tests += recs[i].cases[k].npassed + recs[i].cases[k].nfailed;
            failures += recs[i].cases[k].nfailed;
        }
    }
    gv_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    gv_buf_printf(out, "<testsuites name=\"cfn-guard test report\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"",
                  tests + errors, failures, errors);
    gv_buf_puts(out, " time=\"0\">\n");
    for (size_t i = 0; i < n; i++)
        junit_record(out, &recs[i]);
    gv_buf_puts(out, "</testsuites>\n");
}

int gv_test_report_records(gv_buf *out, const gv_test_record *recs, size_t n, int as_list, gv_test_format fmt)
{
    if (fmt == GV_TEST_JUNIT) {
        render_junit(out, recs, n);
        return out->oom ? -1 : 0;
    }
    return render_tree(out, recs, n, as_list, fmt);
}
