/* Skippable clauses (vm/pure.c): which clauses of a failed conjunction may
 * be left out, and that leaving them out changes no result. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "run/ruleset.h"
#include "vm/eval.h"
#include "vm/program.h"

static gv_program *load(const char *rules)
{
    gv_error err;
    gv_error_clear(&err);
    gv_program *p = gv_ruleset_load("r.guard", rules, strlen(rules), &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    return p;
}

/* Whether the last clause of rule r's condition is skippable. */
static int last_skippable(const char *rules)
{
    gv_program *p = load(rules);
    uint32_t r = 0;
    while (r < p->nrules && strcmp(p->strings[p->rules[r].name].s, "r") != 0)
        r++;
    ck_assert_uint_lt(r, p->nrules);
    uint32_t ip = p->blocks[p->rules[r].when_block], last = GV_NONE;
    for (; p->code[ip].op != GV_I_C_AND && p->code[ip].op != GV_I_END; ip++)
        if (p->code[ip].op != GV_I_C_LET)
            last = ip;
    int skippable = last != GV_NONE && p->skippable[last];
    gv_program_free(p);
    return skippable;
}

START_TEST(pure_comparisons_are_skippable)
{
    ck_assert(last_skippable("rule r when A exists B exists { C exists }"));
    ck_assert(last_skippable("rule r when A exists B.c[*].d == \"x\" { C exists }"));
    ck_assert(last_skippable("let t = \"T\"\nlet rs = Resources.*[ Type == %t ]\n"
                             "rule r when A exists %rs not empty { C exists }"));
    ck_assert(last_skippable("rule r when A exists Resources.*[ Type == \"T\" ] not empty { C exists }"));
    ck_assert(last_skippable("rule r when A exists B.c[ d in [1, 2] ] exists { C exists }"));
    ck_assert(last_skippable("let l = [\"a\", \"b\"]\nrule r when A exists B in %l { C exists }"));
}
END_TEST

START_TEST(clauses_that_could_show_are_not)
{
    /* empty aborts on a number */
    ck_assert(!last_skippable("rule r when A exists B not empty { C exists }"));
    /* regexes may exceed their match limit */
    ck_assert(!last_skippable("rule r when A exists B == /x/ { C exists }"));
    ck_assert(!last_skippable("let re = /x/\nrule r when A exists B == %re { C exists }"));
    ck_assert(!last_skippable("rule r when A exists B[ c == /x/ ] exists { C exists }"));
    /* functions may fail */
    ck_assert(!last_skippable("let n = count(B)\nrule r when A exists %n == 1 { C exists }"));
    /* a capture feeds later clauses */
    ck_assert(!last_skippable("rule r when A exists Resources[ name ] exists { C exists }"));
    /* keys filters record their key tests */
    ck_assert(!last_skippable("rule r when A exists Resources[ keys == \"x\" ] exists { C exists }"));
    /* a filter cfn-guard panics on */
    ck_assert(!last_skippable("rule r when A exists B[0][ c == 1 ] exists { C exists }"));
    /* rules, calls, unknown and circular variables */
    ck_assert(!last_skippable("rule q { A exists }\nrule r when A exists q { C exists }"));
    ck_assert(!last_skippable("rule p(x) { %x exists }\nrule r when A exists p(B) { C exists }"));
    ck_assert(!last_skippable("let v = %undefined\nrule r when A exists %v exists { C exists }"));
    ck_assert(!last_skippable("let a = %b\nlet b = %a\nrule r when A exists %a exists { C exists }"));
    /* a failing check on a literal variable marks its rule (lit_fail) */
    ck_assert(!last_skippable("let g = 1\nrule r when A exists %g is_list { C exists }"));
    ck_assert(!last_skippable("let g = [1]\nlet h = %g\nrule r when A exists %h is_string { C exists }"));
    /* an `or`: a failed alternative does not decide */
    ck_assert(!last_skippable("rule r when A exists or B exists { C exists }"));
}
END_TEST

/* A conjunction that does not combine every status (not made by the
 * compiler; a block's result is then the last combination's): a failure
 * before it decides nothing, so nothing is skippable. */
START_TEST(partial_conjunctions_are_not_plain)
{
    gv_program *p = load("rule r when A exists B exists C exists { D exists }");
    uint32_t ip = p->blocks[p->rules[0].when_block];
    while (p->code[ip].op != GV_I_C_AND)
        ip++;
    ck_assert_uint_eq(p->code[ip].a, 3);
    ck_assert(p->skippable[ip - 1]);
    p->code[ip].a = 2;
    gv_arena a;
    gv_arena_init(&a, 0);
    ck_assert_int_eq(gv_program_mark_skippable(p, &a), 0);
    for (uint32_t i = 0; i < p->ncode; i++)
        ck_assert(!p->skippable[i] || p->code[i].op != GV_I_C_UNARY ||
                  i < p->blocks[p->rules[0].when_block] || i > ip);
    gv_arena_free(&a);
    gv_program_free(p);
}
END_TEST

/* Every rule's status and the checks kept, as text. */
static void statuses(gv_program *p, const gv_node *root, char *out, size_t n)
{
    gv_arena a;
    gv_arena_init(&a, 0);
    gv_eval_result res;
    gv_error err;
    gv_error_clear(&err);
    int rc = gv_eval(p, root, &a, &res, &err);
    int k = snprintf(out, n, "rc=%d %s:", rc, err.msg);
    for (uint32_t i = 0; rc == 0 && i < res.nrules && k > 0 && (size_t)k < n; i++)
        k += snprintf(out + k, n - (size_t)k, " %d/%u", (int)res.rules[i].status, res.rules[i].nchecks);
    gv_arena_free(&a);
}

START_TEST(skipping_changes_nothing)
{
    static const char *rules =
        "let t = \"AWS::S3::Bucket\"\n"
        "let rs = Resources.*[ Type == %t ]\n"
        "let n = Num\n"
        "rule tmpl when Resources exists %rs not empty { %rs.Properties.B exists }\n"
        "rule hook when X exists %rs not empty Num not empty { Y exists }\n"
        "rule filt { Resources.*[ Type == %t  Properties.B exists  Properties.C == 1 ] not empty }\n"
        "rule body { Resources exists  %rs.Properties.C == 2  %n == 1 }\n";
    static const char *docs[] = {
        "{\"Resources\": {\"a\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"B\": 1, \"C\": 1}}}}",
        "{\"Resources\": {\"a\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"C\": 2}}}, \"Num\": 1}",
        "{\"Resources\": {\"a\": {\"Type\": \"AWS::SNS::Topic\"}}}",
        "{\"X\": 1, \"Num\": 3}",
        "{\"Num\": 3}", /* hook's condition still aborts on `empty` */
        "{\"AWS::S3::Bucket\": {\"resourceProperties\": {}}}",
    };
    gv_program *p = load(rules);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        gv_error err;
        gv_error_clear(&err);
        gv_load_opts o;
        gv_load_opts_default(&o);
        gv_doc *d = gv_doc_load_mem("d.json", docs[i], strlen(docs[i]), &o, &err);
        ck_assert_msg(d != NULL, "%s", err.msg);
        char skipping[512], all[512];
        statuses(p, gv_doc_root(d), skipping, sizeof skipping);
        uint8_t *kept = p->skippable;
        uint8_t none[4096] = { 0 };
        ck_assert_uint_lt(p->ncode, sizeof none);
        p->skippable = none;
        statuses(p, gv_doc_root(d), all, sizeof all);
        p->skippable = kept;
        ck_assert_str_eq(skipping, all);
        gv_doc_free(d);
    }
    gv_program_free(p);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("pure");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, pure_comparisons_are_skippable);
    tcase_add_test(tc, clauses_that_could_show_are_not);
    tcase_add_test(tc, partial_conjunctions_are_not_plain);
    tcase_add_test(tc, skipping_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}
