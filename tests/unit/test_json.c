/* JSON files, read as cfn-guard 3.1.1 reads them: through YAML flow syntax
 * (docs/oracle-notes/loading.md §4). The fast path must give exactly what
 * the YAML loader gives, and decline whatever it cannot prove the same. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc_print.h"
#include "doc/loaders.h"

static gv_error err;
static char errbuf[1200];
static gv_buf out;

static gv_doc *load_opts(const char *text, size_t len, const gv_load_opts *o)
{
    gv_error_clear(&err);
    return gv_doc_load_mem("t.json", text, len, o, &err);
}

static const char *dump(const gv_node *n, unsigned flags)
{
    gv_buf_free(&out);
    gv_node_print_json(&out, n, flags);
    return out.data;
}

#define EXPECT_JSON(text, want)                                                 \
    do {                                                                        \
        gv_doc *d_ = load_opts((text), strlen(text), NULL);                     \
        ck_assert_msg(d_ != NULL, "load of %s failed: %s", (text), err.msg);    \
        ck_assert_str_eq(dump(gv_doc_root(d_), 0), (want));                     \
        gv_doc_free(d_);                                                        \
    } while (0)

#define EXPECT_ERROR(text, want)                                                \
    do {                                                                        \
        gv_doc *d_ = load_opts((text), strlen(text), NULL);                     \
        ck_assert_msg(d_ == NULL, "%s loaded", (text));                         \
        gv_error_format(&err, errbuf, sizeof errbuf);                           \
        ck_assert_str_eq(errbuf, (want));                                       \
    } while (0)

/* Loads text with the fast path alone (NULL when it declines). */
static gv_doc *fast_only(const char *text)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *d = gv_doc_new("t.json");
    gv_json_result r = gv_json_load(d, text, strlen(text), &o, &d->root, &err);
    if (r != GV_JSON_OK) {
        gv_doc_free(d);
        return NULL;
    }
    return d;
}

/* Loads text with the YAML loader alone, the reference reading. */
static gv_doc *yaml_only(const char *text)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *d = gv_doc_new("t.json");
    gv_error_clear(&err);
    d->root = gv_yaml_load(d, text, strlen(text), &o, &err);
    ck_assert_msg(d->root != NULL, "yaml load of %s: %s", text, err.msg);
    return d;
}

START_TEST(values_and_types)
{
    EXPECT_JSON("{\"s\": \"x\", \"i\": 42, \"f\": 2.5, \"t\": true, \"n\": null, \"l\": [], \"m\": {}}",
                "{\"s\":\"x\",\"i\":42,\"f\":2.5,\"t\":true,\"n\":null,\"l\":[],\"m\":{}}");
    gv_doc *d = load_opts("[1]", 3, NULL);
    ck_assert(gv_doc_is_json(d));
    gv_doc_free(d);
}
END_TEST

START_TEST(numbers_follow_rust_parsing)
{
    EXPECT_JSON("[0, -0, 1.0, 1e2, -0.0, 1E+2, 0.5e-1, 9223372036854775807, -9223372036854775808]",
                "[0,0,1.0,100.0,-0.0,100.0,0.05,9223372036854775807,-9223372036854775808]");
    /* past 64 bits an integer becomes a float */
    EXPECT_JSON("[12345678901234567890, -9223372036854775809]",
                "[1.2345678901234567e+19,-9.223372036854776e+18]");
    gv_doc *d = load_opts("[1E400, -1e400, 1e-400]", 23, NULL);
    gv_node *r = gv_doc_root(d);
    ck_assert(r->u.items[0]->kind == GV_FLOAT && isinf(r->u.items[0]->u.f) && r->u.items[0]->u.f > 0);
    ck_assert(isinf(r->u.items[1]->u.f) && r->u.items[1]->u.f < 0);
    ck_assert(r->u.items[2]->u.f == 0.0);
    gv_doc_free(d);
}
END_TEST

START_TEST(yaml_scalars_in_json)
{
    /* not JSON, but YAML plain scalars: typed the YAML way */
    EXPECT_JSON("{\"a\": +1, \"b\": 017, \"c\": 0x1F, \"d\": True, \"e\": 'x', \"f\": NaN, \"g\": .5, \"h\": nULL}",
                "{\"a\":1,\"b\":17,\"c\":\"0x1F\",\"d\":\"True\",\"e\":\"x\",\"f\":null,\"g\":0.5,\"h\":null}");
    gv_doc *d = load_opts("{\"f\": NaN}", 10, NULL);
    ck_assert(isnan(gv_doc_root(d)->u.members[0].value->u.f));
    gv_doc_free(d);
}
END_TEST

START_TEST(string_escapes)
{
    EXPECT_JSON("[\"\\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\", \"\\u0000\", \"\\u20AC\", \"plain \xc3\xa9\"]",
                "[\"\xc3\xa9/\\b\\f\\n\\r\\t\\\"\\\\\",\"\\u0000\",\"\xe2\x82\xac\",\"plain \xc3\xa9\"]");
    /* YAML-only escapes are read too (through the YAML loader) */
    EXPECT_JSON("[\"a\\x41\", \"\\U0001F600\", \"\\_\"]", "[\"aA\",\"\xf0\x9f\x98\x80\",\"\xc2\xa0\"]");
}
END_TEST

START_TEST(surrogate_escapes_fail)
{
    EXPECT_ERROR("{\"a\": \"\\ud83d\\ude00\"}",
                 "t.json:1:10: expected an escape of a Unicode scalar value (not a surrogate) "
                 "(parsing a quoted scalar started at 1:7), found 'd'");
    EXPECT_ERROR("[\"\\uDC00\"]",
                 "t.json:1:5: expected an escape of a Unicode scalar value (not a surrogate) "
                 "(parsing a quoted scalar started at 1:2), found 'D'");
}
END_TEST

START_TEST(raw_whitespace_in_strings)
{
    EXPECT_JSON("{\"a\": \"x\ny\", \"b\": \"p\tq\", \"c\": \"m\n\n  n\"}",
                "{\"a\":\"x y\",\"b\":\"p\\tq\",\"c\":\"m\\nn\"}"); /* YAML folding */
}
END_TEST

START_TEST(trailing_commas_and_odd_lists)
{
    EXPECT_JSON("[1,2,]", "[1,2]");
    EXPECT_JSON("{\"b\":1,}", "{\"b\":1}");
    EXPECT_JSON("[1 2]", "[\"1 2\"]");
    EXPECT_JSON("{\"a\": }", "{\"a\":\"\"}");
    EXPECT_JSON("/* c */ {\"a\": 1}", "{\"/* c */ {\\\"a\\\"\":\"1}\"}");
}
END_TEST

START_TEST(duplicate_keys_last_value_first_place)
{
    gv_doc *d = load_opts("{\"a\": 1, \"b\": 2, \"a\": 3}", 24, NULL);
    gv_node *r = gv_doc_root(d);
    ck_assert_str_eq(dump(r, 0), "{\"a\":3,\"b\":2}");
    ck_assert_uint_eq(r->u.members[0].value->col, 23); /* the value that won */
    ck_assert_uint_eq(r->u.members[0].col, 2);         /* the key that came first */
    gv_doc_free(d);
}
END_TEST

START_TEST(locations_are_libyaml_marks)
{
    const char *text = "\xef\xbb\xbf{\"x\": 1,\r\n\t\"\xc3\xa9\xc3\xa9\": [true,\r \"\xf0\x9f\x98\x80\", {}]}";
    gv_doc *d = load_opts(text, strlen(text), NULL);
    ck_assert_msg(d != NULL, "%s", err.msg);
    /* BOM counts as one column; CRLF and lone CR break lines; columns count characters */
    ck_assert_str_eq(dump(gv_doc_root(d), GV_PRINT_LOCATIONS),
                     "{\"line\":1,\"column\":2,\"value\":{"
                     "\"x\":{\"line\":1,\"column\":8,\"value\":1},"
                     "\"\xc3\xa9\xc3\xa9\":{\"line\":2,\"column\":8,\"value\":["
                     "{\"line\":2,\"column\":9,\"value\":true},"
                     "{\"line\":3,\"column\":2,\"value\":\"\xf0\x9f\x98\x80\"},"
                     "{\"line\":3,\"column\":7,\"value\":{}}]}}}");
    gv_doc_free(d);
}
END_TEST

START_TEST(fast_path_matches_yaml_loader)
{
    const char *texts[] = {
        "{\"a\": [1, 2.5, -0, 1e9, true, false, null, \"s\"], \"b\": {\"c\": {}}}",
        "[\n  {\"k\" :\t\"v\"},\n\t[[]],\r\n  \"\xc3\xa9\\u00e9\"\n]\n\n",
        "\xef\xbb\xbf  \n [\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\"]",
        "{\"a\":1,\"a\":{\"b\":2},\"c\":[3,{\"a\":4}]}",
        "{\"\": \"\", \"\\u0000\": [\"\\u0000\"]}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        gv_doc *f = fast_only(texts[i]);
        ck_assert_msg(f != NULL, "fast path declined %s", texts[i]);
        gv_doc *y = yaml_only(texts[i]);
        char *fs = strdup(dump(gv_doc_root(f), GV_PRINT_LOCATIONS));
        ck_assert_str_eq(fs, dump(gv_doc_root(y), GV_PRINT_LOCATIONS));
        free(fs);
        gv_doc_free(f);
        gv_doc_free(y);
    }
}
END_TEST

START_TEST(fast_path_declines_what_yaml_reads_otherwise)
{
    const char *texts[] = {
        "[1,]", "[1 2]", "{\"a\"\n: 1}", "\t[1]", "[1]\n\t", "[\"a\\x41\"]", "[\"\\ud800\"]",
        "[\"x\ny\"]", "[\"a\tb\"]", "[017]", "[+1]", "[.5]", "[1.]", "[tru]", "[1] # c",
        "{\"a\": 1} {\"b\": 2}", "[\"\xc2\x85\"]", "[\"\xe2\x80\xa8\"]", "[\"\x7f\"]", "[1]:",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        ck_assert_msg(fast_only(texts[i]) == NULL, "fast path took %s", texts[i]);
}
END_TEST

START_TEST(key_reach_limit)
{
    /* cfn-guard's libyaml gives up on a key whose ':' is more than 1024
     * bytes from its opening quote */
    char text[4200];
    for (int n = 1021; n <= 1023; n++) {
        snprintf(text, sizeof text, "{\"%0*d\": 1}", n, 0);
        gv_doc *d = load_opts(text, strlen(text), NULL);
        if (n <= 1022) {
            ck_assert_msg(d != NULL, "key of %d bytes: %s", n, err.msg);
            gv_doc_free(d);
        } else {
            ck_assert_ptr_null(d);
            gv_error_format(&err, errbuf, sizeof errbuf);
            ck_assert_str_eq(errbuf, "t.json:1:2: expected ':' within 1024 bytes of the start of an "
                                     "implicit key, found it 1025 bytes away");
        }
    }
    /* bytes, not characters: 512 two-byte characters are too far */
    strcpy(text, "{\"");
    for (int i = 0; i < 512; i++)
        strcat(text, "\xc3\xa9");
    strcat(text, "\": 1}");
    EXPECT_ERROR(text, "t.json:1:2: expected ':' within 1024 bytes of the start of an implicit key, "
                       "found it 1026 bytes away");
}
END_TEST

START_TEST(first_document_only)
{
    EXPECT_JSON("{\"a\": 1}\n{\"a\": 2}", "{\"a\":1}");
    EXPECT_JSON("{\"a\": 1} // c", "{\"a\":1}");
    EXPECT_JSON("{\"a\": 1} # c\n", "{\"a\":1}");
    /* but the token after the root is still scanned, as libyaml does */
    EXPECT_ERROR("{\"a\":1}\n\"unterminated",
                 "t.json:2:14: expected a closing quote (scanning a quoted scalar started at 2:1), found end of input");
    EXPECT_ERROR("{\"a\":1}\n\t", "t.json:2:1: expected a YAML token, found a tab");
}
END_TEST

START_TEST(whitespace_rules)
{
    EXPECT_JSON("{\n\t\"a\": 1\n}", "{\"a\":1}");
    EXPECT_JSON("\n\n  {\"a\": 1}\r\n", "{\"a\":1}");
    EXPECT_ERROR("\t{\"a\": 1}", "t.json:1:1: expected a YAML token, found a tab");
}
END_TEST

START_TEST(truncated_and_garbage)
{
    EXPECT_ERROR("{\"a\": 1", "t.json:1:8: expected ',' or '}' (parsing a flow mapping started at 1:1), found end of input");
    EXPECT_ERROR("[1, 2", "t.json:1:6: expected ',' or ']' (parsing a flow sequence started at 1:1), found end of input");
    EXPECT_ERROR("{\"a\": \"x", "t.json:1:9: expected a closing quote (scanning a quoted scalar started at 1:7), found end of input");
    EXPECT_ERROR("{\"a\": 1]", "t.json:1:8: expected ',' or '}' (parsing a flow mapping started at 1:1), found ']'");
    EXPECT_ERROR("[1, , 2]", "t.json:1:5: expected a value, found ','");
    EXPECT_ERROR("{\"a\": @}", "t.json:1:7: expected a YAML token, found '@'");
}
END_TEST

START_TEST(bad_bytes)
{
    EXPECT_ERROR("{\"a\": \"\xff\"}", "t.json:1:8: expected UTF-8 text, found byte 0xff");
    EXPECT_ERROR("{\"a\":\n \"\xc3\"}", "t.json:2:3: expected UTF-8 text, found byte 0xc3");
    EXPECT_ERROR("{\"a\": \"\x01\"}", "t.json:1:8: expected printable characters, found control character U+0001");
    ck_assert_ptr_null(load_opts("[1]\0", 4, NULL));
    gv_error_format(&err, errbuf, sizeof errbuf);
    ck_assert_str_eq(errbuf, "t.json:1:4: expected printable characters, found a NUL byte");
}
END_TEST

START_TEST(nesting_limit)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.max_depth = 3;
    gv_doc *d = load_opts("[[[1]]]", 7, &o);
    ck_assert_ptr_nonnull(d);
    gv_doc_free(d);
    ck_assert_ptr_null(load_opts("[[{\"a\": [1]}]]", 14, &o));
    gv_error_format(&err, errbuf, sizeof errbuf);
    ck_assert_str_eq(errbuf, "t.json:1:9: expected at most 3 levels of nesting (--max-depth), found more");
    ck_assert_int_eq(err.code, GV_E_LIMIT);
}
END_TEST

START_TEST(deep_nesting_stops_at_the_limit)
{
    enum { N = 1000000 };
    char *text = malloc(2 * N);
    memset(text, '[', N);
    memset(text + N, ']', N);
    ck_assert_ptr_null(load_opts(text, 2 * N, NULL));
    gv_error_format(&err, errbuf, sizeof errbuf);
    ck_assert_str_eq(errbuf, "t.json:1:513: expected at most 512 levels of nesting (--max-depth), found more");
    free(text);
}
END_TEST

START_TEST(roots_of_every_kind)
{
    EXPECT_JSON("\"hello\"", "\"hello\"");
    EXPECT_JSON("42", "42");
    EXPECT_JSON("{}", "{}");
    EXPECT_JSON("[]", "[]");
    EXPECT_JSON("a: 1", "{\"a\":1}"); /* YAML in a .json file */
}
END_TEST

START_TEST(non_string_keys_fail)
{
    EXPECT_ERROR("{[1]: 2}", "t.json:1:2: expected a string mapping key, found a sequence");
    EXPECT_ERROR("{1: 2}", "t.json:1:2: expected a string mapping key, found an integer");
    EXPECT_ERROR("{\"a\": 1}: x", "t.json:1:1: expected a string mapping key, found a mapping");
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, values_and_types);
    tcase_add_test(tc, numbers_follow_rust_parsing);
    tcase_add_test(tc, yaml_scalars_in_json);
    tcase_add_test(tc, string_escapes);
    tcase_add_test(tc, surrogate_escapes_fail);
    tcase_add_test(tc, raw_whitespace_in_strings);
    tcase_add_test(tc, trailing_commas_and_odd_lists);
    tcase_add_test(tc, duplicate_keys_last_value_first_place);
    tcase_add_test(tc, locations_are_libyaml_marks);
    tcase_add_test(tc, fast_path_matches_yaml_loader);
    tcase_add_test(tc, fast_path_declines_what_yaml_reads_otherwise);
    tcase_add_test(tc, key_reach_limit);
    tcase_add_test(tc, first_document_only);
    tcase_add_test(tc, whitespace_rules);
    tcase_add_test(tc, truncated_and_garbage);
    tcase_add_test(tc, bad_bytes);
    tcase_add_test(tc, nesting_limit);
    tcase_add_test(tc, deep_nesting_stops_at_the_limit);
    tcase_add_test(tc, roots_of_every_kind);
    tcase_add_test(tc, non_string_keys_fail);
    suite_add_tcase(s, tc);
    return s;
}
