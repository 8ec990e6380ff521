/* Function results whose *type* follows cfn-guard 3.1.1 rather than the
 * data loader: parse_char's char, and json_parse's serde_yaml scalar
 * typing. Every expectation is what the oracle gave (probes 310-330 in
 * tests/conformance/probes hold the rule-level versions). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "vm/compare.h"
#include "vm/functions.h"
#include "vm/value.h"

typedef struct fx {
    gv_arena a;
    gv_valset args[3];
    gv_valset out;
    gv_error err;
} fx;

static void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    gv_arena_init(&f->a, 4096);
    gv_error_clear(&f->err);
}

static void fx_done(fx *f)
{
    gv_arena_free(&f->a);
}

static void add(fx *f, int arg, gv_node *n)
{
    gv_val v = {.node = n, .path = gv_path_key(&f->a, NULL, "p", 1)};
    gv_valset_push(&f->a, &f->args[arg], v);
}

static void add_s(fx *f, int arg, const char *s)
{
    add(f, arg, gv_make_string(&f->a, s, strlen(s)));
}

static int call(fx *f, int fn, uint32_t nargs)
{
    f->out.n = 0;
    gv_error_clear(&f->err);
    return gv_fn_call(fn, &f->a, f->args, nargs, &f->out, NULL, &f->err);
}

static void reset_args(fx *f)
{
    memset(f->args, 0, sizeof f->args);
}

static const gv_node *out(fx *f, uint32_t i)
{
    ck_assert_uint_gt(f->out.n, i);
    return f->out.v[i].node;
}

static void is_text(const gv_node *n, gv_kind kind, const char *want)
{
    ck_assert_int_eq(n->kind, kind);
    ck_assert_uint_eq(n->len, strlen(want));
    ck_assert(memcmp(n->u.s, want, n->len) == 0);
}

/* ---- parse_char ---- */

START_TEST(parse_char_makes_chars)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "a");
    add_s(&f, 0, "");                           /* nothing */
    add(&f, 0, gv_make_int(&f.a, 5));
    add(&f, 0, gv_make_float(&f.a, 65.7));      /* nothing */
    add(&f, 0, gv_make_bool(&f.a, true));       /* nothing */
    add(&f, 0, gv_make_char(&f.a, 'z'));        /* a char in: a string out */
    ck_assert_int_eq(call(&f, GV_FN_PARSE_CHAR, 1), 0);
    ck_assert_uint_eq(f.out.n, 3);
    is_text(out(&f, 0), GV_CHAR, "a");
    is_text(out(&f, 1), GV_CHAR, "5");
    is_text(out(&f, 2), GV_STRING, "z");
    reset_args(&f);
    add_s(&f, 0, "ab");
    ck_assert_int_eq(call(&f, GV_FN_PARSE_CHAR, 1), -1);
    ck_assert_str_eq(f.err.msg, "failed to convert an string: ab into a char at /p");
    reset_args(&f);
    add_s(&f, 0, "\xc3\xa9"); /* one character, two bytes */
    ck_assert_int_eq(call(&f, GV_FN_PARSE_CHAR, 1), -1);
    int64_t badi[] = {65, -3, 1114111};
    for (size_t i = 0; i < 3; i++) {
        reset_args(&f);
        add(&f, 0, gv_make_int(&f.a, badi[i]));
        ck_assert_int_eq(call(&f, GV_FN_PARSE_CHAR, 1), -1);
    }
    ck_assert_str_eq(f.err.msg, "failed to convert an int: 1114111 into a char at /p");
    fx_done(&f);
}
END_TEST

START_TEST(char_compares_only_with_chars)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_error e;
    gv_error_clear(&e);
    gv_node *ca = gv_make_char(&a, 'a'), *ca2 = gv_make_char(&a, 'a'), *cb = gv_make_char(&a, 'b');
    gv_node *sa = gv_make_string(&a, "a", 1);
    ck_assert_int_eq(gv_compare(GV_OP_EQ, ca, ca2, &e), GV_CMP_TRUE);
    ck_assert_int_eq(gv_compare(GV_OP_EQ, ca, cb, &e), GV_CMP_FALSE);
    ck_assert_int_eq(gv_compare(GV_OP_LT, ca, cb, &e), GV_CMP_TRUE);
    ck_assert_int_eq(gv_compare(GV_OP_GT, ca, cb, &e), GV_CMP_FALSE);
    /* a char and a string never compare: == and != both fail */
    ck_assert_int_eq(gv_compare(GV_OP_EQ, ca, sa, &e), GV_CMP_INCOMPARABLE);
    ck_assert_int_eq(gv_compare(GV_OP_EQ, sa, ca, &e), GV_CMP_INCOMPARABLE);
    ck_assert_int_eq(gv_compare(GV_OP_LT, ca, sa, &e), GV_CMP_INCOMPARABLE);
    ck_assert_int_eq(gv_compare(GV_OP_IN, ca, sa, &e), GV_CMP_INCOMPARABLE);
    /* but IN a list of strings is a plain "not found" (NOT IN holds) */
    gv_node *items[1] = {sa};
    gv_node list = {.kind = GV_LIST, .len = 1, .u.items = items};
    ck_assert_int_eq(gv_compare(GV_OP_IN, ca, &list, &e), GV_CMP_FALSE);
    ck_assert(!gv_node_equal(ca, sa));
    ck_assert(gv_node_equal(ca, ca2));
    gv_arena_free(&a);
}
END_TEST

START_TEST(char_through_other_functions)
{
    fx f;
    fx_init(&f);
    add(&f, 0, gv_make_char(&f.a, 'a'));
    ck_assert_int_eq(call(&f, GV_FN_PARSE_STRING, 1), 0);
    is_text(out(&f, 0), GV_STRING, "a");
    int skipping[] = {GV_FN_TO_UPPER, GV_FN_URL_DECODE, GV_FN_JSON_PARSE, GV_FN_PARSE_BOOLEAN};
    for (size_t i = 0; i < sizeof skipping / sizeof *skipping; i++) {
        ck_assert_int_eq(call(&f, skipping[i], 1), 0);
        ck_assert_uint_eq(f.out.n, 0);
    }
    ck_assert_int_eq(call(&f, GV_FN_PARSE_INT, 1), -1);
    ck_assert_str_eq(f.err.msg, "failed to convert a character: a into an integer at /p");
    ck_assert_int_eq(call(&f, GV_FN_PARSE_FLOAT, 1), -1);
    ck_assert_str_eq(f.err.msg, "failed to convert a character: a into a float at /p");
    /* a digit converts */
    reset_args(&f);
    add(&f, 0, gv_make_char(&f.a, '7'));
    ck_assert_int_eq(call(&f, GV_FN_PARSE_INT, 1), 0);
    ck_assert_int_eq(out(&f, 0)->u.i, 7);
    ck_assert_int_eq(call(&f, GV_FN_PARSE_FLOAT, 1), 0);
    ck_assert(out(&f, 0)->kind == GV_FLOAT && out(&f, 0)->u.f == 7.0);
    /* join: a char separator is fine, char values are not */
    reset_args(&f);
    add_s(&f, 0, "x");
    add_s(&f, 0, "y");
    add(&f, 1, gv_make_char(&f.a, '-'));
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), 0);
    is_text(out(&f, 0), GV_STRING, "x-y");
    reset_args(&f);
    add(&f, 0, gv_make_char(&f.a, 'a'));
    add_s(&f, 1, ",");
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), -1);
    ck_assert_msg(strstr(f.err.msg, "Joining non string values") != NULL, "%s", f.err.msg);
    fx_done(&f);
}
END_TEST

/* ---- json_parse: serde_yaml scalar typing ---- */

static const gv_node *parse1(fx *f, const char *text)
{
    reset_args(f);
    add_s(f, 0, text);
    ck_assert_msg(call(f, GV_FN_JSON_PARSE, 1) == 0, "json_parse(%s): %s", text, f->err.msg);
    return out(f, 0);
}

static void parses_int(fx *f, const char *text, int64_t want)
{
    const gv_node *n = parse1(f, text);
    ck_assert_msg(n->kind == GV_INT && n->u.i == want, "json_parse(%s) kind %d", text, n->kind);
}

static void parses_str(fx *f, const char *text)
{
    const gv_node *n = parse1(f, text);
    ck_assert_msg(n->kind == GV_STRING, "json_parse(%s) kind %d", text, n->kind);
    is_text(n, GV_STRING, text);
}

static void parses_kind(fx *f, const char *text, gv_kind kind)
{
    ck_assert_msg(parse1(f, text)->kind == kind, "json_parse(%s)", text);
}

static void aborts(fx *f, const char *text)
{
    reset_args(f);
    add_s(f, 0, text);
    ck_assert_msg(call(f, GV_FN_JSON_PARSE, 1) == -1, "json_parse(%s) should abort", text);
    ck_assert_msg(strstr(f->err.msg, "Error parsing incoming YAML context") != NULL, "%s", f->err.msg);
}

START_TEST(json_parse_serde_scalars)
{
    fx f;
    fx_init(&f);
    const char *bools[] = {"true", "True", "TRUE", "false", "False", "FALSE"};
    for (size_t i = 0; i < 6; i++)
        parses_kind(&f, bools[i], GV_BOOL);
    ck_assert(parse1(&f, "TRUE")->u.b && !parse1(&f, "False")->u.b);
    const char *nulls[] = {"~", "null", "Null", "NULL", "- "};
    for (size_t i = 0; i < 4; i++)
        parses_kind(&f, nulls[i], GV_NULL);
    ck_assert_int_eq(parse1(&f, "-")->u.items[0]->kind, GV_NULL); /* an empty item */
    parses_int(&f, "0x1F", 31);
    parses_int(&f, "-0x1F", -31);
    parses_int(&f, "+0x1f", 31);
    parses_int(&f, "0o17", 15);
    parses_int(&f, "-0b101", -5);
    parses_int(&f, "-0", 0);
    parses_int(&f, "+1", 1);
    parses_int(&f, "12345678901234567890", -6101065172474983726);  /* wraps */
    parses_int(&f, "18446744073709551615", -1);
    parses_int(&f, "0xFFFFFFFFFFFFFFFF", -1);
    parses_int(&f, "-9223372036854775808", INT64_MIN);
    const char *strings[] = {"tRue", "nUll", "yes", "0X1F", "0O17", "017", "+017", "-017", "08", "1_000",
                             "0x", "0b2", "0o8", "0x+1", "inf", "nan", "NaN", "Infinity", "+.nan",
                             "1e400", "-1e400", "0x_1F", "+-1", "1e", "."};
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        parses_str(&f, strings[i]);
    const char *floats[] = {"1e3", ".5", "+.5", "5.", "00.5", "0e0", "-0.0", "1e-400"};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++)
        parses_kind(&f, floats[i], GV_FLOAT);
    ck_assert(isinf(parse1(&f, ".inf")->u.f) && parse1(&f, "-.INF")->u.f < 0);
    ck_assert(isinf(parse1(&f, "+.Inf")->u.f));
    ck_assert(isnan(parse1(&f, ".NaN")->u.f));
    /* beyond 128 bits: a float */
    parses_kind(&f, "340282366920938463463374607431768211456", GV_FLOAT);
    /* beyond 64 bits but within 128: cfn-guard cannot hold it */
    aborts(&f, "18446744073709551616");
    aborts(&f, "340282366920938463463374607431768211455");
    aborts(&f, "-9223372036854775809");
    aborts(&f, "0x10000000000000000");
    fx_done(&f);
}
END_TEST

START_TEST(json_parse_serde_tags_and_structures)
{
    fx f;
    fx_init(&f);
    ck_assert(parse1(&f, "!!bool TRUE")->u.b);
    parses_int(&f, "!!int 0x10", 16);
    ck_assert_double_eq(parse1(&f, "!!float 017")->u.f, 17.0);
    ck_assert(isinf(parse1(&f, "!!float .inf")->u.f));
    is_text(parse1(&f, "!!str True"), GV_STRING, "True");
    const char *bad[] = {"!!null x", "!!null", "!!bool yes", "!!bool tRUE", "!!int 017", "!!int True",
                         "!!float inf", "!!float nan", "!!float 1e400", "!!float 0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        aborts(&f, bad[i]);
    /* quoted scalars stay strings; JSON-looking text is typed the same way */
    const gv_node *m = parse1(&f, "{\"a\": \"017\", \"b\": 017, \"c\": True, \"d\": 0x10}");
    ck_assert_int_eq(m->kind, GV_MAP);
    is_text(gv_map_get_str(m, "a"), GV_STRING, "017");
    is_text(gv_map_get_str(m, "b"), GV_STRING, "017");
    ck_assert_int_eq(gv_map_get_str(m, "c")->kind, GV_BOOL);
    ck_assert_int_eq(gv_map_get_str(m, "d")->u.i, 16);
    const gv_node *y = parse1(&f, "a: 1\nb: TRUE\nc:\nd: 0o17");
    ck_assert_int_eq(gv_map_get_str(y, "b")->kind, GV_BOOL);
    ck_assert_int_eq(gv_map_get_str(y, "c")->kind, GV_NULL);
    ck_assert_int_eq(gv_map_get_str(y, "d")->u.i, 15);
    fx_done(&f);
}
END_TEST

START_TEST(data_loader_typing_unchanged)
{
    /* the data loader keeps cfn-guard's loader typing */
    gv_error e;
    gv_error_clear(&e);
    const char *text = "a: True\nb: 0x1F\nc: 017\nd:\n";
    gv_doc *d = gv_doc_load_mem("d.yaml", text, strlen(text), NULL, &e);
    ck_assert_ptr_nonnull(d);
    const gv_node *r = gv_doc_root(d);
    is_text(gv_map_get_str(r, "a"), GV_STRING, "True");
    is_text(gv_map_get_str(r, "b"), GV_STRING, "0x1F");
    ck_assert_int_eq(gv_map_get_str(r, "c")->u.i, 17);
    is_text(gv_map_get_str(r, "d"), GV_STRING, "");
    gv_doc_free(d);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("functions_types");
    TCase *tc = tcase_create("types");
    tcase_add_test(tc, parse_char_makes_chars);
    tcase_add_test(tc, char_compares_only_with_chars);
    tcase_add_test(tc, char_through_other_functions);
    tcase_add_test(tc, json_parse_serde_scalars);
    tcase_add_test(tc, json_parse_serde_tags_and_structures);
    tcase_add_test(tc, data_loader_typing_unchanged);
    suite_add_tcase(s, tc);
    return s;
}
