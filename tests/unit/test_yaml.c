/* YAML files, read as cfn-guard 3.1.1 reads them (probed; see
 * docs/oracle-notes/loading.md): scalar typing, core tags, short forms in
 * both modes, anchors and aliases (a gavel extension), structure, keys,
 * locations, limits, and every bad input with its error text. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc_print.h"

static gv_error err;
static char errbuf[1200];
static gv_buf out;

static gv_doc *load_mode(const char *text, gv_shortform mode)
{
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.shortform = mode;
    gv_error_clear(&err);
    return gv_doc_load_mem("t.yaml", text, strlen(text), &o, &err);
}

static const char *dump(const gv_node *n, unsigned flags)
{
    gv_buf_free(&out);
    gv_node_print_json(&out, n, flags);
    return out.data;
}

#define EXPECT_MODE(mode, text, want)                                           \
    do {                                                                        \
        gv_doc *d_ = load_mode((text), (mode));                                 \
        ck_assert_msg(d_ != NULL, "load of %s failed: %s", (text), err.msg);    \
        ck_assert_str_eq(dump(gv_doc_root(d_), 0), (want));                     \
        gv_doc_free(d_);                                                        \
    } while (0)
#define EXPECT(text, want) EXPECT_MODE(GV_SHORTFORM_GUARD, text, want)
#define EXPECT_CFN(text, want) EXPECT_MODE(GV_SHORTFORM_CFN, text, want)

#define EXPECT_ERROR(text, want)                                                \
    do {                                                                        \
        gv_doc *d_ = load_mode((text), GV_SHORTFORM_GUARD);                     \
        ck_assert_msg(d_ == NULL, "%s loaded", (text));                         \
        gv_error_format(&err, errbuf, sizeof errbuf);                           \
        ck_assert_str_eq(errbuf, (want));                                       \
    } while (0)

typedef struct row {
    const char *value; /* the text after "a: " */
    const char *json;  /* what a loads as */
} row;

/* Each row is loaded as "a: VALUE" and must give {"a": JSON}. */
static void check_rows(const row *rows, size_t n, gv_shortform mode)
{
    char text[256], want[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof text, "a: %s", rows[i].value);
        snprintf(want, sizeof want, "{\"a\":%s}", rows[i].json);
        gv_doc *d = load_mode(text, mode);
        ck_assert_msg(d != NULL, "a: %s failed: %s", rows[i].value, err.msg);
        ck_assert_msg(strcmp(dump(gv_doc_root(d), 0), want) == 0, "a: %s gave %s, want %s",
                      rows[i].value, out.data, want);
        gv_doc_free(d);
    }
}
#define CHECK_ROWS(rows, mode) check_rows((rows), sizeof(rows) / sizeof *(rows), (mode))

/* ---- plain scalar typing ---- */

START_TEST(plain_integers)
{
    static const row rows[] = {
        { "0", "0" }, { "00", "0" }, { "-0", "0" }, { "-1", "-1" }, { "+1", "1" },
        { "017", "17" }, { "-017", "-17" }, { "08", "8" },
        { "9223372036854775807", "9223372036854775807" },
        { "-9223372036854775808", "-9223372036854775808" },
        { "9223372036854775808", "9.223372036854776e+18" },   /* overflow: float */
        { "99999999999999999999", "1e+20" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

START_TEST(plain_floats)
{
    static const row rows[] = {
        { "1.0", "1.0" }, { "1.", "1.0" }, { "0.", "0.0" }, { ".5", "0.5" }, { "-.5", "-0.5" },
        { "+1.5", "1.5" }, { "1e3", "1000.0" }, { "1E3", "1000.0" }, { "1e+3", "1000.0" },
        { "5E-1", "0.5" }, { "1.5e-3", "0.0015" }, { "0e0", "0.0" }, { "-0.0", "-0.0" },
        { "1.e3", "1000.0" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
    /* Rust's words for the specials, in any case, with a sign */
    const char *specials[] = { "inf", "Infinity", "INF", "+inf", "-inf", "nan", "NaN", "-nan", "1e400" };
    char text[64];
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++) {
        snprintf(text, sizeof text, "a: %s", specials[i]);
        gv_doc *d = load_mode(text, GV_SHORTFORM_GUARD);
        gv_node *v = gv_doc_root(d)->u.members[0].value;
        ck_assert_msg(v->kind == GV_FLOAT && !isfinite(v->u.f), "%s", specials[i]);
        if (isinf(v->u.f))
            ck_assert_int_eq(v->u.f < 0, specials[i][0] == '-');
        gv_doc_free(d);
    }
}
END_TEST

START_TEST(plain_words_stay_strings)
{
    static const row rows[] = {
        { "True", "\"True\"" }, { "TRUE", "\"TRUE\"" }, { "False", "\"False\"" }, { "yes", "\"yes\"" },
        { "no", "\"no\"" }, { "on", "\"on\"" }, { "off", "\"off\"" }, { "y", "\"y\"" },
        { "0x1F", "\"0x1F\"" }, { "0o17", "\"0o17\"" }, { "0b101", "\"0b101\"" }, { "1_000", "\"1_000\"" },
        { "1_000.0", "\"1_000.0\"" }, { ".inf", "\".inf\"" }, { "-.inf", "\"-.inf\"" }, { ".NaN", "\".NaN\"" },
        { "e3", "\"e3\"" }, { "1e", "\"1e\"" }, { ".e1", "\".e1\"" }, { "1.5.5", "\"1.5.5\"" },
        { ".", "\".\"" }, { "+", "\"+\"" }, { "+-1", "\"+-1\"" }, { "1,000", "\"1,000\"" },
        { "12:30", "\"12:30\"" }, { "2001-12-14", "\"2001-12-14\"" }, { "infinit", "\"infinit\"" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

START_TEST(plain_bools_and_nulls)
{
    static const row rows[] = {
        { "true", "true" }, { "false", "false" }, { "tRUE", "\"tRUE\"" },
        { "null", "null" }, { "Null", "null" }, { "NULL", "null" }, { "nULL", "null" }, { "~", "null" },
        { "nul", "\"nul\"" }, { "~~", "\"~~\"" },
        { "", "\"\"" }, { "   ", "\"\"" }, { "# c", "\"\"" }, /* empty: the empty string, not null */
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

START_TEST(quoted_and_block_scalars_are_strings)
{
    static const row rows[] = {
        { "\"017\"", "\"017\"" }, { "'1'", "\"1\"" }, { "\"true\"", "\"true\"" }, { "'null'", "\"null\"" },
        { "\"\"", "\"\"" }, { "'it''s'", "\"it's\"" }, { "\"\\u00e9\\x41\\t\\n\"", "\"\xc3\xa9" "A\\t\\n\"" },
        { "\"\\U0001F600\"", "\"\xf0\x9f\x98\x80\"" }, { "\"\\u0000\"", "\"\\u0000\"" },
        { "|\n  x\n  y\n", "\"x\\ny\\n\"" }, { ">\n  x\n  y\n", "\"x y\\n\"" },
        { "|\n  x\n  y", "\"x\\ny\"" } /* clipped: no line break at the end of the file */, { "|-\n  x", "\"x\"" },
        { ">+\n  x\n\n", "\"x\\n\\n\"" }, { "|2\n   x\n", "\" x\\n\"" }, { ">-\n  017", "\"017\"" },
        { "|-\n  true", "\"true\"" }, { "x\n  y\n\n  z", "\"x y\\nz\"" }, { "1\n  2", "\"1 2\"" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

/* ---- tags ---- */

START_TEST(core_tags)
{
    static const row rows[] = {
        { "!!str 1", "\"1\"" }, { "!!str true", "\"true\"" }, { "!!str ~", "\"~\"" }, { "!!str", "\"\"" },
        { "!!int \"1\"", "1" }, { "!!int '017'", "17" }, { "!!int \"-017\"", "-17" }, { "!!int +1", "1" },
        { "!!int >-\n  5", "5" }, { "!!float 1", "1.0" }, { "!!float \"1.5\"", "1.5" },
        { "!!float \"017\"", "17.0" }, { "!!bool \"true\"", "true" }, { "!!bool false", "false" },
        { "!!bool yes", "\"yes\"" }, { "!!bool True", "\"True\"" }, { "!!bool", "\"\"" },
        { "!!null", "null" }, { "!!null x", "null" }, { "!!null 1", "null" },
        { "!!binary aGk=", "\"aGk=\"" }, { "!!timestamp 2001-01-01", "\"2001-01-01\"" }, { "!!foo 1", "\"1\"" },
        { "!!map {b: 1}", "{\"b\":1}" }, { "!!seq [1]", "[1]" }, { "!!str [1]", "[1]" },
        { "!!map", "\"\"" }, { "!!set {x}", "{\"x\":\"\"}" }, { "!!omap [x: 1]", "[{\"x\":1}]" },
        { "!<tag:yaml.org,2002:int> \"1\"", "1" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
    EXPECT("%TAG !e! tag:yaml.org,2002:\n---\na: !e!int \"7\"", "{\"a\":7}");
}
END_TEST

START_TEST(bad_core_tag_values)
{
    EXPECT_ERROR("a: !!int 1.5", "t.yaml:1:4: expected a 64-bit integer for tag !!int, found '1.5'");
    EXPECT_ERROR("a: !!int \"0x1F\"", "t.yaml:1:4: expected a 64-bit integer for tag !!int, found '0x1F'");
    EXPECT_ERROR("a: !!int 9223372036854775808",
                 "t.yaml:1:4: expected a 64-bit integer for tag !!int, found '9223372036854775808'");
    EXPECT_ERROR("a: !!int", "t.yaml:1:4: expected a 64-bit integer for tag !!int, found ''");
    EXPECT_ERROR("a: !!float .inf", "t.yaml:1:4: expected a number for tag !!float, found '.inf'");
    EXPECT_ERROR("x: 1\na:   !!float 1_0", "t.yaml:2:6: expected a number for tag !!float, found '1_0'");
}
END_TEST

START_TEST(other_tags_make_untyped_strings)
{
    static const row rows[] = {
        { "!Foo 017", "\"017\"" }, { "!If 1", "\"1\"" }, { "! x", "\"x\"" }, { "!ref x", "\"x\"" },
        { "!Fn::GetAtt a.b", "\"a.b\"" }, { "!Foo [1]", "[1]" }, { "!Foo {b: 1}", "{\"b\":1}" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

/* ---- short forms, as cfn-guard 3.1.1 loads them (default) ---- */

START_TEST(guard_scalar_short_forms)
{
    static const row rows[] = {
        { "!Ref x", "{\"Ref\":\"x\"}" }, { "!Ref 017", "{\"Ref\":\"017\"}" }, { "!Ref true", "{\"Ref\":\"true\"}" },
        { "!Ref null", "{\"Ref\":\"null\"}" }, { "!Ref", "{\"Ref\":\"\"}" }, { "!Ref |\n  x\n", "{\"Ref\":\"x\\n\"}" },
        { "!Condition c", "{\"Condition\":\"c\"}" },
        { "!GetAtt a.b", "{\"Fn::GetAtt\":\"a.b\"}" }, { "!GetAtt a.b.c", "{\"Fn::GetAtt\":\"a.b.c\"}" },
        { "!GetAtt", "{\"Fn::GetAtt\":\"\"}" }, { "!Sub \"x${y}\"", "{\"Fn::Sub\":\"x${y}\"}" },
        { "!Sub 1", "{\"Fn::Sub\":\"1\"}" }, { "!Base64 abc", "{\"Fn::Base64\":\"abc\"}" },
        { "!GetAZs \"\"", "{\"Fn::GetAZs\":\"\"}" }, { "!GetAZs r", "{\"Fn::GetAZs\":\"r\"}" },
        { "!ImportValue v", "{\"Fn::ImportValue\":\"v\"}" }, { "!<!Ref> x", "{\"Ref\":\"x\"}" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
    EXPECT("%TAG !x! !\n---\na: !x!Ref y", "{\"a\":{\"Ref\":\"y\"}}");
}
END_TEST

START_TEST(guard_sequence_short_forms)
{
    static const row rows[] = {
        { "!GetAtt [a, b]", "{\"Fn::GetAtt\":[\"a\",\"b\"]}" },
        { "!Sub [\"x${y}\", {y: 1}]", "{\"Fn::Sub\":[\"x${y}\",{\"y\":1}]}" },
        { "!If [c, 1, 2]", "{\"Fn::If\":[\"c\",1,2]}" },
        { "!Join [\"-\", [a, b]]", "{\"Fn::Join\":[\"-\",[\"a\",\"b\"]]}" },
        { "!Select [0, [a]]", "{\"Fn::Select\":[0,[\"a\"]]}" },
        { "!Split [\",\", \"a,b\"]", "{\"Fn::Split\":[\",\",\"a,b\"]}" },
        { "!FindInMap [m, k, v]", "{\"Fn::FindInMap\":[\"m\",\"k\",\"v\"]}" },
        { "!Equals [017, true, null, ~]", "{\"Fn::Equals\":[17,true,null,null]}" },
        { "!And [a, b]", "{\"Fn::And\":[\"a\",\"b\"]}" }, { "!Or [a, b]", "{\"Fn::Or\":[\"a\",\"b\"]}" },
        { "!Not [a]", "{\"Fn::Not\":[\"a\"]}" },
        { "!Join [\",\", [!Sub \"a${b}\", !Ref c]]",
          "{\"Fn::Join\":[\",\",[{\"Fn::Sub\":\"a${b}\"},{\"Ref\":\"c\"}]]}" },
        { "!Join\n  - \"-\"\n  - [x]", "{\"Fn::Join\":[\"-\",[\"x\"]]}" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

START_TEST(guard_shapes_not_wrapped)
{
    static const row rows[] = {
        /* sequences of scalar-only forms, and forms cfn-guard never wraps */
        { "!Ref [x]", "[\"x\"]" }, { "!Condition [x]", "[\"x\"]" }, { "!Base64 [1]", "[1]" },
        { "!ImportValue [v]", "[\"v\"]" }, { "!GetAZs [x]", "[\"x\"]" }, { "!Cidr [a, 1, 2]", "[\"a\",1,2]" },
        { "!Length [1]", "[1]" }, { "!ToJsonString [1]", "[1]" }, { "!Transform [x]", "[\"x\"]" },
        /* scalars of sequence-only forms: plain strings, never typed */
        { "!If c", "\"c\"" }, { "!Not c", "\"c\"" }, { "!Equals x", "\"x\"" }, { "!Select 1", "\"1\"" },
        { "!Split x", "\"x\"" }, { "!FindInMap x", "\"x\"" }, { "!Join x", "\"x\"" }, { "!Cidr 1.5", "\"1.5\"" },
        /* any mapping */
        { "!Ref {b: 1}", "{\"b\":1}" }, { "!GetAtt {b: 1}", "{\"b\":1}" }, { "!Base64 {b: 1}", "{\"b\":1}" },
        { "!Sub {b: 1}", "{\"b\":1}" }, { "!If {b: 1}", "{\"b\":1}" }, { "!Transform {Name: x}", "{\"Name\":\"x\"}" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_GUARD);
}
END_TEST

START_TEST(short_form_locations)
{
    /* the wrapper and the value both carry the tag's mark */
    gv_doc *d = load_mode("a:   !Ref   x\nl:\n  - !GetAtt [r, p]\n", GV_SHORTFORM_GUARD);
    ck_assert_str_eq(dump(gv_doc_root(d), GV_PRINT_LOCATIONS),
                     "{\"line\":1,\"column\":1,\"value\":{"
                     "\"a\":{\"line\":1,\"column\":6,\"value\":{\"Ref\":{\"line\":1,\"column\":6,\"value\":\"x\"}}},"
                     "\"l\":{\"line\":3,\"column\":3,\"value\":[{\"line\":3,\"column\":5,\"value\":"
                     "{\"Fn::GetAtt\":{\"line\":3,\"column\":5,\"value\":["
                     "{\"line\":3,\"column\":14,\"value\":\"r\"},{\"line\":3,\"column\":17,\"value\":\"p\"}]}}}]}}}");
    gv_doc_free(d);
}
END_TEST

/* ---- short forms as CloudFormation means them (--short-forms cfn) ---- */

START_TEST(cfn_mode_wraps_every_intrinsic)
{
    static const row rows[] = {
        { "!Ref x", "{\"Ref\":\"x\"}" }, { "!Condition c", "{\"Condition\":\"c\"}" },
        { "!GetAtt r.Arn", "{\"Fn::GetAtt\":[\"r\",\"Arn\"]}" },
        { "!GetAtt r.a.b", "{\"Fn::GetAtt\":[\"r\",\"a.b\"]}" },
        { "!GetAtt r", "{\"Fn::GetAtt\":\"r\"}" }, { "!GetAtt [r, Arn]", "{\"Fn::GetAtt\":[\"r\",\"Arn\"]}" },
        { "!Cidr [a, 1, 2]", "{\"Fn::Cidr\":[\"a\",1,2]}" }, { "!Base64 {b: 1}", "{\"Fn::Base64\":{\"b\":1}}" },
        { "!Transform {Name: x}", "{\"Fn::Transform\":{\"Name\":\"x\"}}" },
        { "!Length [1]", "{\"Fn::Length\":[1]}" }, { "!ToJsonString {b: 1}", "{\"Fn::ToJsonString\":{\"b\":1}}" },
        { "!If c", "{\"Fn::If\":\"c\"}" }, { "!Ref [x]", "{\"Ref\":[\"x\"]}" },
        { "!Contains [[a], a]", "{\"Fn::Contains\":[[\"a\"],\"a\"]}" },
        { "!Select 1", "{\"Fn::Select\":\"1\"}" }, { "!Sub", "{\"Fn::Sub\":\"\"}" },
        /* unknown and differently-cased tags are still not intrinsics */
        { "!Foo x", "\"x\"" }, { "!ref x", "\"x\"" }, { "!!str x", "\"x\"" },
    };
    CHECK_ROWS(rows, GV_SHORTFORM_CFN);
}
END_TEST

START_TEST(cfn_mode_template)
{
    const char *text = "Resources:\n  B:\n    Properties:\n      Arn: !GetAtt Role.Arn\n"
                       "      Az: !Select [0, !GetAZs \"\"]\n      C: !Cidr [!GetAtt V.CidrBlock, 6, 8]\n";
    EXPECT_CFN(text, "{\"Resources\":{\"B\":{\"Properties\":{\"Arn\":{\"Fn::GetAtt\":[\"Role\",\"Arn\"]},"
                     "\"Az\":{\"Fn::Select\":[0,{\"Fn::GetAZs\":\"\"}]},"
                     "\"C\":{\"Fn::Cidr\":[{\"Fn::GetAtt\":[\"V\",\"CidrBlock\"]},6,8]}}}}}");
    EXPECT(text, "{\"Resources\":{\"B\":{\"Properties\":{\"Arn\":{\"Fn::GetAtt\":\"Role.Arn\"},"
                 "\"Az\":{\"Fn::Select\":[0,{\"Fn::GetAZs\":\"\"}]},"
                 "\"C\":[{\"Fn::GetAtt\":\"V.CidrBlock\"},6,8]}}}}");
}
END_TEST

START_TEST(every_tag_every_shape)
{
    /* name, wrapping key, shapes cfn-guard wraps (s = scalar, q = sequence) */
    static const struct { const char *tag, *key, *guard; } tags[] = {
        { "Ref", "Ref", "s" }, { "Condition", "Condition", "s" }, { "GetAtt", "Fn::GetAtt", "sq" },
        { "Sub", "Fn::Sub", "sq" }, { "Base64", "Fn::Base64", "s" }, { "GetAZs", "Fn::GetAZs", "s" },
        { "ImportValue", "Fn::ImportValue", "s" }, { "If", "Fn::If", "q" }, { "Join", "Fn::Join", "q" },
        { "Select", "Fn::Select", "q" }, { "Split", "Fn::Split", "q" }, { "FindInMap", "Fn::FindInMap", "q" },
        { "Equals", "Fn::Equals", "q" }, { "And", "Fn::And", "q" }, { "Or", "Fn::Or", "q" },
        { "Not", "Fn::Not", "q" }, { "Cidr", "Fn::Cidr", "" }, { "Transform", "Fn::Transform", "" },
        { "ToJsonString", "Fn::ToJsonString", "" }, { "Length", "Fn::Length", "" },
        { "RefAll", "Fn::RefAll", "s" }, { "Contains", "Fn::Contains", "q" },
        { "EachMemberEquals", "Fn::EachMemberEquals", "q" }, { "EachMemberIn", "Fn::EachMemberIn", "q" },
        { "ValueOf", "Fn::ValueOf", "q" }, { "ValueOfAll", "Fn::ValueOfAll", "" },
    };
    static const struct { char shape; const char *text, *plain; } shapes[] = {
        { 's', "x.y", "\"x.y\"" }, { 'q', "[1, b]", "[1,\"b\"]" }, { 'm', "{k: 1}", "{\"k\":1}" },
    };
    char text[128], want[160];
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
        for (size_t k = 0; k < 3; k++)
            for (int cfn = 0; cfn < 2; cfn++) {
                snprintf(text, sizeof text, "a: !%s %s", tags[i].tag, shapes[k].text);
                const char *inner = shapes[k].plain;
                if (cfn && shapes[k].shape == 's' && strcmp(tags[i].tag, "GetAtt") == 0)
                    inner = "[\"x\",\"y\"]";
                if (cfn || strchr(tags[i].guard, shapes[k].shape))
                    snprintf(want, sizeof want, "{\"a\":{\"%s\":%s}}", tags[i].key, inner);
                else
                    snprintf(want, sizeof want, "{\"a\":%s}", inner);
                gv_doc *d = load_mode(text, cfn ? GV_SHORTFORM_CFN : GV_SHORTFORM_GUARD);
                ck_assert_msg(d != NULL, "%s: %s", text, err.msg);
                ck_assert_msg(strcmp(dump(gv_doc_root(d), 0), want) == 0, "%s (%s mode) gave %s, want %s",
                              text, cfn ? "cfn" : "guard", out.data, want);
                gv_doc_free(d);
            }
}
END_TEST

/* ---- anchors and aliases: gavel loads them (cfn-guard rejects them) ---- */

START_TEST(aliases_expand)
{
    EXPECT("a: &x 1\nb: *x\nc: &m {k: [1, 2]}\nd: *m", "{\"a\":1,\"b\":1,\"c\":{\"k\":[1,2]},\"d\":{\"k\":[1,2]}}");
    EXPECT("x: &x {k: 1}\na:\n  <<: *x", "{\"x\":{\"k\":1},\"a\":{\"<<\":{\"k\":1}}}"); /* no merging */
    EXPECT("a: &r !Ref x\nb: *r", "{\"a\":{\"Ref\":\"x\"},\"b\":{\"Ref\":\"x\"}}");
    EXPECT("a: &x 1\nb: &x 2\nc: *x", "{\"a\":1,\"b\":2,\"c\":2}"); /* redefined: the latest */
    EXPECT("&k a: 1\n*k : 2", "{\"a\":2}");                          /* alias as a key */
}
END_TEST

START_TEST(aliases_share_the_node)
{
    gv_doc *d = load_mode("a: &m {k: 1}\nb: *m\n", GV_SHORTFORM_GUARD);
    gv_node *r = gv_doc_root(d);
    ck_assert_ptr_eq(gv_map_get_str(r, "a"), gv_map_get_str(r, "b"));
    ck_assert_uint_eq(gv_map_get_str(r, "b")->line, 1); /* the anchor's place */
    ck_assert_uint_eq(gv_map_get_str(r, "b")->col, 4);
    gv_doc_free(d);
}
END_TEST

START_TEST(alias_errors)
{
    EXPECT_ERROR("a: *nope", "t.yaml:1:4: expected an anchor defined before its alias, found '*nope'");
    /* an anchor is defined when its node ends: no cycles */
    EXPECT_ERROR("a: &a [1, *a]", "t.yaml:1:11: expected an anchor defined before its alias, found '*a'");
    EXPECT_ERROR("a: &s [1]\n*s : x", "t.yaml:2:1: expected a string mapping key, found a sequence");
}
END_TEST

START_TEST(billion_laughs_fails_fast)
{
    char text[2048] = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int i = 1; i < 10; i++) {
        char line[128];
        snprintf(line, sizeof line, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
                 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    /* 9^10 nodes if expanded; the count stops it at the seventh line */
    EXPECT_ERROR(text, "t.yaml:7:10: expected aliases to expand to at most 1000000 nodes (--max-alias-nodes), "
                       "found more");
    ck_assert_int_eq(err.code, GV_E_LIMIT);
}
END_TEST

START_TEST(alias_depth_counts)
{
    /* an alias to a deep node is as deep as what it stands for */
    gv_load_opts o;
    gv_load_opts_default(&o);
    o.max_depth = 4;
    gv_error_clear(&err);
    const char *ok = "a: &a [[1]]\nb: [*a]\n"; /* b: 1 + 1 + 2 = 4 levels */
    gv_doc *d = gv_doc_load_mem("t.yaml", ok, strlen(ok), &o, &err);
    ck_assert_msg(d != NULL, "%s", err.msg);
    gv_doc_free(d);
    const char *deep = "a: &a [[1]]\nb: [[*a]]\n";
    ck_assert_ptr_null(gv_doc_load_mem("t.yaml", deep, strlen(deep), &o, &err));
    gv_error_format(&err, errbuf, sizeof errbuf);
    ck_assert_str_eq(errbuf, "t.yaml:2:6: expected at most 4 levels of nesting (--max-depth), found more");
}
END_TEST

/* ---- structure ---- */

START_TEST(duplicate_keys_last_wins)
{
    EXPECT("a: 1\na: 2", "{\"a\":2}");
    gv_doc *d = load_mode("z: 1\nb: 2\nz: 3\n", GV_SHORTFORM_GUARD);
    gv_node *r = gv_doc_root(d);
    ck_assert_str_eq(dump(r, 0), "{\"z\":3,\"b\":2}");
    ck_assert_uint_eq(r->u.members[0].value->line, 3); /* the new value's place */
    gv_doc_free(d);
}
END_TEST

START_TEST(first_document_only)
{
    EXPECT("a: 1\n---\na: 2", "{\"a\":1}");
    EXPECT("---\na: 1\n---\na: 2", "{\"a\":1}");
    EXPECT("a: 1\n---\n\"never read", "{\"a\":1}");
    EXPECT("---\na: 1\n...\n", "{\"a\":1}");
    EXPECT("%YAML 1.2\n---\na: 1", "{\"a\":1}");
    EXPECT("# c\n---\n", "\"\"");
    EXPECT("---\n", "\"\"");
}
END_TEST

START_TEST(roots_and_empty_values)
{
    EXPECT("hello", "\"hello\"");
    EXPECT("42", "42");
    EXPECT("!Ref x", "{\"Ref\":\"x\"}");
    EXPECT("- 1\n-", "[1,\"\"]");
    EXPECT("{x: , y: 1}", "{\"x\":\"\",\"y\":1}");
    EXPECT("? a\n: 1", "{\"a\":1}");
    EXPECT("a:\t1", "{\"a\":1}");
    EXPECT("a: 1\r\nb: [2,\r 3]\r\n", "{\"a\":1,\"b\":[2,3]}");
}
END_TEST

START_TEST(keys_must_be_strings)
{
    EXPECT_ERROR("1: a", "t.yaml:1:1: expected a string mapping key, found an integer");
    EXPECT_ERROR("x: 1\ntrue: a", "t.yaml:2:1: expected a string mapping key, found a boolean");
    EXPECT_ERROR("~: a", "t.yaml:1:1: expected a string mapping key, found null");
    EXPECT_ERROR("nULL: a", "t.yaml:1:1: expected a string mapping key, found null");
    EXPECT_ERROR("inf: a", "t.yaml:1:1: expected a string mapping key, found a float");
    EXPECT_ERROR("? [x]\n: 1", "t.yaml:1:3: expected a string mapping key, found a sequence");
    EXPECT_ERROR("{a: 1}: a", "t.yaml:1:1: expected a string mapping key, found a mapping");
    EXPECT_ERROR("!!int \"1\": a", "t.yaml:1:1: expected a string mapping key, found an integer");
    EXPECT_ERROR("b:\n  !Ref x: a", "t.yaml:2:3: expected a string mapping key, found a mapping");
    EXPECT("yes: 1\nTrue: 2\n-: 3\n\"\": 4\n!!str 1: 5\n!Foo x: 6\n\"1\": 7",
           "{\"yes\":1,\"True\":2,\"-\":3,\"\":4,\"1\":7,\"x\":6}");
}
END_TEST

START_TEST(locations)
{
    gv_doc *d = load_mode("a:\n    b: hello\nc:\nl:\n      - 1\n      -\n\xc3\xa9: &x 2\n", GV_SHORTFORM_GUARD);
    ck_assert_msg(d != NULL, "%s", err.msg);
    /* a block map sits at its first key; an empty value at the end of its
     * ':' (or '-'); an anchor moves the mark to the '&'; columns count characters */
    ck_assert_str_eq(dump(gv_doc_root(d), GV_PRINT_LOCATIONS),
                     "{\"line\":1,\"column\":1,\"value\":{"
                     "\"a\":{\"line\":2,\"column\":5,\"value\":{\"b\":{\"line\":2,\"column\":8,\"value\":\"hello\"}}},"
                     "\"c\":{\"line\":3,\"column\":3,\"value\":\"\"},"
                     "\"l\":{\"line\":5,\"column\":7,\"value\":[{\"line\":5,\"column\":9,\"value\":1},"
                     "{\"line\":6,\"column\":8,\"value\":\"\"}]},"
                     "\"\xc3\xa9\":{\"line\":7,\"column\":4,\"value\":2}}}");
    gv_doc_free(d);
}
END_TEST

START_TEST(bom_is_one_column)
{
    /* cfn-guard's reader keeps the BOM and its scanner skips it as one
     * column: a block mapping then sits at column 2, so a key at column 1
     * ends the first document, and the rest is never read */
    gv_doc *d = load_mode("\xef\xbb\xbf" "a: 1\nb: 2\n", GV_SHORTFORM_GUARD);
    ck_assert_msg(d != NULL, "%s", err.msg);
    ck_assert_str_eq(dump(gv_doc_root(d), GV_PRINT_LOCATIONS),
                     "{\"line\":1,\"column\":2,\"value\":{\"a\":{\"line\":1,\"column\":5,\"value\":1}}}");
    gv_doc_free(d);
    EXPECT("\xef\xbb\xbf" "{a: 1,\nb: 2}", "{\"a\":1,\"b\":2}");
}
END_TEST

START_TEST(key_reach_counts_bytes)
{
    /* C libyaml counts characters; cfn-guard's counts bytes: 513 two-byte
     * characters put the ':' 1026 bytes from the key's start */
    char text[1200] = "";
    for (int i = 0; i < 512; i++)
        strcat(text, "\xc3\xa9");
    strcat(text, ": 1\n");
    gv_doc *d = load_mode(text, GV_SHORTFORM_GUARD);
    ck_assert_msg(d != NULL, "%s", err.msg);
    gv_doc_free(d);
    memmove(text + 2, text, strlen(text) + 1);
    memcpy(text, "\xc3\xa9", 2);
    EXPECT_ERROR(text, "t.yaml:1:1: expected ':' within 1024 bytes of the start of an implicit key, "
                       "found it 1026 bytes away");
}
END_TEST

/* ---- bad input ---- */

START_TEST(empty_and_blank_files)
{
    EXPECT_ERROR("", "t.yaml:1:1: expected a JSON or YAML document, found an empty file");
    EXPECT_ERROR(" \n\r\n\t\f", "t.yaml:1:1: expected a JSON or YAML document, found only whitespace");
    EXPECT_ERROR("\xc2\xa0\xe3\x80\x80\n", "t.yaml:1:1: expected a JSON or YAML document, found only whitespace");
    /* cfn-guard panics on these; gavel reports them */
    EXPECT_ERROR("# c\n\n# d\n", "t.yaml:1:1: expected a JSON or YAML document, found only comments");
    EXPECT_ERROR("\xef\xbb\xbf", "t.yaml:1:1: expected a JSON or YAML document, found only comments");
}
END_TEST

START_TEST(syntax_errors)
{
    EXPECT_ERROR("a: [1", "t.yaml:1:6: expected ',' or ']' (parsing a flow sequence started at 1:4), found end of input");
    EXPECT_ERROR("a: b: c", "t.yaml:1:5: expected a value without ': ' (a mapping cannot start here), found ':'");
    EXPECT_ERROR("a: 1\n b: 2", "t.yaml:2:3: expected a value without ': ' (a mapping cannot start here), found ':'");
    EXPECT_ERROR("a: -\n", "t.yaml:1:4: expected a value (a block sequence cannot start here), found '-'");
    EXPECT_ERROR("[a, , b]", "t.yaml:1:5: expected a value, found ','");
    EXPECT_ERROR("a: x\nb\n", "t.yaml:3:1: expected ':' after the key (scanning a simple key started at 2:1), "
                                "found end of input");
    EXPECT_ERROR("...", "t.yaml:1:1: expected a value, found '.'");
    EXPECT_ERROR("%FOO x\n---\na: 1", "t.yaml:1:5: expected %YAML or %TAG (scanning a directive started at 1:1), "
                                      "found another directive");
    EXPECT_ERROR("a: @x", "t.yaml:1:4: expected a YAML token, found '@'");
    EXPECT_ERROR("a: \"x", "t.yaml:1:6: expected a closing quote (scanning a quoted scalar started at 1:4), "
                           "found end of input");
}
END_TEST

START_TEST(tabs_and_control_characters)
{
    EXPECT_ERROR("a:\n\tb: 1", "t.yaml:2:1: expected a YAML token, found a tab");
    EXPECT_ERROR("a: \x01", "t.yaml:1:4: expected printable characters, found control character U+0001");
    EXPECT_ERROR("a: \xc2\x80", "t.yaml:1:4: expected printable characters, found control character U+0080");
    EXPECT_ERROR("a: x\n\xef\xbb\xbf" "b: 1",
                 "t.yaml:2:2: expected a mapping key at this indentation (parsing a block mapping started at 1:1), "
                 "found 'b'");
}
END_TEST

START_TEST(invalid_utf8)
{
    EXPECT_ERROR("a: \"\xff\"", "t.yaml:1:5: expected UTF-8 text, found byte 0xff");
    EXPECT_ERROR("a: \xed\xa0\x80", "t.yaml:1:4: expected UTF-8 text, found byte 0xed"); /* a surrogate */
    EXPECT_ERROR("a: \xc0\xaf", "t.yaml:1:4: expected UTF-8 text, found byte 0xc0");     /* overlong */
    EXPECT_ERROR("\xc3\xa9: x\n\xc3\xa9: \xe2\x82", "t.yaml:2:4: expected UTF-8 text, found byte 0xe2"); /* truncated */
}
END_TEST

START_TEST(nesting_limit)
{
    char text[3000];
    size_t n = 0;
    n += (size_t)snprintf(text, sizeof text, "a: ");
    for (int i = 0; i < 512; i++)
        text[n++] = '[';
    text[n] = '\0';
    /* the root mapping is the first level */
    EXPECT_ERROR(text, "t.yaml:1:515: expected at most 512 levels of nesting (--max-depth), found more");
    text[n - 1] = '\0';
    for (int i = 0; i < 511; i++)
        strcat(text, "]");
    gv_doc *d = load_mode(text, GV_SHORTFORM_GUARD);
    ck_assert_msg(d != NULL, "512 levels: %s", err.msg);
    gv_doc_free(d);
}
END_TEST

Suite *gv_test_suite(void)
{
    Suite *s = suite_create("yaml");
    TCase *tc = tcase_create("yaml");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, plain_integers);
    tcase_add_test(tc, plain_floats);
    tcase_add_test(tc, plain_words_stay_strings);
    tcase_add_test(tc, plain_bools_and_nulls);
    tcase_add_test(tc, quoted_and_block_scalars_are_strings);
    tcase_add_test(tc, core_tags);
    tcase_add_test(tc, bad_core_tag_values);
    tcase_add_test(tc, other_tags_make_untyped_strings);
    tcase_add_test(tc, guard_scalar_short_forms);
    tcase_add_test(tc, guard_sequence_short_forms);
    tcase_add_test(tc, guard_shapes_not_wrapped);
    tcase_add_test(tc, short_form_locations);
    tcase_add_test(tc, cfn_mode_wraps_every_intrinsic);
    tcase_add_test(tc, cfn_mode_template);
    tcase_add_test(tc, every_tag_every_shape);
    tcase_add_test(tc, aliases_expand);
    tcase_add_test(tc, aliases_share_the_node);
    tcase_add_test(tc, alias_errors);
    tcase_add_test(tc, billion_laughs_fails_fast);
    tcase_add_test(tc, alias_depth_counts);
    tcase_add_test(tc, duplicate_keys_last_wins);
    tcase_add_test(tc, first_document_only);
    tcase_add_test(tc, roots_and_empty_values);
    tcase_add_test(tc, keys_must_be_strings);
    tcase_add_test(tc, locations);
    tcase_add_test(tc, bom_is_one_column);
    tcase_add_test(tc, key_reach_counts_bytes);
    tcase_add_test(tc, empty_and_blank_files);
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, tabs_and_control_characters);
    tcase_add_test(tc, invalid_utf8);
    tcase_add_test(tc, nesting_limit);
    suite_add_tcase(s, tc);
    return s;
}
