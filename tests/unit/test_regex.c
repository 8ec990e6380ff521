/* Regex dialect and search semantics, each case probed on cfn-guard 3.1.1
 * with `rule r { s == /RE/ }` (PASS = match, FAIL = no match, parse error =
 * the pattern is rejected). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "vm/regex.h"

/* 1 match, 0 no match, -1 search error, -2 the pattern is rejected */
static int search(const char *re, const char *s)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_error err;
    gv_error_clear(&err);
    gv_regex *r = gv_regex_compile(&a, re, strlen(re), &err);
    int res;
    if (!r) {
        ck_assert_int_eq(err.code, GV_E_SYNTAX);
        ck_assert(strchr(err.msg, '\n') == NULL);
        res = -2;
    } else {
        res = gv_regex_search(r, s, strlen(s), &err);
    }
    gv_regex_free(r);
    gv_arena_free(&a);
    return res;
}

START_TEST(search_not_full_match)
{
    ck_assert_int_eq(search("World", "Hello World"), 1);
    ck_assert_int_eq(search("^World", "Hello World"), 0);
    ck_assert_int_eq(search("world", "Hello World"), 0); /* case-sensitive */
    ck_assert_int_eq(search("^T", "T1"), 1);
}
END_TEST

START_TEST(inline_flags)
{
    ck_assert_int_eq(search("(?i)world", "Hello World"), 1);
    ck_assert_int_eq(search("(?m)^line2$", "line1\nline2"), 1);
    ck_assert_int_eq(search("^line2$", "line1\nline2"), 0);
    ck_assert_int_eq(search("line1.line2", "line1\nline2"), 0);
    ck_assert_int_eq(search("(?s)line1.line2", "line1\nline2"), 1);
    ck_assert_int_eq(search("(?x) Hello \\s World", "Hello World"), 1);
    ck_assert_int_eq(search("(?xi) X Y", "xyz"), 1);
    ck_assert_int_eq(search("(?i-s)X", "xyz"), 1);
    ck_assert_int_eq(search("(?-i:x)", "xyz"), 1);
    ck_assert_int_eq(search("(?U)x+", "xyz"), 1);
}
END_TEST

START_TEST(flag_u_accepted_minus_u_rejected)
{
    ck_assert_int_eq(search("(?u)x", "xyz"), 1);
    ck_assert_int_eq(search("(?iu:X)", "xyz"), 1);
    ck_assert_int_eq(search("(?-u)\\w", "é"), -2);
}
END_TEST

START_TEST(anchors_A_z_dollar)
{
    ck_assert_int_eq(search("\\AHello", "Hello World"), 1);
    ck_assert_int_eq(search("World\\z", "Hello World"), 1);
    ck_assert_int_eq(search("Hello\\z", "Hello World"), 0);
    /* `$` is the end of the text only: not before a final newline */
    ck_assert_int_eq(search("abc$", "abc\n"), 0);
    ck_assert_int_eq(search("abc\\z", "abc\n"), 0);
    ck_assert_int_eq(search("(?m)abc$", "abc\n"), 1);
    ck_assert_int_eq(search("\\A\\s*\\z", "  "), 1);
    ck_assert_int_eq(search("\\A\\s*\\z", " x "), 0);
}
END_TEST

START_TEST(unicode_classes)
{
    ck_assert_int_eq(search("\\d", "\xd9\xa3"), 1);       /* Arabic-Indic three */
    ck_assert_int_eq(search("[0-9]", "\xd9\xa3"), 0);
    ck_assert_int_eq(search("\\w", "\xc3\xa9"), 1);       /* é */
    ck_assert_int_eq(search("^\\w{5} \\w\\w$", "h\xc3\xa9llo \xc3\x84\xc3\x96"), 1);
    ck_assert_int_eq(search("^h.llo", "h\xc3\xa9llo"), 1); /* . is a character */
    ck_assert_int_eq(search("\\p{Lu}", "h\xc3\xa9llo \xc3\x84"), 1);
    ck_assert_int_eq(search("\\pL", "\xc3\xa9"), 1);
    ck_assert_int_eq(search("\\p{Greek}", "xyz"), 0);
    ck_assert_int_eq(search("(?i)\xc3\xa4\xc3\xb6", "\xc3\x84\xc3\x96"), 1);
    ck_assert_int_eq(search("\\bWorld\\b", "Hello World"), 1);
}
END_TEST

START_TEST(posix_classes_are_ascii)
{
    ck_assert_int_eq(search("[[:alpha:]]", "\xc3\xa9"), 0);
    ck_assert_int_eq(search("[[:alpha:]]", "xyz"), 1);
    ck_assert_int_eq(search("[[:word:]]", "xyz"), 1);
    ck_assert_int_eq(search("[[:^alpha:]]", "xyz"), 0);
}
END_TEST

START_TEST(h_is_hex_digit)
{
    ck_assert_int_eq(search("\\h", "xyz"), 0);
    ck_assert_int_eq(search("\\h", "x y"), 0); /* not horizontal space */
    ck_assert_int_eq(search("\\h", "a\tb"), 1);
    ck_assert_int_eq(search("\\H", "xyz"), 1);
    ck_assert_int_eq(search("\\v", "xyz"), 0);
}
END_TEST

START_TEST(rust_escapes)
{
    ck_assert_int_eq(search("\\u0078", "xyz"), 1);
    ck_assert_int_eq(search("\\U00000078", "xyz"), 1);
    ck_assert_int_eq(search("\\u{78}", "xyz"), 1);
    ck_assert_int_eq(search("\\x78", "xyz"), 1);
    ck_assert_int_eq(search("\\x{e9}", "h\xc3\xa9llo"), 1);
    ck_assert_int_eq(search("\\e", "xyz"), 0);
    ck_assert_int_eq(search("\\0", "xyz"), 0);
}
END_TEST

START_TEST(counted_repetition_without_min)
{
    ck_assert_int_eq(search("a{,2}", "Hello World"), 1); /* {0,2}: empty match */
    ck_assert_int_eq(search("^a{,2}$", "a{,2}"), 0);
    ck_assert_int_eq(search("^a{,2}$", "xyz"), 0);
    ck_assert_int_eq(search("a{b", "a{b"), 1); /* not a quantifier: literal */
}
END_TEST

START_TEST(groups_lookaround_backrefs)
{
    ck_assert_int_eq(search("(?P<n>Hello)", "Hello World"), 1);
    ck_assert_int_eq(search("(?<n>Hello)", "Hello World"), 1);
    ck_assert_int_eq(search("(?=World)", "Hello World"), 1);
    ck_assert_int_eq(search("(?<=b)a", "baab"), 1);
    ck_assert_int_eq(search("(?<!x)a", "baab"), 1);
    ck_assert_int_eq(search("(a)\\1", "baab"), 1);
    ck_assert_int_eq(search("(?<n>a)\\k<n>", "baab"), 1);
    ck_assert_int_eq(search("(?P<n>a)(?P=n)", "baab"), 1);
    ck_assert_int_eq(search("(x)?(?(1)y|z)", "xyz"), 1);
    ck_assert_int_eq(search("x++", "xyz"), 1);
    ck_assert_int_eq(search("(?>x)", "xyz"), 1);
    ck_assert_int_eq(search("x(?#c)", "xyz"), 1);
    ck_assert_int_eq(search("(?x)x[ ]y", "x y"), 1); /* x mode keeps class spaces */
}
END_TEST

START_TEST(pcre_only_syntax_rejected)
{
    const char *bad[] = {"\\Z", "\\QHello\\E", "\\R", "\\N", "\\X", "\\cA", "\\o{101}",
                         "\\101", "(?|a)", "(x)(?1)", "(?R)x", "(*ANY)x", "(?J)x",
                         "(?n)x", "(?^)x", "(a)\\g1", "a**", "(?<=a+)b", "("};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(search(bad[i], "xyz") == -2, "pattern %s should be rejected", bad[i]);
}
END_TEST

START_TEST(invalid_regex_message)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_error err;
    gv_error_clear(&err);
    ck_assert_ptr_null(gv_regex_compile(&a, "(", 1, &err));
    ck_assert_int_eq(err.code, GV_E_SYNTAX);
    ck_assert(strstr(err.msg, "/(/") != NULL);
    ck_assert(strstr(err.msg, "offset") != NULL);
    gv_arena_free(&a);
}
END_TEST

START_TEST(catastrophic_pattern_is_bounded)
{
    /* the oracle answers FAIL (its regex engine does not backtrack) */
    char s[64];
    memset(s, 'a', 40);
    s[40] = '\0';
    ck_assert_int_eq(search("(a+)+b", s), 0);
    ck_assert_int_eq(search("(a|a)*b", s), 0);
    ck_assert_int_eq(search("(?=(a+)+b)", s), 0);
    /* with a backreference the DFA cannot help: an error, as the oracle's
     * backtracking limit is an error too */
    char big[20000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 3] = '!'; /* a 'b' exists, so no quick "required character" exit */
    big[sizeof big - 2] = 'b';
    big[sizeof big - 1] = '\0';
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_error err;
    gv_error_clear(&err);
    gv_regex *re = gv_regex_compile(&a, "(a+)+\\1b", 8, &err);
    ck_assert_ptr_nonnull(re);
    ck_assert_int_eq(gv_regex_search(re, big, strlen(big), &err), -1);
    ck_assert_str_eq(err.msg, "regex match limit exceeded");
    gv_regex_free(re);
    gv_arena_free(&a);
}
END_TEST

/* replace with Guard semantics (only the expansions) */
static void replace_eq(const char *re, const char *s, const char *rep, int keep, const char *want)
{
    gv_arena a;
    gv_arena_init(&a, 1024);
    gv_error err;
    gv_error_clear(&err);
    gv_regex *r = gv_regex_compile(&a, re, strlen(re), &err);
    ck_assert_ptr_nonnull(r);
    gv_buf b;
    gv_buf_init(&b);
    ck_assert_int_eq(gv_regex_replace(r, s, strlen(s), rep, strlen(rep), keep, &b, &err), 0);
    ck_assert_msg(strcmp(b.data ? b.data : "", want) == 0, "/%s/ on \"%s\" with \"%s\": got \"%s\" want \"%s\"",
                  re, s, rep, b.data ? b.data : "", want);
    gv_buf_free(&b);
    gv_regex_free(r);
    gv_arena_free(&a);
}

START_TEST(replace_concatenates_expansions)
{
    replace_eq("b", "abc", "X", 0, "X");
    replace_eq("z", "abc", "X", 0, "");
    replace_eq("^", "abc", "X", 0, "X");
    replace_eq("X", "aXbXc", "-", 0, "--");
    replace_eq("\\d+", "a1b22c", "<$0>", 0, "<1><22>");
    replace_eq("([a-z])", "ab", "<${1}>", 0, "<a><b>");
    replace_eq("(?<=a)b", "abc", "[$0]", 0, "[b]");
}
END_TEST

START_TEST(replace_empty_matches_like_rust)
{
    replace_eq("", "abc", "-", 0, "----");
    replace_eq("", "h\xc3\xa9llo", "-", 0, "------"); /* per character, not byte */
    replace_eq("a*?", "aaa", "-", 0, "----");
    replace_eq("a*", "aaa", "-", 0, "-");
    replace_eq("a*", "baaac", "-", 0, "---");
}
END_TEST

START_TEST(replace_template_syntax)
{
    replace_eq("(b)", "abc", "$1x", 0, "");   /* group "1x" does not exist */
    replace_eq("(b)", "abc", "$$", 0, "$");
    replace_eq("(b)", "abc", "$2", 0, "");
    replace_eq("(a)(b)", "abc", "${2}${1}$", 0, "ba$");
    replace_eq("(a)", "abc", "$ 1 $x- ${1", 0, "$ 1 - ${1");
    replace_eq("(?P<q>b)", "abc", "[$q]", 0, "[b]");
    replace_eq("(?P<x>a)|(?P<y>b)", "abab", "[$x|$y]", 0, "[a|][|b][a|][|b]");
    replace_eq("(a)\\1", "aa", "R", 0, "R");
}
END_TEST

START_TEST(replace_keep_unmatched)
{
    replace_eq("b", "abcb", "X", 1, "aXcX");
    replace_eq("z", "abc", "X", 1, "abc");
}
END_TEST

START_TEST(cache_add_lookup_free)
{
    gv_regex_cache *rc = gv_regex_cache_new();
    ck_assert_ptr_nonnull(rc);
    gv_error err;
    gv_error_clear(&err);
    char pat[32];
    gv_regex *first = NULL;
    for (int i = 0; i < 100; i++) { /* forces the table to grow */
        snprintf(pat, sizeof pat, "p%d[0-9]+", i);
        gv_regex *re = gv_regex_cache_get(rc, pat, strlen(pat), &err);
        ck_assert_ptr_nonnull(re);
        if (!i)
            first = re;
    }
    ck_assert_uint_eq(gv_regex_cache_count(rc), 100);
    ck_assert_ptr_eq(gv_regex_cache_get(rc, "p0[0-9]+", 8, &err), first);
    ck_assert_ptr_eq(gv_regex_cache_lookup(rc, "p0[0-9]+", 8), first);
    ck_assert_ptr_null(gv_regex_cache_lookup(rc, "nope", 4));
    ck_assert_int_eq(gv_regex_search(first, "p012", 4, &err), 1);
    size_t len;
    ck_assert_str_eq(gv_regex_pattern(first, &len), "p0[0-9]+");
    /* errors are reported, not cached */
    ck_assert_ptr_null(gv_regex_cache_get(rc, "(", 1, &err));
    ck_assert_uint_eq(gv_regex_cache_count(rc), 100);
    gv_regex_cache_free(rc);
    gv_regex_cache_free(NULL);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("regex");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, search_not_full_match);
    tcase_add_test(tc, inline_flags);
    tcase_add_test(tc, flag_u_accepted_minus_u_rejected);
    tcase_add_test(tc, anchors_A_z_dollar);
    tcase_add_test(tc, unicode_classes);
    tcase_add_test(tc, posix_classes_are_ascii);
    tcase_add_test(tc, h_is_hex_digit);
    tcase_add_test(tc, rust_escapes);
    tcase_add_test(tc, counted_repetition_without_min);
    tcase_add_test(tc, groups_lookaround_backrefs);
    tcase_add_test(tc, pcre_only_syntax_rejected);
    tcase_add_test(tc, invalid_regex_message);
    tcase_add_test(tc, catastrophic_pattern_is_bounded);
    tcase_add_test(tc, replace_concatenates_expansions);
    tcase_add_test(tc, replace_empty_matches_like_rust);
    tcase_add_test(tc, replace_template_syntax);
    tcase_add_test(tc, replace_keep_unmatched);
    tcase_add_test(tc, cache_add_lookup_free);
    suite_add_tcase(s, tc);
    return s;
}
