/* The report writer: the JSON it writes as it goes is byte for byte the
 * JSON of the tree it builds in the other mode (the YAML reports' path),
 * including empty containers, nesting past its inline level stack, and
 * values written at a depth inside a larger document. */
#include <check.h>
#include <string.h>

#include "doc/doc.h"
#include "report/jwrite.h"

/* One shape, described once, given to either mode. */
static void describe(gv_jw *w, const gv_node *doc, int deep)
{
    gv_jw_obj(w, NULL);
    gv_jw_cstr(w, "name", "a \"quoted\"\nname");
    gv_jw_obj(w, "metadata");
    gv_jw_end(w);
    gv_jw_arr(w, "empty");
    gv_jw_end(w);
    gv_jw_null(w, "nothing");
    gv_jw_arr(w, "pair");
    gv_jw_cstr(w, NULL, "Exists");
    gv_jw_bool(w, NULL, 0);
    gv_jw_end(w);
    gv_jw_doc(w, "value", doc);
    gv_jw_doc(w, "missing", NULL);
    gv_jw_arr(w, "deep");
    for (int i = 0; i < deep; i++)
        gv_jw_arr(w, NULL);
    gv_buf_clear(&w->tmp);
    gv_buf_puts(&w->tmp, "bottom");
    gv_jw_tmp(w, NULL);
    for (int i = 0; i < deep; i++)
        gv_jw_end(w);
    gv_jw_end(w);
    gv_jw_end(w);
}

static gv_doc *sample_doc(void)
{
    static const char text[] = "{\"KmsKey\": \"\", \"Items\": [3, true]}";
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_error err;
    gv_doc *d = gv_doc_load_mem("t.json", text, sizeof text - 1, &o, &err);
    ck_assert_ptr_nonnull(d);
    return d;
}

static void both_modes(int deep, int depth, gv_buf *json, gv_buf *tree)
{
    gv_arena a;
    gv_arena_init(&a, 4096);
    gv_doc *d = sample_doc();
    const gv_node *doc = gv_doc_root(d);
    gv_jw w;
    gv_jw_init_json(&w, json, depth);
    describe(&w, doc, deep);
    ck_assert_ptr_null(gv_jw_finish(&w));
    ck_assert_int_eq(w.oom, 0);

    gv_jb b = { .a = &a };
    gv_jw_init_tree(&w, &b);
    describe(&w, doc, deep);
    gv_jt *root = gv_jw_finish(&w);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(b.oom, 0);
    gv_jt_render_json_at(tree, root, depth);
    gv_buf_free(&b.tmp);
    gv_arena_free(&a);
    gv_doc_free(d);
}

START_TEST(json_is_the_rendered_tree)
{
    gv_buf json, tree;
    gv_buf_init(&json);
    gv_buf_init(&tree);
    both_modes(1, 0, &json, &tree);
    ck_assert_str_eq(json.data, "{\n"
                                "  \"name\": \"a \\\"quoted\\\"\\nname\",\n"
                                "  \"metadata\": {},\n"
                                "  \"empty\": [],\n"
                                "  \"nothing\": null,\n"
                                "  \"pair\": [\n"
                                "    \"Exists\",\n"
                                "    false\n"
                                "  ],\n"
                                "  \"value\": {\n"
                                "    \"KmsKey\": \"\",\n"
                                "    \"Items\": [\n"
                                "      3,\n"
                                "      true\n"
                                "    ]\n"
                                "  },\n"
                                "  \"missing\": null,\n"
                                "  \"deep\": [\n"
                                "    [\n"
                                "      \"bottom\"\n"
                                "    ]\n"
                                "  ]\n"
                                "}");
    ck_assert_str_eq(json.data, tree.data);
    gv_buf_free(&json);
    gv_buf_free(&tree);
}
END_TEST

START_TEST(deep_nesting_and_inner_depth_agree)
{
    /* 100 levels outgrow the writer's 32 inline levels; depth 3 is where
     * -z writes each failing rule */
    for (int depth = 0; depth <= 3; depth += 3) {
        gv_buf json, tree;
        gv_buf_init(&json);
        gv_buf_init(&tree);
        both_modes(100, depth, &json, &tree);
        ck_assert_uint_eq(json.len, tree.len);
        ck_assert_str_eq(json.data, tree.data);
        ck_assert_ptr_nonnull(strstr(json.data, "\"bottom\""));
        gv_buf_free(&json);
        gv_buf_free(&tree);
    }
}
END_TEST

/* A kept string (gv_jw_const) writes what gv_jw_cstr writes, the first
 * time and when copied from the writer's memory, in either mode; two
 * strings whose addresses share a slot each keep their own text. */
START_TEST(kept_strings_write_as_strings)
{
    static const char msg[] = "[CT.X.1]: \"quoted\"\n\t[FIX]: tab";
    static const char other[] = "second";
    char copies[2 * GV_JW_CONSTS * 8]; /* same slot: 8 * GV_JW_CONSTS bytes apart */
    strcpy(copies, "third");
    strcpy(copies + 8 * GV_JW_CONSTS, "fourth");
    gv_buf a, b;
    gv_buf_init(&a);
    gv_buf_init(&b);
    gv_jw w, v;
    gv_jw_init_json(&w, &a, 0);
    gv_jw_init_json(&v, &b, 0);
    gv_jw_arr(&w, NULL);
    gv_jw_arr(&v, NULL);
    const char *seq[] = { msg, other, msg, copies, copies + 8 * GV_JW_CONSTS, copies, msg };
    for (size_t i = 0; i < sizeof seq / sizeof *seq; i++) {
        gv_jw_const(&w, NULL, seq[i]);
        gv_jw_cstr(&v, NULL, seq[i]);
    }
    gv_jw_end(&w);
    gv_jw_end(&v);
    gv_jw_finish(&w);
    gv_jw_finish(&v);
    ck_assert_str_eq(a.data, b.data);
    ck_assert_ptr_nonnull(strstr(a.data, "\"fourth\",\n  \"third\""));
    gv_buf_free(&a);
    gv_buf_free(&b);

    gv_arena ar;
    gv_arena_init(&ar, 4096);
    gv_jb jb = { .a = &ar };
    gv_jw_init_tree(&w, &jb);
    gv_jw_const(&w, NULL, msg);
    gv_jt *root = gv_jw_finish(&w);
    gv_buf t;
    gv_buf_init(&t);
    gv_jt_render_json_at(&t, root, 0);
    ck_assert_str_eq(t.data, "\"[CT.X.1]: \\\"quoted\\\"\\n\\t[FIX]: tab\"");
    gv_buf_free(&t);
    gv_buf_free(&jb.tmp);
    gv_arena_free(&ar);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("jwrite");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, json_is_the_rendered_tree);
    tcase_add_test(tc, deep_nesting_and_inner_depth_agree);
    tcase_add_test(tc, kept_strings_write_as_strings);
    suite_add_tcase(s, tc);
    return s;
}
