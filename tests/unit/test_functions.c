/* Built-in functions: every expectation below is what cfn-guard 3.1.1 gave
 * for `let x = FN(...)` / `rule r { %x == "QQQ" }` (values and paths read
 * from `-o json`); see the SPEC comment in engine/src/vm/functions.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"
#include "util/buf.h"
#include "vm/functions.h"
#include "vm/regex.h"
#include "vm/value.h"

typedef struct fx {
    gv_arena a;
    gv_valset args[3];
    gv_valset out;
    gv_error err;
    gv_regex_cache *rc;
} fx;

static void fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    gv_arena_init(&f->a, 4096);
    gv_error_clear(&f->err);
}

static void fx_done(fx *f)
{
    gv_regex_cache_free(f->rc);
    gv_arena_free(&f->a);
}

/* "/Resources/A/l/0" -> path steps (all-digit steps are list indexes) */
static const gv_path *P(fx *f, const char *spec)
{
    const gv_path *p = NULL;
    if (!spec)
        return NULL;
    const char *s = spec;
    while (*s == '/') {
        const char *e = strchr(s + 1, '/');
        size_t n = e ? (size_t)(e - s - 1) : strlen(s + 1);
        int digits = n > 0;
        for (size_t i = 0; i < n; i++)
            digits &= s[1 + i] >= '0' && s[1 + i] <= '9';
        if (digits)
            p = gv_path_index(&f->a, p, (uint32_t)atoi(s + 1));
        else
            p = gv_path_key(&f->a, p, gv_arena_strndup(&f->a, s + 1, n), (uint32_t)n);
        s += 1 + n;
    }
    return p;
}

static void add(fx *f, int arg, gv_node *n, const char *path)
{
    gv_val v = {.node = n, .path = P(f, path)};
    gv_valset_push(&f->a, &f->args[arg], v);
}

static void add_s(fx *f, int arg, const char *s, const char *path)
{
    add(f, arg, gv_make_string(&f->a, s, strlen(s)), path);
}

static void add_i(fx *f, int arg, int64_t i, const char *path) { add(f, arg, gv_make_int(&f->a, i), path); }
static void add_f(fx *f, int arg, double d, const char *path) { add(f, arg, gv_make_float(&f->a, d), path); }

static void add_unresolved(fx *f, int arg, const char *path, const char *missing)
{
    gv_val v = {.node = NULL, .path = P(f, path), .reached = gv_make_null(&f->a), .missing = missing};
    gv_valset_push(&f->a, &f->args[arg], v);
}

static int call(fx *f, int fn, uint32_t nargs)
{
    f->out.n = 0;
    gv_error_clear(&f->err);
    return gv_fn_call(fn, &f->a, f->args, nargs, &f->out, f->rc, &f->err);
}

static void reset_args(fx *f)
{
    memset(f->args, 0, sizeof f->args);
}

static const char *path_of(fx *f, uint32_t i)
{
    static char buf[256]; /* test-only scratch */
    gv_buf b;
    gv_buf_init(&b);
    gv_path_print(&b, f->out.v[i].path);
    snprintf(buf, sizeof buf, "%s", b.data ? b.data : "");
    gv_buf_free(&b);
    return buf;
}

static void out_str(fx *f, uint32_t i, const char *want, const char *path)
{
    ck_assert_uint_gt(f->out.n, i);
    const gv_node *n = f->out.v[i].node;
    ck_assert_int_eq(n->kind, GV_STRING);
    ck_assert_uint_eq(n->len, strlen(want));
    ck_assert_msg(memcmp(n->u.s, want, n->len) == 0, "got \"%.*s\" want \"%s\"", (int)n->len, n->u.s, want);
    if (path)
        ck_assert_str_eq(path_of(f, i), path);
}

static void out_int(fx *f, uint32_t i, int64_t want, const char *path)
{
    ck_assert_uint_gt(f->out.n, i);
    ck_assert_int_eq(f->out.v[i].node->kind, GV_INT);
    ck_assert_int_eq(f->out.v[i].node->u.i, want);
    if (path)
        ck_assert_str_eq(path_of(f, i), path);
}

#define ERR_IS(f, text) ck_assert_msg(strstr((f)->err.msg, text) != NULL, "error \"%s\" lacks \"%s\"", (f)->err.msg, text)

/* ---- names ---- */

START_TEST(lookup_names)
{
    const char *names[] = {"count", "json_parse", "regex_replace", "substring", "to_upper", "to_lower",
                           "join", "url_decode", "parse_int", "parse_float", "parse_string",
                           "parse_boolean", "parse_char"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int fn = gv_fn_lookup(names[i], strlen(names[i]));
        ck_assert_int_ge(fn, 0);
        ck_assert_str_eq(gv_fn_name(fn), names[i]);
    }
    /* "no such function named now exists" in 3.1.1 */
    ck_assert_int_eq(gv_fn_lookup("now", 3), -1);
    ck_assert_int_eq(gv_fn_lookup("parse_epoch", 11), -1);
    ck_assert_int_eq(gv_fn_lookup_ext("now", 3), GV_FN_NOW);
    ck_assert_int_eq(gv_fn_lookup("foo", 3), -1);
    ck_assert_int_eq(gv_fn_lookup("count_", 5), GV_FN_COUNT); /* length counts, not NUL */
}
END_TEST

START_TEST(arity_message)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "ab", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 1), -1);
    ck_assert_int_eq(f.err.code, GV_E_EVAL);
    ck_assert_str_eq(f.err.msg, "join function requires 2 arguments be passed, but received 1");
    ck_assert_int_eq(gv_fn_check_arity(GV_FN_REGEX_REPLACE, 2, &f.err), -1);
    ck_assert_str_eq(f.err.msg, "regex_replace function requires 3 arguments be passed, but received 2");
    fx_done(&f);
}
END_TEST

/* ---- mapping over values ---- */

START_TEST(to_upper_maps_and_keeps_paths)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "ab", "/Resources/A/Properties/l/0");
    add_s(&f, 0, "Cd", "/Resources/A/Properties/l/1");
    add_s(&f, 0, "eF", "/Resources/A/Properties/l/2");
    ck_assert_int_eq(call(&f, GV_FN_TO_UPPER, 1), 0);
    ck_assert_uint_eq(f.out.n, 3);
    out_str(&f, 0, "AB", "/Resources/A/Properties/l/0");
    out_str(&f, 1, "CD", "/Resources/A/Properties/l/1");
    out_str(&f, 2, "EF", "/Resources/A/Properties/l/2");
    fx_done(&f);
}
END_TEST

START_TEST(to_upper_skips_other_types)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "x", "/m/0");
    add_i(&f, 0, 1, "/m/1");
    add(&f, 0, gv_make_bool(&f.a, true), "/m/2");
    add(&f, 0, gv_make_null(&f.a), "/m/3");
    ck_assert_int_eq(call(&f, GV_FN_TO_UPPER, 1), 0);
    ck_assert_uint_eq(f.out.n, 1);
    out_str(&f, 0, "X", "/m/0");
    fx_done(&f);
}
END_TEST

START_TEST(unresolved_input_gives_nothing)
{
    int fns[] = {GV_FN_TO_UPPER, GV_FN_TO_LOWER, GV_FN_URL_DECODE, GV_FN_JSON_PARSE, GV_FN_PARSE_INT,
                 GV_FN_PARSE_FLOAT, GV_FN_PARSE_STRING, GV_FN_PARSE_BOOLEAN, GV_FN_PARSE_CHAR};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        fx f;
        fx_init(&f);
        add_unresolved(&f, 0, "/Resources/A/Properties", "missing");
        ck_assert_int_eq(call(&f, fns[i], 1), 0);
        ck_assert_uint_eq(f.out.n, 0);
        fx_done(&f);
    }
}
END_TEST

START_TEST(case_mapping_unicode)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "\xc3\x9ftra\xc3\x9f" "e \xc7\x86 \xc3\xa9", NULL); /* ßtraße ǆ é */
    ck_assert_int_eq(call(&f, GV_FN_TO_UPPER, 1), 0);
    out_str(&f, 0, "SSTRASSE \xc7\x84 \xc3\x89", ""); /* SSTRASSE Ǆ É */
    reset_args(&f);
    add_s(&f, 0, "\xc3\x80\xc3\x89 \xc4\xb0 \xce\xa3", NULL); /* ÀÉ İ Σ */
    ck_assert_int_eq(call(&f, GV_FN_TO_LOWER, 1), 0);
    out_str(&f, 0, "\xc3\xa0\xc3\xa9 i\xcc\x87 \xcf\x83", ""); /* àé i̇ σ */
    fx_done(&f);
}
END_TEST

/* ---- count ---- */

START_TEST(count_resolved_values)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "ab", "/Resources/A/Properties/l/0");
    add_s(&f, 0, "Cd", "/Resources/A/Properties/l/1");
    add_s(&f, 0, "eF", "/Resources/A/Properties/l/2");
    ck_assert_int_eq(call(&f, GV_FN_COUNT, 1), 0);
    ck_assert_uint_eq(f.out.n, 1);
    out_int(&f, 0, 3, "/Resources/A/Properties/l/0");
    fx_done(&f);
}
END_TEST

START_TEST(count_unresolved_is_zero_at_its_path)
{
    fx f;
    fx_init(&f);
    add_unresolved(&f, 0, "/Resources/A/Properties", "missing");
    ck_assert_int_eq(call(&f, GV_FN_COUNT, 1), 0);
    out_int(&f, 0, 0, "/Resources/A/Properties");
    fx_done(&f);
}
END_TEST

START_TEST(count_mixed_and_empty)
{
    fx f;
    fx_init(&f);
    /* Resources.*.Properties.x with B lacking x: 2 at A's path */
    add_s(&f, 0, "a", "/Resources/A/Properties/x");
    add_unresolved(&f, 0, "/Resources/B/Properties", "x");
    add_s(&f, 0, "c", "/Resources/C/Properties/x");
    ck_assert_int_eq(call(&f, GV_FN_COUNT, 1), 0);
    out_int(&f, 0, 2, "/Resources/A/Properties/x");
    /* a filter matching nothing: 0 at the root */
    reset_args(&f);
    ck_assert_int_eq(call(&f, GV_FN_COUNT, 1), 0);
    out_int(&f, 0, 0, "");
    ck_assert_ptr_null(f.out.v[0].path);
    fx_done(&f);
}
END_TEST

/* ---- json_parse ---- */

START_TEST(json_parse_structures)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "{\"a\": [1, 2.5, \"x\", true, null], \"b\": {\"c\": 1}}", "/Resources/A/Properties/j");
    add_i(&f, 0, 7, "/Resources/A/Properties/n"); /* not a string: skipped */
    ck_assert_int_eq(call(&f, GV_FN_JSON_PARSE, 1), 0);
    ck_assert_uint_eq(f.out.n, 1);
    ck_assert_str_eq(path_of(&f, 0), "/Resources/A/Properties/j");
    const gv_node *m = f.out.v[0].node;
    ck_assert_int_eq(m->kind, GV_MAP);
    const gv_node *a = gv_map_get_str(m, "a");
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(a->kind, GV_LIST);
    ck_assert_uint_eq(a->len, 5);
    ck_assert_int_eq(a->u.items[0]->kind, GV_INT);
    ck_assert_int_eq(a->u.items[1]->kind, GV_FLOAT);
    ck_assert_int_eq(a->u.items[4]->kind, GV_NULL);
    const gv_node *b = gv_map_get_str(m, "b");
    ck_assert_int_eq(gv_map_get_str(b, "c")->u.i, 1);
    fx_done(&f);
}
END_TEST

/* A large map's index is copied with its members (it holds positions):
 * every key is still found, and a missing one is not. */
START_TEST(json_parse_large_map)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "{\"k0\": 0, \"k1\": 1, \"k2\": 2, \"k3\": 3, \"k4\": 4, \"k5\": 5, \"k6\": 6, \"k7\": 7,"
                 " \"k8\": 8, \"k9\": 9, \"k10\": 10, \"k11\": 11, \"k12\": 12, \"k13\": 13}", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JSON_PARSE, 1), 0);
    const gv_node *m = f.out.v[0].node;
    ck_assert_uint_eq(m->len, 14);
    ck_assert_uint_eq(m->indexed, 1);
    char key[8];
    for (int i = 0; i < 14; i++) {
        snprintf(key, sizeof key, "k%d", i);
        const gv_node *v = gv_map_get_str(m, key);
        ck_assert_msg(v && v->u.i == i, "lookup of %s", key);
    }
    ck_assert_ptr_null(gv_map_get_str(m, "k14"));
    fx_done(&f);
}
END_TEST

START_TEST(json_parse_scalars_and_yaml)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "42", NULL);
    add_s(&f, 0, "1e3", NULL);
    add_s(&f, 0, "\"hi\"", NULL);
    add_s(&f, 0, "  7  ", NULL);
    add_s(&f, 0, "a: 1\nb: [x, y]", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JSON_PARSE, 1), 0);
    ck_assert_uint_eq(f.out.n, 5);
    out_int(&f, 0, 42, NULL);
    ck_assert_int_eq(f.out.v[1].node->kind, GV_FLOAT);
    ck_assert(f.out.v[1].node->u.f == 1000.0);
    out_str(&f, 2, "hi", NULL);
    out_int(&f, 3, 7, NULL);
    ck_assert_int_eq(f.out.v[4].node->kind, GV_MAP);
    ck_assert_uint_eq(gv_map_get_str(f.out.v[4].node, "b")->len, 2);
    fx_done(&f);
}
END_TEST

START_TEST(json_parse_errors)
{
    const char *bad[] = {"{not json", "", "# c"};
    for (size_t i = 0; i < 3; i++) {
        fx f;
        fx_init(&f);
        add_s(&f, 0, bad[i], "/Resources/A/Properties/bad");
        ck_assert_int_eq(call(&f, GV_FN_JSON_PARSE, 1), -1);
        ck_assert_int_eq(f.err.code, GV_E_EVAL);
        ERR_IS(&f, "Error parsing incoming YAML context");
        fx_done(&f);
    }
}
END_TEST

/* ---- regex_replace ---- */

START_TEST(regex_replace_maps_values)
{
    fx f;
    fx_init(&f);
    f.rc = gv_regex_cache_new();
    add_s(&f, 0, "ab", "/l/0");
    add_s(&f, 0, "Cd", "/l/1");
    add_s(&f, 0, "eF", "/l/2");
    add_i(&f, 0, 5, "/l/3");
    add_s(&f, 1, "([a-z])", NULL);
    add_s(&f, 2, "<${1}>", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    ck_assert_uint_eq(f.out.n, 3);
    out_str(&f, 0, "<a><b>", "/l/0");
    out_str(&f, 1, "<d>", "/l/1");
    out_str(&f, 2, "<e>", "/l/2");
    ck_assert_uint_eq(gv_regex_cache_count(f.rc), 1);
    /* same call again: the cached regex serves it */
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    ck_assert_uint_eq(gv_regex_cache_count(f.rc), 1);
    fx_done(&f);
}
END_TEST

START_TEST(regex_replace_is_concatenation_of_matches)
{
    fx f;
    fx_init(&f); /* no cache: compiled and freed per call */
    add_s(&f, 0, "abc", "/s");
    add_s(&f, 1, "b", NULL);
    add_s(&f, 2, "X", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    out_str(&f, 0, "X", "/s"); /* not "aXc" */
    reset_args(&f);
    add_s(&f, 0, "abc", "/s");
    add_s(&f, 1, "z", NULL);
    add_s(&f, 2, "X", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    out_str(&f, 0, "", "/s");
    fx_done(&f);
}
END_TEST

START_TEST(regex_replace_argument_checks)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "abc", NULL);
    add_i(&f, 1, 1, NULL);
    add_s(&f, 2, "x", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), -1);
    ck_assert_str_eq(f.err.msg, "regex_replace function requires the second argument to be a string");
    reset_args(&f);
    add_s(&f, 0, "abc", NULL);
    add_s(&f, 1, "a", NULL);
    add_i(&f, 2, 1, NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), -1);
    ck_assert_str_eq(f.err.msg, "regex_replace function requires the third argument to be a string");
    /* a query: its first value is used ("ab", then "Cd" ignored) */
    reset_args(&f);
    add_s(&f, 0, "zzCdzz", NULL);
    add_s(&f, 1, "ab", "/l/0");
    add_s(&f, 1, "Cd", "/l/1");
    add_s(&f, 2, "x", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    out_str(&f, 0, "", "");
    /* an empty query (the oracle panics) */
    reset_args(&f);
    add_s(&f, 0, "abc", NULL);
    add_s(&f, 2, "x", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), -1);
    fx_done(&f);
}
END_TEST

START_TEST(regex_replace_bad_regex_only_when_applied)
{
    fx f;
    fx_init(&f);
    add_unresolved(&f, 0, "/Resources/A/Properties", "missing");
    add_s(&f, 1, "(", NULL);
    add_s(&f, 2, "x", NULL);
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), 0);
    ck_assert_uint_eq(f.out.n, 0);
    add_s(&f, 0, "abc", "/s");
    ck_assert_int_eq(call(&f, GV_FN_REGEX_REPLACE, 3), -1);
    ck_assert_int_eq(f.err.code, GV_E_EVAL);
    ERR_IS(&f, "Regex expression parse error");
    fx_done(&f);
}
END_TEST

/* ---- substring ---- */

static void substring_case(int64_t from, double ffrom, int from_is_float, int64_t to, const char *s,
                           const char *want)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, s, "/s");
    if (from_is_float)
        add_f(&f, 1, ffrom, NULL);
    else
        add_i(&f, 1, from, NULL);
    add_i(&f, 2, to, NULL);
    ck_assert_int_eq(call(&f, GV_FN_SUBSTRING, 3), 0);
    if (want) {
        ck_assert_uint_eq(f.out.n, 1);
        out_str(&f, 0, want, "/s");
    } else {
        ck_assert_uint_eq(f.out.n, 0);
    }
    fx_done(&f);
}

START_TEST(substring_bounds)
{
    substring_case(0, 0, 0, 2, "abc", "ab");
    substring_case(0, 0, 0, 3, "abc", "abc");
    substring_case(5, 0, 0, 6, "abcdef", "f");
    substring_case(1, 0, 0, 1, "abc", NULL);  /* from == to: nothing */
    substring_case(2, 0, 0, 1, "abc", NULL);
    substring_case(0, 0, 0, 4, "abc", NULL);  /* past the end: nothing */
    substring_case(4, 0, 0, 5, "abc", NULL);
    substring_case(-1, 0, 0, 2, "abc", NULL); /* negative: nothing */
    substring_case(0, 0, 0, 0, "", NULL);
    substring_case(0, 1.5, 1, 2, "abc", "b"); /* floats truncate */
    substring_case(1, 0, 0, 3, "h\xc3\xa9llo", "\xc3\xa9");
}
END_TEST

START_TEST(substring_errors)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "abc", NULL);
    add_s(&f, 1, "1", NULL);
    add_i(&f, 2, 2, NULL);
    ck_assert_int_eq(call(&f, GV_FN_SUBSTRING, 3), -1);
    ck_assert_str_eq(f.err.msg, "substring function requires the second argument to be a number");
    reset_args(&f);
    add_s(&f, 0, "abc", NULL);
    add_i(&f, 1, 0, NULL);
    add_unresolved(&f, 2, "/Resources/A/Properties", "missing");
    ck_assert_int_eq(call(&f, GV_FN_SUBSTRING, 3), -1);
    ck_assert_str_eq(f.err.msg, "substring function requires the third argument to be a number");
    /* a cut inside "é": the oracle panics, gavel reports an error */
    reset_args(&f);
    add_s(&f, 0, "h\xc3\xa9llo", NULL);
    add_i(&f, 1, 2, NULL);
    add_i(&f, 2, 3, NULL);
    ck_assert_int_eq(call(&f, GV_FN_SUBSTRING, 3), -1);
    fx_done(&f);
}
END_TEST

/* ---- join ---- */

START_TEST(join_strings)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "ab", "/l/0");
    add_s(&f, 0, "Cd", "/l/1");
    add_s(&f, 0, "eF", "/l/2");
    add_s(&f, 1, ",", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), 0);
    ck_assert_uint_eq(f.out.n, 1);
    out_str(&f, 0, "ab,Cd,eF", "/l/0");
    /* separator from a query: its first value */
    f.args[1].n = 0;
    add_s(&f, 1, "ab", "/l/0");
    add_s(&f, 1, "Cd", "/l/1");
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), 0);
    out_str(&f, 0, "ababCdabeF", "/l/0");
    /* nothing to join: "" at the root */
    f.args[0].n = 0;
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), 0);
    out_str(&f, 0, "", "");
    fx_done(&f);
}
END_TEST

START_TEST(join_errors)
{
    fx f;
    fx_init(&f);
    add_s(&f, 0, "x", "/m/0");
    add_i(&f, 0, 1, "/m/1");
    add_s(&f, 1, "-", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), -1);
    ck_assert_str_eq(f.err.msg, "Joining non string values Path=/m/1 Value=1");
    reset_args(&f);
    add_unresolved(&f, 0, "/Resources/A/Properties", "missing");
    add_s(&f, 1, ",", NULL);
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), -1);
    ERR_IS(&f, "Joining unresolved values is not allowed Path=/Resources/A/Properties");
    ERR_IS(&f, "unsatisfied part missing");
    reset_args(&f);
    add_s(&f, 0, "x", NULL);
    add_i(&f, 1, 1, NULL);
    ck_assert_int_eq(call(&f, GV_FN_JOIN, 2), -1);
    ck_assert_str_eq(f.err.msg, "join function requires the second argument to be either a char or string");
    fx_done(&f);
}
END_TEST

/* ---- url_decode ---- */

START_TEST(url_decode_cases)
{
    const char *in[] = {"a%20b", "a+b", "%41%42", "%zz", "%4", "100%", "%C3%A9", "%FF", "a%2Fb%3F",
                        "%c3%a9x%2g", "%C3"};
    const char *want[] = {"a b", "a+b", "AB", "%zz", "%4", "100%", "\xc3\xa9", NULL, "a/b?",
                          "\xc3\xa9x%2g", NULL};
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        reset_args(&f);
        add_s(&f, 0, in[i], "/u");
        ck_assert_int_eq(call(&f, GV_FN_URL_DECODE, 1), 0);
        if (want[i])
            out_str(&f, 0, want[i], "/u");
        else
            ck_assert_uint_eq(f.out.n, 0); /* not UTF-8: no value */
    }
    reset_args(&f);
    add_s(&f, 0, "a%00b", NULL);
    ck_assert_int_eq(call(&f, GV_FN_URL_DECODE, 1), 0);
    ck_assert_uint_eq(f.out.v[0].node->len, 3);
    ck_assert_int_eq(f.out.v[0].node->u.s[1], '\0');
    fx_done(&f);
}
END_TEST

/* ---- converters ---- */

START_TEST(parse_int_strings)
{
    const char *ok[] = {"12", "-7", "+4", "007"};
    int64_t okv[] = {12, -7, 4, 7};
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < 4; i++) {
        reset_args(&f);
        add_s(&f, 0, ok[i], "/i");
        ck_assert_int_eq(call(&f, GV_FN_PARSE_INT, 1), 0);
        out_int(&f, 0, okv[i], "/i");
    }
    const char *bad[] = {" 3", "12abc", "1.5", "0x10", "", "99999999999999999999", "1_0", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reset_args(&f);
        add_s(&f, 0, bad[i], "/Resources/A/Properties/i/2");
        ck_assert_int_eq(call(&f, GV_FN_PARSE_INT, 1), -1);
        ck_assert_int_eq(f.err.code, GV_E_EVAL);
    }
    reset_args(&f);
    add_s(&f, 0, " 3", "/Resources/A/Properties/i/2");
    call(&f, GV_FN_PARSE_INT, 1);
    ck_assert_str_eq(f.err.msg, "failed to convert a string:  3 into an integer at /Resources/A/Properties/i/2");
    fx_done(&f);
}
END_TEST

START_TEST(parse_int_numbers)
{
    fx f;
    fx_init(&f);
    add_i(&f, 0, 5, "/n/0");
    add_i(&f, 0, -3, "/n/1");
    add_f(&f, 0, 2.7, "/n/2");
    add_f(&f, 0, -2.7, "/n/3");
    add(&f, 0, gv_make_bool(&f.a, true), "/n/4");
    add(&f, 0, gv_make_null(&f.a), "/n/5");
    ck_assert_int_eq(call(&f, GV_FN_PARSE_INT, 1), 0);
    ck_assert_uint_eq(f.out.n, 4);
    out_int(&f, 0, 5, "/n/0");
    out_int(&f, 1, -3, "/n/1");
    out_int(&f, 2, 2, "/n/2");
    out_int(&f, 3, -2, "/n/3");
    fx_done(&f);
}
END_TEST

START_TEST(parse_float_cases)
{
    const char *ok[] = {"1.5", "1e3", "-0", "1.", ".5", "3", "inf", "NaN"};
    double okv[] = {1.5, 1000.0, -0.0, 1.0, 0.5, 3.0, INFINITY, NAN};
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        reset_args(&f);
        add_s(&f, 0, ok[i], "/f");
        ck_assert_int_eq(call(&f, GV_FN_PARSE_FLOAT, 1), 0);
        ck_assert_int_eq(f.out.v[0].node->kind, GV_FLOAT);
        double v = f.out.v[0].node->u.f;
        if (isnan(okv[i]))
            ck_assert(isnan(v));
        else
            ck_assert(v == okv[i] && !!signbit(v) == !!signbit(okv[i]));
    }
    const char *bad[] = {"abc", " 2", "", "0x1p3", "e5", "."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reset_args(&f);
        add_s(&f, 0, bad[i], "/Resources/A/Properties/b");
        ck_assert_int_eq(call(&f, GV_FN_PARSE_FLOAT, 1), -1);
    }
    reset_args(&f);
    add_s(&f, 0, "yes", "/Resources/A/Properties/b");
    call(&f, GV_FN_PARSE_FLOAT, 1);
    ck_assert_str_eq(f.err.msg, "failed to convert a string: yes into a float at /Resources/A/Properties/b");
    reset_args(&f);
    add_i(&f, 0, 5, NULL);
    add(&f, 0, gv_make_bool(&f.a, true), NULL);
    ck_assert_int_eq(call(&f, GV_FN_PARSE_FLOAT, 1), 0);
    ck_assert_uint_eq(f.out.n, 1);
    ck_assert(f.out.v[0].node->kind == GV_FLOAT && f.out.v[0].node->u.f == 5.0);
    fx_done(&f);
}
END_TEST

START_TEST(parse_string_formats_like_rust)
{
    double fl[] = {1.0, 1e20, 1e-7, 0.1, 123456.789, -0.0, 2.5e-5, 100.0, -2.7};
    const char *want[] = {"1", "100000000000000000000", "0.0000001", "0.1", "123456.789", "-0",
                          "0.000025", "100", "-2.7"};
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        add_f(&f, 0, fl[i], NULL);
    add_i(&f, 0, -3, NULL);
    add(&f, 0, gv_make_bool(&f.a, true), NULL);
    add(&f, 0, gv_make_null(&f.a), NULL);
    add_s(&f, 0, "ab", "/c/1");
    ck_assert_int_eq(call(&f, GV_FN_PARSE_STRING, 1), 0);
    ck_assert_uint_eq(f.out.n, 12);
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        out_str(&f, (uint32_t)i, want[i], NULL);
    out_str(&f, 9, "-3", NULL);
    out_str(&f, 10, "true", NULL);
    out_str(&f, 11, "ab", "/c/1");
    gv_buf b;
    gv_buf_init(&b);
    gv_fmt_rust_float(&b, 1e300);
    ck_assert_uint_eq(b.len, 301); /* "1" and 300 zeros */
    gv_buf_free(&b);
    fx_done(&f);
}
END_TEST

START_TEST(parse_boolean_cases)
{
    const char *in[] = {"true", "True", "TRUE", "false", "tRuE"};
    int want[] = {1, 1, 1, 0, 1};
    fx f;
    fx_init(&f);
    for (size_t i = 0; i < 5; i++)
        add_s(&f, 0, in[i], NULL);
    add(&f, 0, gv_make_bool(&f.a, false), NULL);
    add_i(&f, 0, 1, NULL); /* numbers: nothing */
    ck_assert_int_eq(call(&f, GV_FN_PARSE_BOOLEAN, 1), 0);
    ck_assert_uint_eq(f.out.n, 6);
    for (size_t i = 0; i < 5; i++)
        ck_assert_int_eq(f.out.v[i].node->u.b, want[i]);
    ck_assert_int_eq(f.out.v[5].node->u.b, 0);
    const char *bad[] = {"yes", "1", ""};
    for (size_t i = 0; i < 3; i++) {
        reset_args(&f);
        add_s(&f, 0, bad[i], "/Resources/A/Properties/b");
        ck_assert_int_eq(call(&f, GV_FN_PARSE_BOOLEAN, 1), -1);
    }
    ck_assert_str_eq(f.err.msg, "failed to convert a string:  into a boolean at /Resources/A/Properties/b");
    fx_done(&f);
}
END_TEST

/* ---- extensions ---- */

START_TEST(extensions_now_and_parse_epoch)
{
    fx f;
    fx_init(&f);
    time_t before = time(NULL);
    ck_assert_int_eq(call(&f, GV_FN_NOW, 0), 0);
    ck_assert_int_eq(f.out.v[0].node->kind, GV_INT);
    ck_assert_int_ge(f.out.v[0].node->u.i, (int64_t)before);
    add_s(&f, 0, "2020-01-01T00:00:00Z", "/t");
    add_s(&f, 0, "2020-01-01T01:00:00.5+01:00", "/t2");
    add_s(&f, 0, "1970-01-01T00:00:00Z", NULL);
    ck_assert_int_eq(call(&f, GV_FN_PARSE_EPOCH, 1), 0);
    out_int(&f, 0, 1577836800, "/t");
    out_int(&f, 1, 1577836800, "/t2");
    out_int(&f, 2, 0, NULL);
    reset_args(&f);
    add_s(&f, 0, "yesterday", NULL);
    ck_assert_int_eq(call(&f, GV_FN_PARSE_EPOCH, 1), -1);
    fx_done(&f);
}
END_TEST

START_TEST(unknown_function_id)
{
    fx f;
    fx_init(&f);
    ck_assert_int_eq(call(&f, 65535, 0), -1);
    ck_assert_int_eq(f.err.code, GV_E_EVAL);
    ck_assert_int_eq(call(&f, -1, 0), -1);
    fx_done(&f);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("functions");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lookup_names);
    tcase_add_test(tc, arity_message);
    tcase_add_test(tc, to_upper_maps_and_keeps_paths);
    tcase_add_test(tc, to_upper_skips_other_types);
    tcase_add_test(tc, unresolved_input_gives_nothing);
    tcase_add_test(tc, case_mapping_unicode);
    tcase_add_test(tc, count_resolved_values);
    tcase_add_test(tc, count_unresolved_is_zero_at_its_path);
    tcase_add_test(tc, count_mixed_and_empty);
    tcase_add_test(tc, json_parse_structures);
    tcase_add_test(tc, json_parse_large_map);
    tcase_add_test(tc, json_parse_scalars_and_yaml);
    tcase_add_test(tc, json_parse_errors);
    tcase_add_test(tc, regex_replace_maps_values);
    tcase_add_test(tc, regex_replace_is_concatenation_of_matches);
    tcase_add_test(tc, regex_replace_argument_checks);
    tcase_add_test(tc, regex_replace_bad_regex_only_when_applied);
    tcase_add_test(tc, substring_bounds);
    tcase_add_test(tc, substring_errors);
    tcase_add_test(tc, join_strings);
    tcase_add_test(tc, join_errors);
    tcase_add_test(tc, url_decode_cases);
    tcase_add_test(tc, parse_int_strings);
    tcase_add_test(tc, parse_int_numbers);
    tcase_add_test(tc, parse_float_cases);
    tcase_add_test(tc, parse_string_formats_like_rust);
    tcase_add_test(tc, parse_boolean_cases);
    tcase_add_test(tc, extensions_now_and_parse_epoch);
    tcase_add_test(tc, unknown_function_id);
    suite_add_tcase(s, tc);
    return s;
}
