/* Lexer: every token kind, cfn-guard's escape rules, keyword spellings,
 * line:col tracking, and malformed tokens. */
#include <check.h>
#include <string.h>

#include "lang/lexer.h"

static gv_arena arena;
static gv_lexer lx;

static void start(const char *src)
{
    gv_arena_init(&arena, 0);
    gv_lexer_init(&lx, &arena, src, strlen(src));
}

static void finish(void)
{
    gv_arena_free(&arena);
}

static gv_token next(void)
{
    return gv_lex_next(&lx);
}

#define EXPECT_TOK(kind_, text_)                                     \
    do {                                                             \
        gv_token t_ = next();                                        \
        ck_assert_int_eq(t_.kind, (kind_));                          \
        if ((text_) != NULL)                                         \
            ck_assert_str_eq(t_.text, (const char *)(text_));        \
    } while (0)

START_TEST(punctuation_and_operators)
{
    start("{ } [ ] ( ) . , : * == != < <= > >= ! = |OR|");
    gv_tok_kind want[] = {GV_TOK_LBRACE, GV_TOK_RBRACE, GV_TOK_LBRACKET, GV_TOK_RBRACKET,
                          GV_TOK_LPAREN, GV_TOK_RPAREN, GV_TOK_DOT, GV_TOK_COMMA,
                          GV_TOK_COLON, GV_TOK_STAR, GV_TOK_EQ, GV_TOK_NE, GV_TOK_LT,
                          GV_TOK_LE, GV_TOK_GT, GV_TOK_GE, GV_TOK_BANG, GV_TOK_ASSIGN,
                          GV_TOK_PIPE_OR, GV_TOK_EOF};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_int_eq(next().kind, want[i]);
    finish();
}
END_TEST

START_TEST(identifiers_and_keywords)
{
    start("let rule when some not or in this keys exists empty foo_1 Bar");
    gv_kw want[] = {GV_KW_LET, GV_KW_RULE, GV_KW_WHEN, GV_KW_SOME, GV_KW_NOT, GV_KW_OR,
                    GV_KW_IN, GV_KW_THIS, GV_KW_KEYS, GV_KW_EXISTS, GV_KW_EMPTY,
                    GV_KW_NONE, GV_KW_NONE};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        gv_token t = next();
        ck_assert_int_eq(t.kind, GV_TOK_IDENT);
        ck_assert_int_eq(t.kw, want[i]);
    }
    finish();
}
END_TEST

START_TEST(type_operators)
{
    start("is_string is_list is_struct is_bool is_int is_float is_null is_char is_map");
    gv_kw want[] = {GV_KW_IS_STRING, GV_KW_IS_LIST, GV_KW_IS_STRUCT, GV_KW_IS_BOOL,
                    GV_KW_IS_INT, GV_KW_IS_FLOAT, GV_KW_IS_NULL, GV_KW_NONE, GV_KW_NONE};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_int_eq(next().kw, want[i]);
    finish();
}
END_TEST

/* Probed: EXISTS, NOT, IN, SOME, True, NULL are keywords; Exists, In,
 * TRUE, Null, KEYS are plain identifiers. */
START_TEST(keyword_case_variants)
{
    ck_assert_int_eq(gv_keyword("EXISTS", 6), GV_KW_EXISTS);
    ck_assert_int_eq(gv_keyword("NOT", 3), GV_KW_NOT);
    ck_assert_int_eq(gv_keyword("IN", 2), GV_KW_IN);
    ck_assert_int_eq(gv_keyword("SOME", 4), GV_KW_SOME);
    ck_assert_int_eq(gv_keyword("OR", 2), GV_KW_OR);
    ck_assert_int_eq(gv_keyword("IS_STRUCT", 9), GV_KW_IS_STRUCT);
    ck_assert_int_eq(gv_keyword("True", 4), GV_KW_TRUE);
    ck_assert_int_eq(gv_keyword("False", 5), GV_KW_FALSE);
    ck_assert_int_eq(gv_keyword("NULL", 4), GV_KW_NULL);
    ck_assert_int_eq(gv_keyword("Exists", 6), GV_KW_NONE);
    ck_assert_int_eq(gv_keyword("In", 2), GV_KW_NONE);
    ck_assert_int_eq(gv_keyword("TRUE", 4), GV_KW_NONE);
    ck_assert_int_eq(gv_keyword("Null", 4), GV_KW_NONE);
    ck_assert_int_eq(gv_keyword("KEYS", 4), GV_KW_NONE);
}
END_TEST

START_TEST(strings_keep_backslashes)
{
    start("\"a\\nb\" 'it\\'s' \"q\\\"x\" \"a\\\\z\" \"\"");
    EXPECT_TOK(GV_TOK_STRING, "a\\nb");   /* 4 characters, no escape processing */
    EXPECT_TOK(GV_TOK_STRING, "it's");
    EXPECT_TOK(GV_TOK_STRING, "q\"x");
    EXPECT_TOK(GV_TOK_STRING, "a\\\\z");  /* both backslashes kept */
    EXPECT_TOK(GV_TOK_STRING, "");
    finish();
}
END_TEST

START_TEST(string_spans_lines)
{
    start("\"a\nb\" x");
    EXPECT_TOK(GV_TOK_STRING, "a\nb");
    gv_token t = next();
    ck_assert_uint_eq(t.loc.line, 2);
    ck_assert_uint_eq(t.loc.col, 4);
    finish();
}
END_TEST

/* cfn-guard: "a\\" is unterminated (the second backslash escapes the quote). */
START_TEST(string_unterminated)
{
    start("  \"a\\\\\"");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "unterminated string literal");
    ck_assert_uint_eq(t.loc.col, 3);
    finish();
}
END_TEST

START_TEST(regex_literals)
{
    start("/\\A\\s*\\z/ /a\\/b/ /a\"b/");
    EXPECT_TOK(GV_TOK_REGEX, "\\A\\s*\\z");
    EXPECT_TOK(GV_TOK_REGEX, "a/b");         /* \/ is the only escape */
    EXPECT_TOK(GV_TOK_REGEX, "a\"b");
    finish();
}
END_TEST

START_TEST(regex_errors)
{
    start("//");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "empty regex literal //");
    finish();
    start("/abc");
    ck_assert_str_eq(next().text, "unterminated regex literal");
    finish();
}
END_TEST

START_TEST(integers)
{
    start("0 42 -7 007");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_INT);
    ck_assert_int_eq(t.ival, 0);
    ck_assert_int_eq(next().ival, 42);
    ck_assert_int_eq(next().ival, -7);
    ck_assert_int_eq(next().ival, 7);
    finish();
}
END_TEST

START_TEST(integer_overflow)
{
    start("9999999999999999999");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "integer literal out of 64-bit range");
    finish();
}
END_TEST

START_TEST(floats)
{
    start("3.5 1.5E-2 4.5e+3 1.0");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_FLOAT);
    ck_assert_double_eq(t.fval, 3.5);
    ck_assert_double_eq_tol(next().fval, 0.015, 1e-12);
    ck_assert_double_eq(next().fval, 4500.0);
    t = next();
    ck_assert_int_eq(t.kind, GV_TOK_FLOAT);
    ck_assert_double_eq(t.fval, 1.0);
    finish();
}
END_TEST

/* cfn-guard 3.1.1 rejects -4.5; 1e3 is the integer 1 followed by `e3`. */
START_TEST(float_edge_cases)
{
    start("-4.5");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_ptr_nonnull(strstr(t.text, "negative float"));
    finish();
    start("1e3");
    t = next();
    ck_assert_int_eq(t.kind, GV_TOK_INT);
    EXPECT_TOK(GV_TOK_IDENT, "e3");
    finish();
}
END_TEST

START_TEST(variables)
{
    start("%x %INPUT_DOCUMENT %a1_b");
    EXPECT_TOK(GV_TOK_VAR, "x");
    EXPECT_TOK(GV_TOK_VAR, "INPUT_DOCUMENT");
    EXPECT_TOK(GV_TOK_VAR, "a1_b");
    finish();
    start("%1");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "expected a variable name after '%'");
    finish();
}
END_TEST

START_TEST(messages_multiline)
{
    start("a <<\n  [CT.X]: fix\n  << nested\n>> b");
    EXPECT_TOK(GV_TOK_IDENT, "a");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_MESSAGE);
    ck_assert_str_eq(t.text, "\n  [CT.X]: fix\n  << nested\n");
    ck_assert_uint_eq(t.loc.line, 1);
    ck_assert_uint_eq(t.loc.col, 3);
    t = next();
    ck_assert_str_eq(t.text, "b");
    ck_assert_uint_eq(t.loc.line, 4);
    ck_assert_uint_eq(t.loc.col, 4);
    finish();
}
END_TEST

START_TEST(message_unterminated)
{
    start("a << oops >");
    next();
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "unterminated custom message: missing '>>'");
    finish();
}
END_TEST

START_TEST(comments_and_positions)
{
    start("# header\n  let x = 1 # trailing\n\tfoo");
    gv_token t = next();
    ck_assert_uint_eq(t.loc.line, 2);
    ck_assert_uint_eq(t.loc.col, 3);
    next(); next(); next();
    t = next();
    ck_assert_str_eq(t.text, "foo");
    ck_assert_uint_eq(t.loc.line, 3);
    ck_assert_uint_eq(t.loc.col, 2);
    ck_assert_int_eq(next().kind, GV_TOK_EOF);
    finish();
}
END_TEST

START_TEST(type_names)
{
    start("AWS::S3::Bucket Custom::Thing a::1");
    EXPECT_TOK(GV_TOK_TYPENAME, "AWS::S3::Bucket");
    EXPECT_TOK(GV_TOK_TYPENAME, "Custom::Thing");
    EXPECT_TOK(GV_TOK_IDENT, "a");       /* '::' must be followed by a letter */
    finish();
}
END_TEST

START_TEST(bad_characters)
{
    start("_a");
    gv_token t = next();
    ck_assert_int_eq(t.kind, GV_TOK_ERROR);
    ck_assert_str_eq(t.text, "unexpected character '_'");
    finish();
    start("|or|");
    ck_assert_str_eq(next().text, "expected '|OR|'");
    finish();
}
END_TEST

START_TEST(map_keys)
{
    start("a-b: 'q r': 1:");
    gv_token t = gv_lex_map_key(&lx);
    ck_assert_int_eq(t.kind, GV_TOK_STRING);
    ck_assert_str_eq(t.text, "a-b");
    next();
    ck_assert_str_eq(gv_lex_map_key(&lx).text, "q r");
    next();
    ck_assert_str_eq(gv_lex_map_key(&lx).text, "1");
    finish();
}
END_TEST

START_TEST(utf8_columns)
{
    start("\"é\" x");
    next();
    gv_token t = next();
    ck_assert_uint_eq(t.loc.col, 5);   /* characters, not bytes */
    finish();
}
END_TEST

START_TEST(describe_tokens)
{
    start("foo %v 12 \"s\" }");
    gv_token t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "'foo'");
    t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "'%v'");
    t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "integer 12");
    t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "string \"s\"");
    t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "'}'");
    t = next();
    ck_assert_str_eq(gv_tok_describe(&arena, &t), "end of file");
    finish();
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("lexer");
    TCase *tc = tcase_create("tokens");
    tcase_add_test(tc, punctuation_and_operators);
    tcase_add_test(tc, identifiers_and_keywords);
    tcase_add_test(tc, type_operators);
    tcase_add_test(tc, keyword_case_variants);
    tcase_add_test(tc, strings_keep_backslashes);
    tcase_add_test(tc, string_spans_lines);
    tcase_add_test(tc, string_unterminated);
    tcase_add_test(tc, regex_literals);
    tcase_add_test(tc, regex_errors);
    tcase_add_test(tc, integers);
    tcase_add_test(tc, integer_overflow);
    tcase_add_test(tc, floats);
    tcase_add_test(tc, float_edge_cases);
    tcase_add_test(tc, variables);
    tcase_add_test(tc, messages_multiline);
    tcase_add_test(tc, message_unterminated);
    tcase_add_test(tc, comments_and_positions);
    tcase_add_test(tc, type_names);
    tcase_add_test(tc, bad_characters);
    tcase_add_test(tc, map_keys);
    tcase_add_test(tc, utf8_columns);
    tcase_add_test(tc, describe_tokens);
    suite_add_tcase(s, tc);
    return s;
}
