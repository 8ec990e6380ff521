/* The document model: map order and lookup (linear and indexed), node
 * kinds, duplicate-key policies, printing, and loading whole files. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc_build.h"
#include "doc/doc_print.h"
#include "util/hash.h"

static gv_error err;
static char errbuf[1200];

static gv_doc *load(const char *text)
{
    gv_error_clear(&err);
    gv_doc *d = gv_doc_load_mem("t.yaml", text, strlen(text), NULL, &err);
    ck_assert_msg(d != NULL, "load failed: %s", err.msg);
    return d;
}

static const char *load_error_file(const char *path, const gv_load_opts *o)
{
    gv_error_clear(&err);
    gv_doc *d = gv_doc_load_file(path, o, &err);
    ck_assert_ptr_null(d);
    gv_error_format(&err, errbuf, sizeof errbuf);
    return errbuf;
}

static char *print(const gv_node *n, unsigned flags)
{
    static gv_buf b;
    gv_buf_free(&b);
    gv_node_print_json(&b, n, flags);
    return b.data;
}

/* A map of n keys "k0".."k{n-1}" with value i, built as a loader does. */
static gv_node *build_map(gv_doc *d, int n)
{
    gv_builder b;
    gv_builder_init(&b, d);
    gv_node *map = gv_node_new(d, GV_MAP, 1, 1);
    char key[16];
    for (int i = 0; i < n; i++) {
        int len = snprintf(key, sizeof key, "k%d", i);
        gv_node *v = gv_node_new(d, GV_INT, 1, 1);
        v->u.i = i;
        ck_assert(gv_builder_push_member(&b, gv_doc_intern(d, key, (size_t)len), v, 1, 1));
    }
    const gv_member *dup = NULL;
    ck_assert_int_eq(gv_builder_finish_map(&b, map, 0, GV_DUP_LAST_WINS, &dup), 1);
    gv_builder_free(&b);
    return map;
}

START_TEST(map_keeps_insertion_order)
{
    gv_doc *d = load("zeta: 1\nalpha: 2\nmid: 3\nbeta: 4\n");
    gv_node *r = gv_doc_root(d);
    const char *want[] = { "zeta", "alpha", "mid", "beta" };
    ck_assert_uint_eq(r->len, 4);
    for (uint32_t i = 0; i < r->len; i++) {
        ck_assert_str_eq(r->u.members[i].key->str, want[i]);
        ck_assert_int_eq(r->u.members[i].value->u.i, (int64_t)i + 1);
    }
    gv_doc_free(d);
}
END_TEST

START_TEST(small_map_has_no_index)
{
    gv_doc *d = gv_doc_new("t");
    gv_node *m = build_map(d, GV_MAP_INDEX_MIN - 1);
    ck_assert_uint_eq(m->indexed, 0);
    ck_assert_uint_eq(gv_map_block_size(m), (GV_MAP_INDEX_MIN - 1) * sizeof(gv_member));
    ck_assert_int_eq(gv_map_get_str(m, "k10")->u.i, 10);
    ck_assert_ptr_null(gv_map_get_str(m, "k11"));
    gv_doc_free(d);
}
END_TEST

START_TEST(large_map_lookup_through_index)
{
    gv_doc *d = gv_doc_new("t");
    gv_node *m = build_map(d, 1000);
    ck_assert_uint_eq(m->indexed, 1);
    /* the index follows the members: a mask, then at least two slots a member */
    ck_assert_uint_ge(gv_map_block_size(m), 1000 * sizeof(gv_member) + (1 + 2000) * sizeof(uint32_t));
    char key[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        gv_node *v = gv_map_get_str(m, key);
        ck_assert_msg(v && v->u.i == i, "lookup of %s", key);
    }
    ck_assert_ptr_null(gv_map_get_str(m, "k1000"));
    ck_assert_ptr_null(gv_map_get_str(m, ""));
    ck_assert_str_eq(m->u.members[999].key->str, "k999"); /* order kept */
    gv_doc_free(d);
}
END_TEST

START_TEST(index_starts_at_twelve_keys)
{
    gv_doc *d = load("{a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10, k: 11, l: 12}");
    gv_node *r = gv_doc_root(d);
    ck_assert_uint_eq(r->len, 12);
    ck_assert_uint_eq(r->indexed, 1);
    ck_assert_int_eq(gv_map_get_str(r, "l")->u.i, 12);
    ck_assert_ptr_null(gv_map_get_str(r, "m"));
    gv_doc_free(d);
}
END_TEST

START_TEST(lookup_needs_matching_hash_and_bytes)
{
    gv_doc *d = load("Key: 1\nkey: 2\n");
    gv_node *r = gv_doc_root(d);
    ck_assert_int_eq(gv_map_get(r, "key", 3, gv_hash("key", 3))->u.i, 2);
    ck_assert_int_eq(gv_map_get(r, "Key", 3, gv_hash("Key", 3))->u.i, 1);
    ck_assert_ptr_null(gv_map_get(r, "KEY", 3, gv_hash("KEY", 3)));
    /* a wrong hash misses even when the bytes match */
    ck_assert_ptr_null(gv_map_get(r, "key", 3, gv_hash("key", 3) ^ 1));
    ck_assert_ptr_null(gv_map_get_str(r->u.members[0].value, "x")); /* not a map */
    ck_assert_ptr_null(gv_map_get_str(NULL, "x"));
    gv_doc_free(d);
}
END_TEST

START_TEST(int_and_float_are_distinct)
{
    gv_doc *d = load("i: 1\nf: 1.0\nbig: 9223372036854775807\nover: 9223372036854775808\nneg: -0\nnf: -0.0\n");
    gv_node *r = gv_doc_root(d);
    ck_assert_int_eq(gv_map_get_str(r, "i")->kind, GV_INT);
    ck_assert_int_eq(gv_map_get_str(r, "f")->kind, GV_FLOAT);
    ck_assert_int_eq(gv_map_get_str(r, "big")->u.i, INT64_MAX);
    gv_node *over = gv_map_get_str(r, "over");
    ck_assert_int_eq(over->kind, GV_FLOAT); /* past i64: a float, as Rust parses it */
    ck_assert(over->u.f == 9223372036854775808.0);
    ck_assert_int_eq(gv_map_get_str(r, "neg")->kind, GV_INT);
    gv_node *nf = gv_map_get_str(r, "nf");
    ck_assert(nf->kind == GV_FLOAT && nf->u.f == 0 && signbit(nf->u.f));
    ck_assert_str_eq(print(r, 0), "{\"i\":1,\"f\":1.0,\"big\":9223372036854775807,"
                                  "\"over\":9.223372036854776e+18,\"neg\":0,\"nf\":-0.0}");
    gv_doc_free(d);
}
END_TEST

START_TEST(strings_keep_embedded_nul)
{
    gv_doc *d = load("s: \"a\\0b\"\n\"k\\0\": v\n");
    gv_node *r = gv_doc_root(d);
    gv_node *s = gv_map_get_str(r, "s");
    ck_assert_uint_eq(s->len, 3);
    ck_assert_int_eq(memcmp(s->u.s, "a\0b", 3), 0);
    ck_assert_ptr_nonnull(gv_map_get(r, "k\0", 2, gv_hash("k\0", 2)));
    ck_assert_ptr_null(gv_map_get_str(r, "k"));
    ck_assert_str_eq(print(r, 0), "{\"s\":\"a\\u0000b\",\"k\\u0000\":\"v\"}");
    gv_doc_free(d);
}
END_TEST

START_TEST(duplicate_key_policies)
{
    gv_doc *d = gv_doc_new("t");
    const gv_key *a = gv_doc_intern(d, "a", 1), *b = gv_doc_intern(d, "b", 1);
    gv_node *v[3];
    for (int i = 0; i < 3; i++) {
        v[i] = gv_node_new(d, GV_INT, (uint32_t)i + 1, 1);
        v[i]->u.i = i;
    }
    gv_dupkeys policies[] = { GV_DUP_LAST_WINS, GV_DUP_FIRST_WINS, GV_DUP_ERROR };
    for (int p = 0; p < 3; p++) {
        gv_builder bl;
        gv_builder_init(&bl, d);
        gv_builder_push_member(&bl, a, v[0], 1, 1);
        gv_builder_push_member(&bl, b, v[1], 2, 1);
        gv_builder_push_member(&bl, a, v[2], 3, 1);
        gv_node *m = gv_node_new(d, GV_MAP, 1, 1);
        const gv_member *dup = NULL;
        int r = gv_builder_finish_map(&bl, m, 0, policies[p], &dup);
        if (p == 2) {
            ck_assert_int_eq(r, -1);
            ck_assert_uint_eq(dup->line, 3);
        } else {
            ck_assert_int_eq(r, 1);
            ck_assert_uint_eq(m->len, 2);
            ck_assert_ptr_eq(m->u.members[0].key, a); /* first position either way */
            ck_assert_int_eq(m->u.members[0].value->u.i, p == 0 ? 2 : 0);
        }
        gv_builder_free(&bl);
    }
    gv_doc_free(d);
}
END_TEST

START_TEST(duplicates_in_large_maps)
{
    /* past the pairwise limit the scratch index finds the duplicates */
    char text[2048] = "";
    for (int i = 0; i < 40; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "k%d: %d\n", i % 30, i);
    gv_doc *d = load(text);
    gv_node *r = gv_doc_root(d);
    ck_assert_uint_eq(r->len, 30);
    ck_assert_int_eq(gv_map_get_str(r, "k5")->u.i, 35);
    ck_assert_int_eq(gv_map_get_str(r, "k29")->u.i, 29);
    ck_assert_str_eq(r->u.members[5].key->str, "k5");
    gv_doc_free(d);
}
END_TEST

START_TEST(print_pretty_and_locations)
{
    gv_doc *d = load("a: [1, {b: x}]\nc: {}\n");
    gv_node *r = gv_doc_root(d);
    ck_assert_str_eq(print(r, GV_PRINT_PRETTY),
                     "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x\"\n    }\n  ],\n  \"c\": {}\n}");
    ck_assert_str_eq(print(gv_map_get_str(r, "a"), GV_PRINT_LOCATIONS),
                     "{\"line\":1,\"column\":4,\"value\":[{\"line\":1,\"column\":5,\"value\":1},"
                     "{\"line\":1,\"column\":8,\"value\":{\"b\":{\"line\":1,\"column\":12,\"value\":\"x\"}}}]}");
    gv_doc_free(d);
}
END_TEST

START_TEST(print_floats_read_back)
{
    gv_doc *d = load("[0.1, 1e300, -2.5e-8, 3.0, 1e400, 123456789012345680000.0, .5]");
    ck_assert_str_eq(print(gv_doc_root(d), 0),
                     "[0.1,1e+300,-2.5e-08,3.0,null,1.2345678901234568e+20,0.5]");
    gv_doc_free(d);
}
END_TEST

START_TEST(print_deep_document)
{
    /* printing is iterative: a deep document must not exhaust the C stack */
    enum { DEPTH = 50000 };
    static char text[2 * DEPTH + 1];
    memset(text, '[', DEPTH);
    memset(text + DEPTH, ']', DEPTH);
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.max_depth = DEPTH;
    gv_error_clear(&err);
    gv_doc *d = gv_doc_load_mem("deep.json", text, 2 * DEPTH, &o, &err);
    ck_assert_msg(d != NULL, "%s", err.msg);
    char *out = print(gv_doc_root(d), 0);
    ck_assert_uint_eq(strlen(out), 2 * DEPTH);
    ck_assert_int_eq(memcmp(out, text, 2 * DEPTH), 0);
    gv_doc_free(d);
}
END_TEST

START_TEST(nodes_carry_one_based_locations)
{
    gv_doc *d = load("\n  a: x\n");
    gv_node *r = gv_doc_root(d);
    ck_assert(r->located);
    ck_assert_uint_eq(r->line, 2);
    ck_assert_uint_eq(r->col, 3);
    ck_assert_uint_eq(r->u.members[0].line, 2); /* the key's own place */
    ck_assert_uint_eq(r->u.members[0].col, 3);
    ck_assert_uint_eq(r->u.members[0].value->col, 6);
    ck_assert_str_eq(gv_doc_name(d), "t.yaml");
    ck_assert(!gv_doc_is_json(d));
    gv_doc_free(d);
}
END_TEST

START_TEST(load_files_json_and_yaml_agree)
{
    gv_error_clear(&err);
    gv_doc *y = gv_doc_load_file("tests/unit/data/doc/template.yaml", NULL, &err);
    ck_assert_msg(y != NULL, "%s", err.msg);
    gv_doc *j = gv_doc_load_file("tests/unit/data/doc/template.json", NULL, &err);
    ck_assert_msg(j != NULL, "%s", err.msg);
    ck_assert(gv_doc_is_json(j));
    char *py = strdup(print(gv_doc_root(y), 0));
    ck_assert_str_eq(py, print(gv_doc_root(j), 0));
    gv_node *role = gv_map_get_str(gv_map_get_str(gv_doc_root(y), "Resources"), "Role");
    ck_assert_int_eq(gv_map_get_str(gv_map_get_str(role, "Properties"), "MaxSessionDuration")->kind, GV_INT);
    free(py);
    gv_doc_free(y);
    gv_doc_free(j);
}
END_TEST

START_TEST(load_file_errors)
{
    ck_assert_str_eq(load_error_file("tests/unit/data/doc/nonexistent.yaml", NULL),
                     "tests/unit/data/doc/nonexistent.yaml: expected an existing file, found no such file");
    ck_assert_str_eq(load_error_file("tests/unit/data/doc", NULL),
                     "tests/unit/data/doc: expected a file, found a directory");
    ck_assert_str_eq(load_error_file("tests/unit/data/doc/bad_utf8.yaml", NULL),
                     "tests/unit/data/doc/bad_utf8.yaml:2:5: expected UTF-8 text, found byte 0xff");
    ck_assert_str_eq(load_error_file("tests/unit/data/doc/empty.yaml", NULL),
                     "tests/unit/data/doc/empty.yaml:1:1: expected a JSON or YAML document, found an empty file");
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.max_file_size = 100;
    ck_assert_str_eq(load_error_file("tests/unit/data/doc/template.json", &o),
                     "tests/unit/data/doc/template.json: expected at most 100 bytes (--max-file-size), found a larger file");
    ck_assert_int_eq(err.code, GV_E_LIMIT);
    o.max_file_size = 0; /* no limit */
    gv_load_opts_default(&o);
    o.max_alias_nodes = 10;
    ck_assert_str_eq(load_error_file("tests/unit/data/doc/aliases.yaml", &o),
                     "tests/unit/data/doc/aliases.yaml:3:8: expected aliases to expand to at most 10 nodes "
                     "(--max-alias-nodes), found more");
}
END_TEST

START_TEST(load_mem_limits_size)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    ck_assert_uint_eq(o.max_depth, 512);
    ck_assert_uint_eq(o.max_alias_nodes, 1000000);
    ck_assert_uint_eq(o.max_file_size, (size_t)512 << 20);
    ck_assert_int_eq(o.shortform, GV_SHORTFORM_GUARD);
    o.max_file_size = 4;
    gv_error_clear(&err);
    ck_assert_ptr_null(gv_doc_load_mem("m", "a: 12", 5, &o, &err));
    gv_error_format(&err, errbuf, sizeof errbuf);
    ck_assert_str_eq(errbuf, "m: expected at most 4 bytes (--max-file-size), found 5");
    gv_doc *d = gv_doc_load_mem("m", "a: 1", 4, &o, &err);
    ck_assert_ptr_nonnull(d);
    gv_doc_free(d);
}
END_TEST

START_TEST(kind_names)
{
    ck_assert_str_eq(gv_kind_name(GV_NULL), "null");
    ck_assert_str_eq(gv_kind_name(GV_INT), "int");
    ck_assert_str_eq(gv_kind_name(GV_FLOAT), "float");
    ck_assert_str_eq(gv_kind_name(GV_MAP), "map");
    ck_assert_str_eq(gv_kind_name((gv_kind)99), "?");
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("doc");
    TCase *tc = tcase_create("doc");
    tcase_add_test(tc, map_keeps_insertion_order);
    tcase_add_test(tc, small_map_has_no_index);
    tcase_add_test(tc, large_map_lookup_through_index);
    tcase_add_test(tc, index_starts_at_twelve_keys);
    tcase_add_test(tc, lookup_needs_matching_hash_and_bytes);
    tcase_add_test(tc, int_and_float_are_distinct);
    tcase_add_test(tc, strings_keep_embedded_nul);
    tcase_add_test(tc, duplicate_key_policies);
    tcase_add_test(tc, duplicates_in_large_maps);
    tcase_add_test(tc, print_pretty_and_locations);
    tcase_add_test(tc, print_floats_read_back);
    tcase_add_test(tc, print_deep_document);
    tcase_add_test(tc, nodes_carry_one_based_locations);
    tcase_add_test(tc, load_files_json_and_yaml_agree);
    tcase_add_test(tc, load_file_errors);
    tcase_add_test(tc, load_mem_limits_size);
    tcase_add_test(tc, kind_names);
    suite_add_tcase(s, tc);
    return s;
}
