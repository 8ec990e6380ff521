/* Where cfn-guard 3.1.1 panics on valid input, gavel stops with GV_E_PANIC
 * (the CLI turns it into exit 101): a filter on a map right after an index
 * is an evaluation error at the filter; a failing check on a variable bound
 * to a literal marks the rule (lit_fail), and gv_report_panic tells the
 * text formats (any such failure in a FAIL rule) from -z (only failures the
 * rule reports); the CloudFormation text report of a failing resource
 * without a Type panics before writing anything. The verdicts around them
 * are checked too. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "util/buf.h"
#include "report/report.h"
#include "run/ruleset.h"
#include "vm/eval.h"

#include "eval_fixture.h"


/* "name=status ..." of the evaluated rules (0 skip, 1 pass, 2 fail). */
static void statuses(const run *r, char *out, size_t cap)
{
    out[0] = '\0';
    for (uint32_t i = 0; i < r->res.nrules; i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s=%d ", r->p->strings[r->p->rules[r->res.rules[i].rule].name].s,
                 (int)r->res.rules[i].status);
    }
}

START_TEST(filter_after_index_on_map_panics_at_the_filter)
{
    run r;
    start(&r, "rule r {\n  m[0][ Name == 1 ] exists\n}\n", "{\"m\": [{}]}");
    ck_assert_int_eq(r.rc, -1);
    ck_assert_int_eq(r.err.code, GV_E_PANIC);
    ck_assert_uint_eq(r.err.loc.line, 2);
    ck_assert_uint_eq(r.err.loc.col, 7);
    ck_assert_ptr_nonnull(strstr(r.err.msg, "right after an index"));
    finish(&r);
}
END_TEST

START_TEST(filter_after_index_on_list_or_after_key_does_not_panic)
{
    char got[128];
    run r;
    start(&r, "rule a { m[0][ Name == 1 ] exists }\nrule b { k[ Name == 1 ] exists }\n",
          "{\"m\": [[{\"Name\": 1}]], \"k\": {\"x\": {\"Name\": 1}}}");
    ck_assert_int_eq(r.rc, 0);
    statuses(&r, got, sizeof got);
    ck_assert_str_eq(got, "a=1 b=1 ");
    finish(&r);
}
END_TEST

START_TEST(filter_after_filter_and_this_on_map_panic)
{
    run r;
    start(&r, "rule r { m[ x == 1 ][ y == 1 ] exists }\n", "{\"m\": [{\"x\": 1}]}");
    ck_assert_int_eq(r.err.code, GV_E_PANIC);
    finish(&r);
    start(&r, "rule r { this[ y == 1 ] exists }\n", "{\"y\": 1}");
    ck_assert_int_eq(r.err.code, GV_E_PANIC);
    finish(&r);
}
END_TEST

START_TEST(or_that_passed_never_reaches_the_panic)
{
    run r;
    start(&r, "rule r { a exists or m[0][ x == 1 ] exists }\n", "{\"a\": 1, \"m\": [{\"x\": 1}]}");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.res.rules[0].status, GV_RS_PASS);
    finish(&r);
}
END_TEST

START_TEST(failing_check_on_literal_variable_panics_in_both_modes)
{
    run r;
    gv_error e;
    start(&r, "let g = 1\nrule r {\n  %g is_list\n}\n", "{}");
    ck_assert_int_eq(r.rc, 0);
    ck_assert_int_eq(r.res.rules[0].status, GV_RS_FAIL);
    ck_assert_uint_ne(r.res.rules[0].lit_fail, 0);
    ck_assert_int_eq(gv_report_panic(&r.it, 0, &e), 1);
    ck_assert_int_eq(e.code, GV_E_PANIC);
    ck_assert_uint_eq(e.loc.line, 3);
    ck_assert_int_eq(gv_report_panic(&r.it, 1, &e), 1);
    finish(&r);
}
END_TEST

START_TEST(passing_or_panics_only_in_text_formats)
{
    run r;
    gv_error e;
    start(&r, "let g = 1\nrule r {\n  %g is_list or %g is_int\n  a exists\n}\n", "{}");
    ck_assert_int_eq(r.res.rules[0].status, GV_RS_FAIL);
    ck_assert_int_eq(gv_report_panic(&r.it, 0, &e), 1);
    ck_assert_int_eq(gv_report_panic(&r.it, 1, &e), 0);
    finish(&r);
}
END_TEST

START_TEST(literal_variable_cases_that_do_not_panic)
{
    static const char *const rules[] = {
        "let g = 1\nrule r { %g is_int }\n",                             /* passes */
        "let g = 1\nrule r { %g is_list or %g is_int }\n",               /* the rule passes */
        "let g = 1\nrule r when a exists { %g is_list }\n",              /* skipped */
        "let g = [1]\nrule r { %g[0] is_string }\n",                     /* a query into it */
        "let g = \"P\"\nrule r { %g empty }\n",                          /* empty */
        "rule p(x) { %x is_string }\nrule r { p(1) }\n",                 /* a literal argument */
        "let g = parse_int(\"4\")\nrule r { %g is_list }\n",             /* a function result */
        "let g = 1\nrule r { m[ %g is_list or this == 1 ] == 2 }\n",     /* inside a filter */
        "let g = 1\nrule q { %g is_list or %g is_int }\nrule r { q\n  a exists\n}\n", /* another rule */
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        run r;
        gv_error e;
        start(&r, rules[i], "{\"m\": [1]}");
        ck_assert_msg(r.rc == 0, "%s: %s", rules[i], r.err.msg);
        ck_assert_msg(gv_report_panic(&r.it, 0, &e) == 0, "%s panics in text", rules[i]);
        ck_assert_msg(gv_report_panic(&r.it, 1, &e) == 0, "%s panics with -z", rules[i]);
        finish(&r);
    }
}
END_TEST

START_TEST(literal_through_let_and_parameter_panics)
{
    static const char *const rules[] = {
        "let g = 1\nlet h = %g\nrule r { %h is_string }\n",
        "let g = 1\nrule p(x) { %x is_string }\nrule r { p(%g) }\n",
        "rule r {\n  let g = \"P\"\n  %g not exists\n}\n",
        "let g = [1, \"a\"]\nrule r { %g[*] is_string }\n",
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        run r;
        gv_error e;
        start(&r, rules[i], "{}");
        ck_assert_msg(r.rc == 0, "%s: %s", rules[i], r.err.msg);
        ck_assert_msg(gv_report_panic(&r.it, 0, &e) == 1, "%s: no panic in text", rules[i]);
        ck_assert_msg(gv_report_panic(&r.it, 1, &e) == 1, "%s: no panic with -z", rules[i]);
        finish(&r);
    }
}
END_TEST

START_TEST(cfn_report_of_a_resource_without_type_panics)
{
    static const struct {
        const char *data;
        int panics;
    } cases[] = {
        { "{\"Resources\": {\"A\": {\"Properties\": {\"x\": 1}}}}", 1 },
        { "{\"Resources\": {\"A\": {\"Type\": 1, \"Properties\": {\"x\": 1}}}}", 1 },
        { "{\"Resources\": {\"A\": {\"Type\": \"T\", \"Properties\": {\"x\": 1}}}}", 0 },
        { "{\"Resources\": {\"A\": {\"B\": {\"Type\": \"T\", \"Properties\": {\"x\": 1}}}}}", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run r;
        gv_error e;
        gv_error_clear(&e);
        gv_buf out;
        gv_buf_init(&out);
        int nested = strstr(cases[i].data, "\"B\"") != NULL;
        start(&r, nested ? "rule r { Resources.A.B.Properties.x == 2 }\n" : "rule r { Resources.A.Properties.x == 2 }\n",
              cases[i].data);
        ck_assert_int_eq(r.res.status, GV_RS_FAIL);
        ck_assert_int_eq(gv_report_details(&out, &r.it, GV_SHOW_ALL, &e), cases[i].panics);
        if (cases[i].panics) {
            ck_assert_int_eq(e.code, GV_E_PANIC);
            ck_assert_uint_eq(out.len, 0); /* nothing of the block is written */
        } else {
            ck_assert_ptr_nonnull(strstr(out.data, "Number of non-compliant resources 1"));
        }
        gv_buf_free(&out);
        finish(&r);
    }
}
END_TEST

START_TEST(comment_only_data_is_a_panic)
{
    gv_error err;
    gv_error_clear(&err);
    gv_load_opts o;
    gv_load_opts_default(&o);
    ck_assert_ptr_null(gv_doc_load_mem("d.yaml", "# only\n", 7, &o, &err));
    ck_assert_int_eq(err.code, GV_E_PANIC);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("panic");
    TCase *tc = tcase_create("panic");
    tcase_add_test(tc, filter_after_index_on_map_panics_at_the_filter);
    tcase_add_test(tc, filter_after_index_on_list_or_after_key_does_not_panic);
    tcase_add_test(tc, filter_after_filter_and_this_on_map_panic);
    tcase_add_test(tc, or_that_passed_never_reaches_the_panic);
    tcase_add_test(tc, failing_check_on_literal_variable_panics_in_both_modes);
    tcase_add_test(tc, passing_or_panics_only_in_text_formats);
    tcase_add_test(tc, literal_variable_cases_that_do_not_panic);
    tcase_add_test(tc, literal_through_let_and_parameter_panics);
    tcase_add_test(tc, cfn_report_of_a_resource_without_type_panics);
    tcase_add_test(tc, comment_only_data_is_a_panic);
    suite_add_tcase(s, tc);
    return s;
}
