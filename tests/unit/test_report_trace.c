/* The generic reporter's lines come from an evaluation trace when the item
 * can give one (gv_report_item.trace / retrace): every failed comparison
 * of a failing rule, also a failed alternative of an `or` that passed;
 * without a trace it lists the checks that made the rule fail. A key
 * taken from a literal list and missing from the map keeps the list
 * item's path (gv_key_item) through gv_eval_result_retain, after the
 * scratch arena it was made in is gone. */
#include <check.h>
#include <string.h>

#include "doc/doc.h"
#include "report/report.h"
#include "run/ruleset.h"
#include "util/buf.h"
#include "vm/eval.h"

#include "eval_fixture.h"
#include "vm/trace.h"

/* Evaluations here succeed. */
static void start_ok(run *r, const char *rules, const char *data)
{
    start(r, rules, data);
    ck_assert_int_eq(r->rc, 0);
}

/* What the CLI gives the reporter: the item evaluated again, traced. */
static const gv_trace *retrace(const gv_report_item *it, gv_arena *a)
{
    gv_trace *t = gv_trace_new(a);
    gv_eval_result res;
    gv_error err;
    gv_error_clear(&err);
    if (!t || gv_eval_traced(it->prog, it->root, a, &res, t, &err) < 0)
        return NULL;
    return t;
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

START_TEST(traced_lines_include_failed_alternatives)
{
    run r;
    start_ok(&r, "rule g { a == 2 or a == 1\n b == 3 }\n", "{\"a\": 1, \"b\": 4}");
    gv_buf out;
    gv_buf_init(&out);
    gv_error e;
    r.it.retrace = retrace;
    ck_assert_int_eq(gv_report_details(&out, &r.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_int_eq(count(out.data, "Property [/a]"), 1);
    ck_assert_int_eq(count(out.data, "Property [/b]"), 1);
    ck_assert_int_lt((int)(strstr(out.data, "[/a]") - out.data), (int)(strstr(out.data, "[/b]") - out.data));
    gv_buf_free(&out);
    finish(&r);
}
END_TEST

START_TEST(without_a_trace_only_the_checks_that_failed_the_rule)
{
    run r;
    start_ok(&r, "rule g { a == 2 or a == 1\n b == 3 }\n", "{\"a\": 1, \"b\": 4}");
    gv_buf out;
    gv_buf_init(&out);
    gv_error e;
    ck_assert_int_eq(gv_report_details(&out, &r.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_ptr_nonnull(out.data);
    ck_assert_int_eq(count(out.data, "Property [/a]"), 0);
    ck_assert_int_eq(count(out.data, "Property [/b]"), 1);
    gv_buf_free(&out);
    finish(&r);
}
END_TEST

START_TEST(called_rule_with_message_is_one_line)
{
    run r;
    start_ok(&r, "rule chk(x) { %x == 2 }\nrule g { chk(a) <<why>>\n b == 3 }\n", "{\"a\": 1, \"b\": 4}");
    gv_buf out;
    gv_buf_init(&out);
    gv_error e;
    r.it.retrace = retrace;
    ck_assert_int_eq(gv_report_details(&out, &r.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_ptr_nonnull(strstr(out.data, "Parameterized Rule chk failed for d.json. Reason why\n"));
    ck_assert_int_eq(count(out.data, "Property [/a]"), 0);
    gv_buf_free(&out);
    finish(&r);
}
END_TEST

START_TEST(key_item_survives_retain)
{
    run r;
    start_ok(&r, "let ks = [\"z\", \"a\"]\nrule g { m.%ks == 1 }\n", "{\"m\": {\"a\": 1}}");
    ck_assert_uint_eq(r.res.nrules, 1);
    ck_assert_uint_eq(r.res.rules[0].nchecks, 1);
    gv_arena keep;
    gv_arena_init(&keep, 0);
    ck_assert_int_eq(gv_eval_result_retain(&r.res, &r.scratch, &keep), 0);
    gv_arena_free(&r.scratch); /* everything left must live in keep */
    gv_arena_init(&r.scratch, 0);
    const gv_val *lhs = &r.res.rules[0].checks[0].lhs;
    const gv_key_item *k = gv_val_key_item(lhs);
    ck_assert_ptr_nonnull(k);
    ck_assert_str_eq(k->text, "z");
    ck_assert_str_eq(lhs->missing, "z");
    ck_assert_int_eq(k->literal, 1);
    gv_buf path;
    gv_buf_init(&path);
    gv_path_print(&path, k->path);
    ck_assert_str_eq(path.data, "/0");
    gv_buf_clear(&path);
    gv_path_print(&path, lhs->path);
    ck_assert_str_eq(path.data, "/m");
    gv_buf_free(&path);
    gv_arena_free(&keep);
    finish(&r);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("report_trace");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, traced_lines_include_failed_alternatives);
    tcase_add_test(tc, without_a_trace_only_the_checks_that_failed_the_rule);
    tcase_add_test(tc, called_rule_with_message_is_one_line);
    tcase_add_test(tc, key_item_survives_retain);
    suite_add_tcase(s, tc);
    return s;
}
