/* Parser quirks of cfn-guard 3.1.1 that gavel copies (probed; the
 * rule-level versions are probes 300-309 in tests/conformance/probes):
 * operator keywords matched as prefixes (`a existsx`), a trailing `or` or
 * a line-ending `not` read as rule names, and the blanks cfn-guard does not
 * allow (`a ! exists`, `! a`, `l[ 0 ]`). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parser.h"

static gv_arena arena;
static gv_error err;
static char errbuf[1024];

static gv_rules_file *parse(const char *src)
{
    gv_arena_free(&arena);
    gv_arena_init(&arena, 0);
    gv_error_clear(&err);
    errbuf[0] = '\0';
    gv_rules_file *f = gv_parse_rules(&arena, "t.guard", src, strlen(src), &err);
    if (!f)
        gv_error_format(&err, errbuf, sizeof errbuf);
    return f;
}

static gv_rules_file *parse_ok(const char *src)
{
    gv_rules_file *f = parse(src);
    ck_assert_msg(f != NULL, "unexpected error: %s", errbuf);
    return f;
}

static void parse_fails(const char *src, const char *want)
{
    ck_assert_msg(parse(src) == NULL, "accepted: %s", src);
    ck_assert_int_eq(err.code, GV_E_SYNTAX);
    ck_assert_str_eq(errbuf, want);
}

static void teardown(void)
{
    gv_arena_free(&arena);
}

/* Conjunction `conj`, alternative `disj` of the body of the last rule. */
static gv_clause *clause(gv_rules_file *f, uint32_t conj, uint32_t disj)
{
    ck_assert_uint_gt(f->nrules, 0);
    gv_block *b = &f->rules[f->nrules - 1]->body;
    ck_assert_uint_gt(b->body.n, conj);
    ck_assert_uint_gt(b->body.items[conj].n, disj);
    return b->body.items[conj].items[disj];
}

static void is_ref(gv_clause *c, const char *name, int negated)
{
    ck_assert_int_eq(c->kind, GV_CL_RULE_REF);
    ck_assert_uint_eq(c->u.ref.name.len, strlen(name));
    ck_assert(memcmp(c->u.ref.name.s, name, c->u.ref.name.len) == 0);
    ck_assert_int_eq(c->negated, negated);
}

static void is_unary(gv_clause *c, gv_cmp_op op, int op_negated)
{
    ck_assert_int_eq(c->kind, GV_CL_UNARY);
    ck_assert_int_eq(c->u.cmp.op, op);
    ck_assert_int_eq(c->u.cmp.op_negated, op_negated);
}

START_TEST(operator_keyword_is_a_prefix)
{
    gv_rules_file *f = parse_ok("rule r { a existsx\n}");
    ck_assert_uint_eq(f->rules[0]->body.body.n, 2);
    is_unary(clause(f, 0, 0), GV_OP_EXISTS, 0);
    is_ref(clause(f, 1, 0), "x", 0);
    /* the rest sits right after the keyword: column 18 */
    ck_assert_uint_eq(clause(f, 1, 0)->loc.col, 18);
    f = parse_ok("rule r { a !emptyfoo <<m>> }");
    is_unary(clause(f, 0, 0), GV_OP_EMPTY, 1);
    is_ref(clause(f, 1, 0), "foo", 0);
    ck_assert(clause(f, 1, 0)->has_message);
    f = parse_ok("rule r { a not is_stringy\n}");
    is_unary(clause(f, 0, 0), GV_OP_IS_STRING, 1);
    is_ref(clause(f, 1, 0), "y", 0);
    /* the rest may start any clause: x or a exists, x.y == 1 */
    f = parse_ok("rule r { a EXISTSx or a exists }");
    ck_assert_uint_eq(clause(f, 1, 0)->kind, GV_CL_RULE_REF);
    ck_assert_uint_eq(clause(f, 1, 1)->kind, GV_CL_UNARY);
    f = parse_ok("rule r { a existsx.y == 1\n}");
    ck_assert_int_eq(clause(f, 1, 0)->kind, GV_CL_BINARY);
    /* `in` too, also across a line break: `a` + `input exists` */
    f = parse_ok("rule r { a inl\n}");
    ck_assert_int_eq(clause(f, 0, 0)->kind, GV_CL_BINARY);
    ck_assert_int_eq(clause(f, 0, 0)->u.cmp.op, GV_OP_IN);
    f = parse_ok("rule r { a\ninput exists\n}");
    ck_assert_int_eq(clause(f, 0, 0)->u.cmp.op, GV_OP_IN);
    is_ref(clause(f, 1, 0), "exists", 0);
    f = parse_ok("rule r { a IN1\n}");
    ck_assert_int_eq(clause(f, 0, 0)->u.cmp.op, GV_OP_IN);
    /* a keyword rest is a rule name */
    f = parse_ok("rule r { a existsor\n}");
    is_ref(clause(f, 1, 0), "or", 0);
}
END_TEST

START_TEST(operator_prefix_rest_must_be_a_clause)
{
    /* a rule reference must end its line */
    parse_fails("rule r { a existsx }", "t.guard:1:20: expected an operator (==, !=, in, exists, empty, "
                                        "is_string, ...) or '{', found '}'");
    parse_fails("rule r { a exists_\n}", "t.guard:1:18: unexpected character '_'");
    ck_assert_ptr_null(parse("rule r { a exists1\n}"));
    ck_assert_ptr_null(parse("rule r { a exists\"x\"\n}"));
    ck_assert_ptr_null(parse("rule r { l[ a existsx ] }")); /* no rule references in filters */
    /* `not` is not matched as a prefix */
    ck_assert_ptr_null(parse("rule r { a notexists\n}"));
}
END_TEST

START_TEST(trailing_or_is_a_rule_name)
{
    gv_rules_file *f = parse_ok("rule r { a exists or\n}");
    ck_assert_uint_eq(f->rules[0]->body.body.n, 2);
    ck_assert_uint_eq(f->rules[0]->body.body.items[0].n, 1);
    is_ref(clause(f, 1, 0), "or", 0);
    f = parse_ok("rule r { a == 3 or\nor\n}"); /* a disjunction with rule `or` */
    is_ref(clause(f, 0, 1), "or", 0);
    f = parse_ok("rule r { a exists or # c\n}");
    is_ref(clause(f, 1, 0), "or", 0);
    f = parse_ok("rule r when a exists or { a exists }");
    ck_assert_uint_eq(f->rules[0]->conds.n, 2);
    parse_fails("rule r { a exists or }",
                "t.guard:1:22: expected a clause after 'or' (or the end of the line after a rule named 'or'), found '}'");
    ck_assert_ptr_null(parse("rule r { a exists ||\n}"));
}
END_TEST

START_TEST(not_ending_its_line_is_a_rule_name)
{
    gv_rules_file *f = parse_ok("rule r { not\na exists }");
    is_ref(clause(f, 0, 0), "not", 0);
    is_unary(clause(f, 1, 0), GV_OP_EXISTS, 0);
    f = parse_ok("rule r { not \t a exists }");
    ck_assert_int_eq(clause(f, 0, 0)->negated, 1);
    parse_fails("rule r { not # c\na exists }",
                "t.guard:1:10: 'not' must be followed by what it negates on the same line");
    parse_fails("rule r { a not\nexists }",
                "t.guard:1:12: 'not' and its operator must be on the same line, with no comment between");
    parse_fails("rule r { a not # c\nexists }",
                "t.guard:1:12: 'not' and its operator must be on the same line, with no comment between");
}
END_TEST

START_TEST(bang_must_touch)
{
    gv_rules_file *f = parse_ok("rule r { a !exists }");
    is_unary(clause(f, 0, 0), GV_OP_EXISTS, 1);
    f = parse_ok("rule r { !a exists }");
    ck_assert_int_eq(clause(f, 0, 0)->negated, 1);
    parse_fails("rule r { a ! exists }", "t.guard:1:12: '!' must be followed directly by the operator (no blank)");
    parse_fails("rule r { a ! empty }", "t.guard:1:12: '!' must be followed directly by the operator (no blank)");
    parse_fails("rule r { a !\nexists }", "t.guard:1:12: '!' must be followed directly by the operator (no blank)");
    parse_fails("rule r { a ! in [1] }", "t.guard:1:12: '!' must be followed directly by the operator (no blank)");
    parse_fails("rule r { ! a exists }", "t.guard:1:10: '!' must be followed directly by what it negates");
    parse_fails("rule r { !\na exists }", "t.guard:1:10: '!' must be followed directly by what it negates");
}
END_TEST

START_TEST(bracket_index_and_key_touch_the_bracket)
{
    parse_ok("rule r { l[0 ] exists }");
    parse_ok("rule r { l[ * ] exists }");
    parse_ok("rule r { l[\t*] exists }");
    parse_ok("rule r { l [0] exists }");
    parse_ok("rule r { m[\"k\" ] exists }");
    parse_ok("rule r { m[ k ] exists }");
    parse_ok("rule r { l[ \"k\" == 1 ] exists }");
    parse_fails("rule r { l[ 0 ] exists }", "t.guard:1:13: an index must follow '[' directly (no blank before it)");
    parse_fails("rule r { l[ 0] exists }", "t.guard:1:13: an index must follow '[' directly (no blank before it)");
    parse_fails("rule r { l[ -1 ] exists }", "t.guard:1:13: an index must follow '[' directly (no blank before it)");
    parse_fails("rule r { l[\n0] exists }", "t.guard:2:1: an index must follow '[' directly (no blank before it)");
    parse_fails("rule r { m[ \"k\" ] exists }",
                "t.guard:1:13: a quoted key must follow '[' directly (no blank before it)");
    parse_fails("let x = l[ 0 ]", "t.guard:1:12: an index must follow '[' directly (no blank before it)");
    parse_fails("rule r { l[ this[ 0 ] == 1 ] exists }",
                "t.guard:1:19: an index must follow '[' directly (no blank before it)");
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("parser_quirks");
    TCase *tc = tcase_create("quirks");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, operator_keyword_is_a_prefix);
    tcase_add_test(tc, operator_prefix_rest_must_be_a_clause);
    tcase_add_test(tc, trailing_or_is_a_rule_name);
    tcase_add_test(tc, not_ending_its_line_is_a_rule_name);
    tcase_add_test(tc, bang_must_touch);
    tcase_add_test(tc, bracket_index_and_key_touch_the_bracket);
    suite_add_tcase(s, tc);
    return s;
}
