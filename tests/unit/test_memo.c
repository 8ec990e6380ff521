/* The memo of parameterised-rule statuses shared across programs: the same
 * rule declared in two files gets the same key, a rule that reads anything
 * but its arguments gets none, and evaluating with a shared memo gives
 * exactly the statuses and checks of evaluating without one. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "run/ruleset.h"
#include "util/hash.h"
#include "vm/eval.h"
#include "vm/keyindex.h"

static gv_program *load(const char *name, const char *text)
{
    gv_error err;
    gv_error_clear(&err);
    gv_program *p = gv_ruleset_load(name, text, strlen(text), &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    return p;
}

static const gv_rule_key *key_of(const gv_program *p, const char *rule)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->strings[p->rules[i].name].s, rule) == 0)
            return &p->rule_keys[i];
    ck_abort_msg("no rule %s", rule);
    return NULL;
}

static int keyed(const gv_rule_key *k)
{
    return (k->lo | k->hi) != 0;
}

static int same_key(const gv_rule_key *a, const gv_rule_key *b)
{
    return a->lo == b->lo && a->hi == b->hi;
}

/* The same helper, with other rules, lets and string numbering around it. */
static const char file_a[] =
    "let T = 'AWS::S3::Bucket'\n"
    "rule is_hook(doc, t) { %doc.%t.resourceProperties exists }\n"
    "rule is_tmpl(doc) { %doc { AWSTemplateFormatVersion exists or Resources exists } }\n"
    "rule uses_let(doc) { %doc.%T exists }\n"
    "rule calls(doc) { is_tmpl(%doc) }\n"
    "rule a when is_hook(this, %T) { is_hook(this, %T) }\n";

static const char file_b[] =
    "let OTHER = [1, 2]\n"
    "let TYPE = 'AWS::KMS::Key'\n"
    "rule is_tmpl(doc) { %doc { AWSTemplateFormatVersion exists or Resources exists } }\n"
    "rule is_hook(doc, t) { %doc.%t.resourceProperties exists }\n"
    "rule is_hook2(doc, t) { %doc.%t.resourceProperty exists }\n"
    "rule b when is_hook(this, %TYPE) { %OTHER !empty }\n"
    "rule c when is_hook(this, 'AWS::S3::Bucket') { is_hook(this, 'AWS::S3::Bucket') }\n";

START_TEST(keys_follow_structure)
{
    gv_program *a = load("a.guard", file_a), *b = load("b.guard", file_b);
    ck_assert(keyed(key_of(a, "is_hook")));
    ck_assert(same_key(key_of(a, "is_hook"), key_of(b, "is_hook")));
    ck_assert(same_key(key_of(a, "is_tmpl"), key_of(b, "is_tmpl")));
    ck_assert(!same_key(key_of(a, "is_hook"), key_of(b, "is_hook2"))); /* one key name differs */
    ck_assert(!same_key(key_of(a, "is_hook"), key_of(a, "is_tmpl")));
    ck_assert(!keyed(key_of(a, "uses_let")));                          /* a file-level let */
    ck_assert(!keyed(key_of(a, "calls")));                             /* another rule */
    ck_assert(!keyed(key_of(a, "a")));                                 /* not parameterised */
    gv_program_free(a);
    gv_program_free(b);
}
END_TEST

/* "name=status:nchecks ..." of one evaluation. */
static void run(const gv_program *p, const gv_doc *d, gv_memo *m, char *out, size_t cap)
{
    gv_error err;
    gv_error_clear(&err);
    gv_arena scratch;
    gv_arena_init(&scratch, 0);
    gv_eval_result r;
    gv_eval_opts o = { 0, NULL, m };
    ck_assert_int_eq(gv_eval_with(p, gv_doc_root(d), &scratch, &o, &r, &err), 0);
    out[0] = '\0';
    for (uint32_t i = 0; i < r.nrules; i++) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s=%d:%u ", p->strings[p->rules[r.rules[i].rule].name].s,
                 (int)r.rules[i].status, r.rules[i].nchecks);
    }
    gv_arena_free(&scratch);
}

static gv_doc *doc(const char *text)
{
    gv_error err;
    gv_error_clear(&err);
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *d = gv_doc_load_mem("d.json", text, strlen(text), &o, &err);
    ck_assert_msg(d != NULL, "%s", err.msg);
    return d;
}

START_TEST(shared_memo_changes_nothing)
{
    static const char *docs[] = {
        "{\"AWS::S3::Bucket\": {\"resourceProperties\": {}}}",
        "{\"AWS::KMS::Key\": {\"resourceProperties\": {}}}",
        "{\"AWS::S3::Bucket\": {}}",
        "{\"Resources\": {}}",
    };
    gv_program *a = load("a.guard", file_a), *b = load("b.guard", file_b);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        gv_doc *d = doc(docs[i]);
        char plain_a[256], plain_b[256], memo_a[256], memo_b[256], again_b[256];
        run(a, d, NULL, plain_a, sizeof plain_a);
        run(b, d, NULL, plain_b, sizeof plain_b);
        gv_memo *m = gv_memo_new(d, gv_doc_root(d));
        ck_assert_ptr_nonnull(m);
        run(a, d, m, memo_a, sizeof memo_a);
        run(b, d, m, memo_b, sizeof memo_b); /* is_hook(this, 'AWS::S3::Bucket') known from a */
        run(b, d, m, again_b, sizeof again_b);
        ck_assert_str_eq(plain_a, memo_a);
        ck_assert_str_eq(plain_b, memo_b);
        ck_assert_str_eq(plain_b, again_b);
        gv_memo_free(m);
        gv_doc_free(d);
    }
    gv_program_free(a);
    gv_program_free(b);
}
END_TEST

/* The failing call in rule c's body records its check although its status
 * is already known from c's condition. */
START_TEST(recorded_calls_keep_their_checks)
{
    gv_program *b = load("b.guard", file_b);
    gv_doc *d = doc("{\"AWS::S3::Bucket\": {\"resourceProperties\": {}}, \"x\": 1}");
    char plain[256], memo[256];
    run(b, d, NULL, plain, sizeof plain);
    ck_assert_str_eq(plain, "b=0:0 c=1:0 ");
    gv_memo *m = gv_memo_new(d, gv_doc_root(d));
    run(b, d, m, memo, sizeof memo);
    ck_assert_str_eq(plain, memo);
    gv_memo_free(m);
    gv_doc_free(d);

    static const char failing[] =
        "rule has(doc, k) { %doc.%k exists }\n"
        "rule r when has(this, 'a') { has(this, 'b') }\n"
        "rule s when has(this, 'b') { has(this, 'c') }\n"
        "rule t { has(this, 'b') }\n";
    gv_program *f = load("f.guard", failing);
    d = doc("{\"a\": 1}");
    run(f, d, NULL, plain, sizeof plain);
    m = gv_memo_new(d, gv_doc_root(d));
    run(f, d, m, memo, sizeof memo);
    ck_assert_str_eq(plain, memo);
    ck_assert_str_eq(memo, "r=2:1 s=0:0 t=2:1 ");
    gv_memo_free(m);
    gv_doc_free(d);
    gv_program_free(f);
    gv_program_free(b);
}
END_TEST

/* A memo made for one document is not used for another. */
START_TEST(other_document_is_not_answered)
{
    static const char rules[] = "rule has(doc, k) { %doc.%k exists }\nrule r when has(this, 'a') { this exists }\n";
    gv_program *p = load("p.guard", rules);
    gv_doc *d1 = doc("{\"a\": 1}"), *d2 = doc("{\"b\": 1}");
    gv_memo *m = gv_memo_new(d1, gv_doc_root(d1));
    char out[128];
    run(p, d1, m, out, sizeof out);
    ck_assert_str_eq(out, "r=1:0 ");
    run(p, d2, m, out, sizeof out);
    ck_assert_str_eq(out, "r=0:0 ");
    gv_memo_free(m);
    gv_doc_free(d1);
    gv_doc_free(d2);
    gv_program_free(p);
}
END_TEST

/* `[ k ]` appends to %k each time it runs: a body with one is not keyed
 * (its call must run to capture), nor one reading a captured %k. */
START_TEST(captures_are_not_keyed)
{
    static const char grab[] = "rule grab(doc) { %doc[ k ] exists }\n"
                               "rule reads(doc) { %k exists }\n"
                               "rule star(doc) { %doc[*] exists }\n"
                               "rule r when grab(this) { this exists }\n";
    static const char use[] = "rule grab(doc) { %doc[ k ] exists }\n"
                              "rule s when grab(this) { %k == 'a' }\n";
    gv_program *a = load("a.guard", grab), *b = load("b.guard", use);
    ck_assert(!keyed(key_of(a, "grab")));
    ck_assert(!keyed(key_of(a, "reads")));
    ck_assert(keyed(key_of(a, "star")));
    gv_doc *d = doc("{\"a\": 1}");
    gv_memo *m = gv_memo_new(d, gv_doc_root(d));
    char out[128];
    run(a, d, m, out, sizeof out);
    ck_assert_str_eq(out, "r=1:0 ");
    run(b, d, m, out, sizeof out); /* grab(this) runs again in b and captures "a" */
    ck_assert_str_eq(out, "s=1:0 ");
    gv_memo_free(m);
    gv_doc_free(d);
    gv_program_free(a);
    gv_program_free(b);
}
END_TEST

/* The file-level let in slot i (slots follow declaration order when no
 * rule declares a let). */
static const gv_rule_key *let_key(const gv_program *p, uint32_t i)
{
    ck_assert_uint_lt(i, p->nslots);
    ck_assert_uint_ne(p->global_operand[i], UINT32_MAX);
    return &p->let_keys[i];
}

/* A let's key is its operand by content: equal where the same let is
 * declared among other lets, different when a literal it reads differs,
 * none when it calls a function (now() differs between programs) or reads
 * a let that is not a literal. */
START_TEST(let_keys_follow_content)
{
    static const char la[] = "let D = this\n"
                             "let T = 'AWS::S3::Bucket'\n"
                             "let Q = Resources.*[ Type == %T ]\n"
                             "let F = count(Resources.*)\n"
                             "let R = %Q.Properties\n"
                             "rule r { %D exists }\n";
    static const char lb[] = "let X = 1\n"
                             "let T = 'AWS::S3::Bucket'\n"
                             "let D = this\n"
                             "let Q = Resources.*[ Type == %T ]\n"
                             "let U = 'AWS::KMS::Key'\n"
                             "let Q2 = Resources.*[ Type == %U ]\n"
                             "rule r { %D exists }\n";
    gv_program *a = load("a.guard", la), *b = load("b.guard", lb);
    for (uint32_t i = 0; i < 3; i++)
        ck_assert(keyed(let_key(a, i)));
    ck_assert(same_key(let_key(a, 0), let_key(b, 2)));  /* D */
    ck_assert(same_key(let_key(a, 1), let_key(b, 1)));  /* T */
    ck_assert(same_key(let_key(a, 2), let_key(b, 3)));  /* Q */
    ck_assert(!same_key(let_key(a, 2), let_key(b, 5))); /* Q2 reads another type */
    ck_assert(!same_key(let_key(a, 1), let_key(b, 4)));
    ck_assert(!keyed(let_key(a, 3))); /* a function */
    ck_assert(!keyed(let_key(a, 4))); /* reads a query let */
    gv_program_free(a);
    gv_program_free(b);
}
END_TEST

/* The memo key of the first call of rule name (refs are one per call). */
static const gv_rule_key *call_key_of(const gv_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nrefs; i++)
        if (strcmp(p->strings[p->refs[i].name].s, name) == 0)
            return &p->call_keys[i];
    ck_abort_msg("no call of %s", name);
    return NULL;
}

/* A call is keyed by its rule and argument lets only when every argument
 * is a keyed file-level let. */
START_TEST(call_keys_follow_lets)
{
    static const char c1[] = "let D = this\nlet T = 'a'\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, %T) { this exists }\n";
    static const char c2[] = "let X = 1\nlet T = 'a'\nlet D = this\nlet U = 'b'\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, %T) { this exists }\n"
                             "rule s when has(%D, %U) { this exists }\n"
                             "rule t when has(%D, 'a') { this exists }\n"
                             "rule u when has(%T, %D) { this exists }\n";
    gv_program *a = load("a.guard", c1), *b = load("b.guard", c2);
    const gv_rule_key *ka = call_key_of(a, "has");
    ck_assert(keyed(ka));
    ck_assert(same_key(ka, &b->call_keys[0]));          /* the same lets in other slots */
    ck_assert(!same_key(ka, &b->call_keys[1]));         /* %U */
    ck_assert(!keyed(&b->call_keys[2]));                /* a literal argument: keyed by values */
    ck_assert(keyed(&b->call_keys[3]));
    ck_assert(!same_key(ka, &b->call_keys[3]));         /* the arguments' order */
    ck_assert(!same_key(ka, key_of(a, "has")));         /* never a rule's key */
    gv_program_free(a);
    gv_program_free(b);
}
END_TEST

/* Calls whose arguments are file-level lets are keyed by the lets: a
 * program whose let holds another value gets its own status, one whose
 * let is the same (among other lets) gets the same status, and every
 * program's statuses are those it has without a memo. */
START_TEST(let_arguments_share_only_equal_lets)
{
    static const char p1[] = "let D = this\nlet T = 'a'\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, %T) { this exists }\n";
    static const char p2[] = "let D = this\nlet T = 'b'\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, %T) { this exists }\n";
    static const char p3[] = "let X = [1]\nlet T = 'a'\nlet D = this\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, %T) { this exists }\n";
    static const char p4[] = "let D = this\nlet T = 'b'\n"
                             "rule has(doc, k) { %doc.%k exists }\n"
                             "rule r when has(%D, 'a') { this exists }\n";
    gv_program *p[] = { load("1.guard", p1), load("2.guard", p2), load("3.guard", p3), load("4.guard", p4) };
    static const char *want[] = { "r=1:0 ", "r=0:0 ", "r=1:0 ", "r=1:0 " };
    gv_doc *d = doc("{\"a\": 1}");
    gv_memo *m = gv_memo_new(d, gv_doc_root(d));
    ck_assert_ptr_nonnull(m);
    for (int round = 0; round < 2; round++) /* the second round answers every call from the memo */
        for (size_t i = 0; i < sizeof p / sizeof *p; i++) {
            char plain[64], memo[64];
            run(p[i], d, NULL, plain, sizeof plain);
            run(p[i], d, m, memo, sizeof memo);
            ck_assert_str_eq(plain, want[i]);
            ck_assert_str_eq(memo, want[i]);
        }
    gv_memo_free(m);
    gv_doc_free(d);
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        gv_program_free(p[i]);
}
END_TEST

START_TEST(key_index_groups_members_in_order)
{
    /* regular: a map holding Type exactly, as a string; the rest (no Type,
     * `type`, a list, a number, not a map) is left to the general path */
    static const char text[] =
        "{\"b1\": {\"Type\": \"B\"}, \"x\": {}, \"k1\": {\"Type\": \"K\"}, \"l\": {\"Type\": [\"B\"]},"
        " \"b2\": {\"type\": \"B\"}, \"n\": 5, \"b3\": {\"Type\": \"B\"}, \"k2\": {\"Type\": \"K\"}}";
    gv_error err;
    gv_error_clear(&err);
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *d = gv_doc_load_mem("d.json", text, strlen(text), &o, &err);
    ck_assert_ptr_nonnull(d);
    gv_arena a;
    gv_arena_init(&a, 0);
    gv_kconst key = { "Type", 4, gv_hash("Type", 4) };
    gv_key_index *x = gv_key_index_build(&a, gv_doc_root(d), &key);
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(gv_key_index_first_regular(x), 0);
    uint32_t n;
    const uint32_t *irr = gv_key_index_irregular(x, &n);
    ck_assert_uint_eq(n, 4);
    ck_assert(irr[0] == 1 && irr[1] == 3 && irr[2] == 4 && irr[3] == 5);
    ck_assert(gv_key_index_is_irregular(x, 5) && !gv_key_index_is_irregular(x, 6));
    const uint32_t *b = gv_key_index_find(x, "B", 1, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert(b[0] == 0 && b[1] == 6);
    const uint32_t *k = gv_key_index_find(x, "K", 1, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert(k[0] == 2 && k[1] == 7);
    ck_assert_ptr_null(gv_key_index_find(x, "Q", 1, &n));
    ck_assert_uint_eq(n, 0);
    gv_arena_free(&a);
    gv_doc_free(d);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("memo");
    TCase *tc = tcase_create("memo");
    tcase_add_test(tc, keys_follow_structure);
    tcase_add_test(tc, shared_memo_changes_nothing);
    tcase_add_test(tc, recorded_calls_keep_their_checks);
    tcase_add_test(tc, other_document_is_not_answered);
    tcase_add_test(tc, captures_are_not_keyed);
    tcase_add_test(tc, let_keys_follow_content);
    tcase_add_test(tc, call_keys_follow_lets);
    tcase_add_test(tc, let_arguments_share_only_equal_lets);
    tcase_add_test(tc, key_index_groups_members_in_order);
    suite_add_tcase(s, tc);
    return s;
}
