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

/* The CLI's: a trace read only for the lines, key tests in bulk. */
static const gv_trace *retrace_for_lines(const gv_report_item *it, gv_arena *a)
{
    gv_trace *t = gv_trace_new_for_lines(a);
    gv_eval_result res;
    gv_error err;
    gv_error_clear(&err);
    gv_eval_opts o = { 1, t, NULL };
    if (!t || gv_eval_with(it->prog, it->root, a, &o, &res, &err) < 0)
        return NULL;
    return t;
}

static uint32_t count_nodes(const gv_tnode *n, int bulk_only)
{
    uint32_t k = bulk_only ? n->kind == GV_T_VALUE && n->check->kind == GV_CHECK_KEYS_BULK : 1;
    for (const gv_tnode *c = n->first; c; c = c->next)
        k += count_nodes(c, bulk_only);
    return k;
}

static uint32_t count_kind(const gv_tnode *n, gv_tkind kind)
{
    uint32_t k = n->kind == kind;
    for (const gv_tnode *c = n->first; c; c = c->next)
        k += count_kind(c, kind);
    return k;
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

/* A dangling reference looked up with `[ keys == %x ]`: the same lines
 * from a trace that keeps the failed key tests as one bulk node (one per
 * lookup, whatever the size of the map) as from a full trace. */
START_TEST(lines_trace_keeps_key_tests_in_bulk)
{
    run r;
    start_ok(&r, "let k = \"zz\"\nrule g { m[ keys == %k ] not empty\n m[ keys == \"b\" ].v == 1 }\n",
             "{\"m\": {\"a\": {\"v\": 1}, \"b\": {\"v\": 2}, \"c\": {\"v\": 3}}}");
    gv_buf full, bulk;
    gv_buf_init(&full);
    gv_buf_init(&bulk);
    gv_error e;
    r.it.retrace = retrace;
    ck_assert_int_eq(gv_report_details(&full, &r.it, GV_SHOW_FAIL, &e), 0);
    r.it.retrace = retrace_for_lines;
    ck_assert_int_eq(gv_report_details(&bulk, &r.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_ptr_nonnull(full.data);
    ck_assert_str_eq(bulk.data, full.data);
    ck_assert_int_eq(count(full.data, "Property [/m]"), 5); /* a, b, c against zz; a, c against b */
    gv_arena a;
    gv_arena_init(&a, 0);
    const gv_trace *lt = retrace_for_lines(&r.it, &a), *ft = retrace(&r.it, &a);
    ck_assert_uint_eq(count_nodes(gv_trace_root(lt), 1), 2);
    /* a tree trace keeps them in bulk too, and the keys tested (printed one
     * per key) as one GV_T_KEYS node per lookup */
    ck_assert_uint_eq(count_nodes(gv_trace_root(ft), 1), 2);
    ck_assert_uint_eq(count_kind(gv_trace_root(ft), GV_T_KEYS), 2);
    ck_assert_uint_eq(count_kind(gv_trace_root(lt), GV_T_KEYS), 0);
    ck_assert_uint_eq(count_kind(gv_trace_root(ft), GV_T_KEY), 0);
    ck_assert_uint_lt(count_nodes(gv_trace_root(lt), 0), count_nodes(gv_trace_root(ft), 0));
    gv_arena_free(&a);
    gv_buf_free(&full);
    gv_buf_free(&bulk);
    finish(&r);
}
END_TEST

/* Text reports of a lazy evaluation: failed key tests of a map inside a
 * resource are listed one by one under it, as from the expanded checks. */
START_TEST(cfn_details_expand_bulk_under_a_resource)
{
    const char *rules = "rule g { Resources.B.Properties.M[ keys == \"b\" ].v == 1 }\n";
    const char *data = "{\"Resources\": {\"B\": {\"Type\": \"T\", \"Properties\": "
                       "{\"M\": {\"a\": {\"v\": 1}, \"b\": {\"v\": 2}, \"c\": {\"v\": 3}}}}}}";
    run eager, lazy;
    start_ok(&eager, rules, data);
    start_ok(&lazy, rules, data);
    ck_assert_int_eq(gv_eval_lazy(lazy.p, lazy.it.root, &lazy.scratch, &lazy.res, &lazy.err), 0);
    ck_assert_uint_eq(lazy.res.rules[0].nchecks, 2); /* the bulk entry and v == 1 */
    ck_assert_uint_eq(eager.res.rules[0].nchecks, 3);
    gv_buf a, b;
    gv_buf_init(&a);
    gv_buf_init(&b);
    gv_error e;
    ck_assert_int_eq(gv_report_details(&a, &eager.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_int_eq(gv_report_details(&b, &lazy.it, GV_SHOW_FAIL, &e), 0);
    ck_assert_ptr_nonnull(a.data);
    ck_assert_str_eq(b.data, a.data);
    ck_assert_int_eq(count(a.data, "Value           = \"a\""), 1);
    ck_assert_int_eq(count(a.data, "Value           = \"c\""), 1);
    ck_assert_int_eq(count(a.data, "Value           = 2"), 1);
    gv_buf_free(&a);
    gv_buf_free(&b);
    finish(&eager);
    finish(&lazy);
}
END_TEST

/* Failures traced in a condition and a filter point at right-hand sets
 * in the arena: their clauses keep the sets on the C stack and copy them
 * out when a failure was traced (gv_trace_keep_rhs). */
static uint32_t failed_rhs(const gv_tnode *n, const gv_arena_span *sp, size_t nsp, uint32_t *outside)
{
    uint32_t k = 0;
    for (const gv_tnode *c = n->first; c; c = c->next) {
        if (c->kind == GV_T_VALUE && c->failed && c->check->nrhs) {
            k++;
            *outside += !gv_arena_spans_hold(sp, nsp, c->check->rhs_all);
        }
        k += failed_rhs(c, sp, nsp, outside);
    }
    return k;
}

START_TEST(traced_rhs_sets_outlive_their_clauses)
{
    run r;
    start_ok(&r, "let t = \"B\"\nrule c when X == \"a\" { Y exists }\n"
                 "rule f { R.*[ T == %t  U == \"u\" ] not empty }\n",
             "{\"X\": \"b\", \"R\": {\"p\": {\"T\": \"A\"}, \"q\": {\"T\": \"B\", \"U\": \"v\"}}}");
    gv_arena a;
    gv_arena_init(&a, 0);
    const gv_trace *t = retrace(&r.it, &a);
    ck_assert_ptr_nonnull(t);
    gv_arena spans;
    gv_arena_init(&spans, 0);
    size_t nsp = 0;
    gv_arena_span *sp = gv_arena_spans(&a, &spans, &nsp);
    uint32_t outside = 0;
    ck_assert_uint_ge(failed_rhs(gv_trace_root(t), sp, nsp, &outside), 3); /* X, p's T, q's U */
    ck_assert_uint_eq(outside, 0);
    gv_arena_free(&spans);
    gv_arena_free(&a);
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
    tcase_add_test(tc, lines_trace_keeps_key_tests_in_bulk);
    tcase_add_test(tc, cfn_details_expand_bulk_under_a_resource);
    tcase_add_test(tc, traced_rhs_sets_outlive_their_clauses);
    suite_add_tcase(s, tc);
    return s;
}
