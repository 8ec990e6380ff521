/* The report writer: the JSON and the YAML it writes as it goes are byte
 * for byte what the tree renderers (render_json.c, render_yaml.c, whose
 * output the oracle goldens check) make of the same shape built as a
 * gv_jt tree, including empty containers, strings YAML writes as literal
 * blocks or quotes, nesting past the writer's inline level stack, and
 * values written at a depth inside a larger document. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "doc/doc.h"
#include "report/jtree.h"
#include "report/jwrite.h"
#include "report/yaml_emit.h"

/* One description, given to a writer or built as a tree. */
typedef struct dual {
    gv_jw *w;      /* the writer, or NULL: build */
    gv_jb *b;
    gv_jt *open[128];
    int n;
    gv_jt *root;
} dual;

static void d_add(dual *d, const char *key, gv_jt *v)
{
    ck_assert_ptr_nonnull(v);
    if (!d->n)
        d->root = v;
    else if (d->open[d->n - 1]->kind == GV_JT_OBJ)
        gv_jt_set(d->open[d->n - 1], key, v);
    else
        gv_jt_push(d->open[d->n - 1], v);
}

static void d_open(dual *d, const char *key, int obj)
{
    if (d->w) {
        gv_jw_open_k(d->w, gv_jw_key_of(key), obj);
        return;
    }
    gv_jt *v = obj ? gv_jt_obj(d->b) : gv_jt_arr(d->b);
    d_add(d, key, v);
    d->open[d->n++] = v;
}

static void d_end(dual *d)
{
    if (d->w)
        gv_jw_end(d->w);
    else
        d->n--;
}

static void d_str(dual *d, const char *key, const char *s)
{
    if (d->w)
        gv_jw_cstr(d->w, key, s);
    else
        d_add(d, key, gv_jt_str(d->b, s));
}

static void d_const(dual *d, const char *key, const char *s)
{
    if (d->w)
        gv_jw_const(d->w, key, s);
    else
        d_add(d, key, gv_jt_str(d->b, s));
}

static void d_bool(dual *d, const char *key, int v)
{
    if (d->w)
        gv_jw_bool(d->w, key, v);
    else
        d_add(d, key, gv_jt_bool(d->b, v));
}

static void d_null(dual *d, const char *key)
{
    if (d->w)
        gv_jw_null(d->w, key);
    else
        d_add(d, key, gv_jt_null(d->b));
}

static void d_doc(dual *d, const char *key, const gv_node *n)
{
    if (d->w)
        gv_jw_doc(d->w, key, n);
    else
        d_add(d, key, gv_jt_doc(d->b, n));
}

/* The shape the first tests check. */
static void describe(dual *d, const gv_node *doc, int deep)
{
    d_open(d, NULL, 1);
    d_str(d, "name", "a \"quoted\"\nname");
    d_open(d, "metadata", 1);
    d_end(d);
    d_open(d, "empty", 0);
    d_end(d);
    d_null(d, "nothing");
    d_open(d, "pair", 0);
    d_str(d, NULL, "Exists");
    d_bool(d, NULL, 0);
    d_end(d);
    d_doc(d, "value", doc);
    d_doc(d, "missing", NULL);
    d_open(d, "deep", 0);
    for (int i = 0; i < deep; i++)
        d_open(d, NULL, 0);
    d_str(d, NULL, "bottom");
    for (int i = 0; i < deep; i++)
        d_end(d);
    d_end(d);
    d_end(d);
}

/* Shapes whose YAML differs by where they stand: empty collections after
 * a key, a dash and at the root; a collection's first entry on its dash's
 * line; mapping values that are sequences (not indented); strings that
 * need quotes or a literal block; document values in sequences. */
static void describe_yaml(dual *d, const gv_node *doc)
{
    d_open(d, NULL, 0);
    d_open(d, NULL, 1);
    d_end(d);
    d_open(d, NULL, 0);
    d_end(d);
    d_open(d, NULL, 0);
    d_open(d, NULL, 0);
    d_open(d, NULL, 1);
    d_str(d, "k", "v");
    d_open(d, "list", 0);
    d_open(d, NULL, 1);
    d_open(d, "inner", 1);
    d_end(d);
    d_end(d);
    d_str(d, NULL, "line one\n  indented\nlast\n");
    d_str(d, NULL, "no final break\nsecond");
    d_end(d);
    d_const(d, "message", "[CT.X.1]: text\n[FIX]: more\n");
    d_str(d, "empty", "");
    d_str(d, "null", "null");
    d_str(d, "number", "0x1F");
    d_str(d, "colon", ": x");
    d_str(d, "dash", "- x");
    d_str(d, "trailing", "x ");
    d_end(d);
    d_end(d);
    d_doc(d, NULL, doc);
    d_doc(d, NULL, NULL);
    d_end(d);
    d_open(d, NULL, 1);
    d_doc(d, "value", doc);
    d_open(d, "after", 0);
    d_doc(d, NULL, doc);
    d_end(d);
    d_end(d);
    d_end(d);
}

static gv_doc *sample_doc(void)
{
    static const char text[] = "{\"KmsKey\": \"\", \"Items\": [3, true, [], {}, [1]], \"Text\": \"a\\nb\"}";
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_error err;
    gv_doc *d = gv_doc_load_mem("t.json", text, sizeof text - 1, &o, &err);
    ck_assert_ptr_nonnull(d);
    return d;
}

enum { JSON, YAML };

/* The shape written by the writer into out, and rendered from its tree
 * into tree. */
static void both_ways(int fmt, int shape, int deep, int depth, gv_buf *out, gv_buf *tree)
{
    gv_arena a;
    gv_arena_init(&a, 4096);
    gv_doc *d = sample_doc();
    const gv_node *doc = gv_doc_root(d);
    gv_jw w;
    if (fmt == YAML)
        gv_jw_init_yaml(&w, out);
    else
        gv_jw_init_json(&w, out, depth);
    dual wd = { &w, NULL, { 0 }, 0, NULL };
    if (shape)
        describe_yaml(&wd, doc);
    else
        describe(&wd, doc, deep);
    ck_assert_int_eq(w.oom, 0);
    gv_jw_finish(&w);

    gv_jb b = { .a = &a };
    dual td = { NULL, &b, { 0 }, 0, NULL };
    if (shape)
        describe_yaml(&td, doc);
    else
        describe(&td, doc, deep);
    ck_assert_int_eq(b.oom, 0);
    if (fmt == YAML)
        gv_jt_render_yaml(tree, td.root);
    else
        gv_jt_render_json_at(tree, td.root, depth);
    gv_buf_free(&b.tmp);
    gv_arena_free(&a);
    gv_doc_free(d);
}

static void both_modes(int deep, int depth, gv_buf *json, gv_buf *tree)
{
    both_ways(JSON, 0, deep, depth, json, tree);
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
                                "      true,\n"
                                "      [],\n"
                                "      {},\n"
                                "      [\n"
                                "        1\n"
                                "      ]\n"
                                "    ],\n"
                                "    \"Text\": \"a\\nb\"\n"
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
 * time and when copied from the writer's memory; two
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
}
END_TEST

/* YAML written as it goes is the tree's YAML, for the report's shape and
 * for shapes whose form depends on what follows, shallow and deep. */
START_TEST(yaml_is_the_rendered_tree)
{
    gv_buf out, tree;
    gv_buf_init(&out);
    gv_buf_init(&tree);
    both_ways(YAML, 0, 1, 0, &out, &tree);
    ck_assert_str_eq(out.data, "name: |-\n"
                               "  a \"quoted\"\n"
                               "  name\n"
                               "metadata: {}\n"
                               "empty: []\n"
                               "nothing: null\n"
                               "pair:\n"
                               "- Exists\n"
                               "- false\n"
                               "value:\n"
                               "  KmsKey: ''\n"
                               "  Items:\n"
                               "  - 3\n"
                               "  - true\n"
                               "  - []\n"
                               "  - {}\n"
                               "  - - 1\n"
                               "  Text: |-\n"
                               "    a\n"
                               "    b\n"
                               "missing: null\n"
                               "deep:\n"
                               "- - bottom\n");
    ck_assert_str_eq(out.data, tree.data);
    for (int shape = 0; shape <= 1; shape++) {
        gv_buf_clear(&out);
        gv_buf_clear(&tree);
        both_ways(YAML, shape, 100, 0, &out, &tree);
        ck_assert_uint_gt(out.len, 0);
        ck_assert_str_eq(out.data, tree.data);
    }
    gv_buf_free(&out);
    gv_buf_free(&tree);
}
END_TEST

START_TEST(yaml_shapes_by_position)
{
    gv_buf out, tree;
    gv_buf_init(&out);
    gv_buf_init(&tree);
    both_ways(YAML, 1, 0, 0, &out, &tree);
    ck_assert_str_eq(out.data, tree.data);
    ck_assert_ptr_nonnull(strstr(out.data, "- {}\n- []\n- - - k: v\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "      list:\n      - inner: {}\n      - |\n"));
    ck_assert_ptr_nonnull(strstr(out.data, "      empty: ''\n      'null': 'null'\n      number: '0x1F'\n"));
    gv_buf_free(&out);
    gv_buf_free(&tree);
}
END_TEST

/* A scalar or an empty collection as the whole document. */
START_TEST(yaml_root_scalars)
{
    gv_buf out;
    gv_buf_init(&out);
    gv_jw w;
    gv_jw_init_yaml(&w, &out);
    gv_jw_arr(&w, NULL);
    gv_jw_end(&w);
    gv_jw_finish(&w);
    ck_assert_str_eq(out.data, "[]\n");
    gv_buf_clear(&out);
    gv_jw_init_yaml(&w, &out);
    gv_jw_cstr(&w, NULL, "true");
    gv_jw_finish(&w);
    ck_assert_str_eq(out.data, "'true'\n");
    gv_buf_free(&out);
}
END_TEST

/* A probe writes nothing and notes a document value holding an infinity
 * or a NaN, at any depth, whatever else it is given. */
START_TEST(probe_notes_nonfinite_values)
{
    static const char *texts[] = { "{a: [1, {b: inf}]}", "{a: [1, {b: 2.5}]}", "x: NaN" };
    static const int want[] = { 1, 0, 1 };
    gv_load_opts o;
    gv_load_opts_default(&o);
    for (int i = 0; i < 3; i++) {
        gv_error err;
        gv_doc *d = gv_doc_load_mem("t.yaml", texts[i], strlen(texts[i]), &o, &err);
        ck_assert_ptr_nonnull(d);
        gv_jw w;
        gv_jw_init_probe(&w);
        dual wd = { &w, NULL, { 0 }, 0, NULL };
        describe(&wd, gv_doc_root(d), 3);
        ck_assert_int_eq(w.nonfinite, want[i]);
        ck_assert_int_eq(w.oom, 0);
        gv_jw_finish(&w);
        gv_doc_free(d);
    }
}
END_TEST

/* One entry of a list: {"a": {"s": S, "v": N}, "b": [1]} written by
 * the writer directly, or (tpl set) copied from tpl around its holes. */
static void entry(gv_jw *w, const char *str, const gv_node *n, const gv_buf *tpl, const gv_jw_holes *h)
{
    gv_jw_obj(w, NULL);
    if (tpl) {
        size_t at = 0;
        for (uint32_t i = 0; i < h->n; i++) {
            gv_jw_raw(w, tpl->data + at, h->at[i].from - at);
            if (h->at[i].node)
                gv_jw_refill_doc(w, &h->at[i], n);
            else
                gv_jw_refill_str(w, &h->at[i], str, strlen(str));
            at = h->at[i].to;
        }
        gv_jw_raw(w, tpl->data + at, tpl->len - at);
    } else {
        gv_jw_obj(w, "a");
        gv_jw_hole_str_k(w, gv_jw_key_of("s"), str, strlen(str));
        gv_jw_doc(w, "v", n);
        gv_jw_end(w);
        gv_jw_arr(w, "b");
        gv_jw_int(w, NULL, 1);
        gv_jw_end(w);
    }
    gv_jw_end(w);
}

/* Entries copied from the first one's template around its holes are what
 * the writer writes directly, in JSON and in YAML, for strings YAML styles
 * each its own way (plain, quoted, a literal block) and values of every
 * shape (structured.c's key clauses rely on it). */
START_TEST(templates_refill_their_holes)
{
    static const char *strs[] = { "plain", "needs: quotes", "two\nlines\n", "'", "" };
    static const char *vals[] = { "k", "7", "[1, {x: y}]", "{}", "'q: r'" };
    gv_load_opts o;
    gv_load_opts_default(&o);
    gv_doc *docs[5];
    for (int i = 0; i < 5; i++) {
        gv_error err;
        docs[i] = gv_doc_load_mem("t.yaml", vals[i], strlen(vals[i]), &o, &err);
        ck_assert_ptr_nonnull(docs[i]);
    }
    for (int yaml = 0; yaml < 2; yaml++) {
        gv_buf direct, copied, tpl;
        gv_buf_init(&direct);
        gv_buf_init(&copied);
        gv_buf_init(&tpl);
        gv_jw a, b;
        if (yaml) {
            gv_jw_init_yaml(&a, &direct);
            gv_jw_init_yaml(&b, &copied);
        } else {
            gv_jw_init_json(&a, &direct, 1);
            gv_jw_init_json(&b, &copied, 1);
        }
        gv_jw_arr(&a, NULL);
        for (int i = 0; i < 5; i++)
            entry(&a, strs[i], gv_doc_root(docs[i]), NULL, NULL);
        gv_jw_end(&a);
        /* the first entry's body recorded, the others copied */
        gv_jw_holes h = { .node = gv_doc_root(docs[0]) };
        gv_jw_arr(&b, NULL);
        gv_jw_obj(&b, NULL);
        gv_buf *out = b.out;
        b.out = &tpl;
        b.holes = &h;
        gv_jw_obj(&b, "a");
        gv_jw_hole_str_k(&b, gv_jw_key_of("s"), strs[0], strlen(strs[0]));
        gv_jw_doc(&b, "v", gv_doc_root(docs[0]));
        gv_jw_end(&b);
        gv_jw_arr(&b, "b");
        gv_jw_int(&b, NULL, 1);
        gv_jw_end(&b);
        b.out = out;
        b.holes = NULL;
        ck_assert_uint_eq(h.n, 2);
        ck_assert(!h.overflow);
        gv_buf_append(out, tpl.data, tpl.len);
        gv_jw_end(&b);
        for (int i = 1; i < 5; i++)
            entry(&b, strs[i], gv_doc_root(docs[i]), &tpl, &h);
        gv_jw_end(&b);
        ck_assert_ptr_nonnull(direct.data);
        ck_assert_str_eq(copied.data, direct.data);
        gv_jw_finish(&a);
        gv_jw_finish(&b);
        gv_buf_free(&direct);
        gv_buf_free(&copied);
        gv_buf_free(&tpl);
    }
    for (int i = 0; i < 5; i++)
        gv_doc_free(docs[i]);
}
END_TEST

/* serde_yaml's style for strings whose words, spaces and indicators the
 * analysis steps over in runs (render_yaml.c, skip_dull): the styles the
 * byte-by-byte analysis gave. */
START_TEST(yaml_string_styles)
{
    static const char *const cases[][2] = {
        { "a b c", "a b c" },           { "a #b", "'a #b'" },         { "a# b", "a# b" },
        { "a: b", "'a: b'" },           { "a :b", "a :b" },           { "word word ", "'word word '" },
        { " lead", "' lead'" },         { "x \ny", "\"x \\ny\"" },  { "x\n y", "|-\n    x\n     y\n" },
        { "k-v / p.q", "k-v / p.q" },   { "it's", "it's" },           { "a,b", "a,b" },
        { "a b\tc", "\"a b\\tc\"" }, { "\xc3\xa9 \xc3\xa9", "\xc3\xa9 \xc3\xa9" },
        { "it's: x", "'it''s: x'" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        gv_buf b;
        gv_buf_init(&b);
        if (!gv_yaml_string(&b, cases[i][0], strlen(cases[i][0]), 0, 4))
            gv_buf_putc(&b, '\n');
        char want[64];
        snprintf(want, sizeof want, "%s%s", cases[i][1], cases[i][1][0] == '|' ? "" : "\n");
        ck_assert_str_eq(b.data, want);
        gv_buf_free(&b);
    }
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("jwrite");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, json_is_the_rendered_tree);
    tcase_add_test(tc, deep_nesting_and_inner_depth_agree);
    tcase_add_test(tc, kept_strings_write_as_strings);
    tcase_add_test(tc, yaml_is_the_rendered_tree);
    tcase_add_test(tc, yaml_shapes_by_position);
    tcase_add_test(tc, yaml_root_scalars);
    tcase_add_test(tc, probe_notes_nonfinite_values);
    tcase_add_test(tc, templates_refill_their_holes);
    tcase_add_test(tc, yaml_string_styles);
    suite_add_tcase(s, tc);
    return s;
}
