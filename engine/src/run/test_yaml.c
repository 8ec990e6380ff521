/* Reading a test spec file the way cfn-guard 3.1.1 does: serde_yaml 0.9
 * into Vec<TestSpec { name: Option<String>, input: serde_yaml::Value,
 * expectations: { rules: HashMap<String, String> } }>, then the input
 * converted to a Guard value (probed, docs/test-command.md):
 *  - input scalars are typed by serde_yaml's rules, not the data loader's:
 *    null/Null/NULL/~/empty, true/True/TRUE (and false), integers with
 *    0x/0o/0b forms and no leading zeros (017 is a string), u64 values
 *    above i64's range wrap, 65..128-bit integers are an error, floats as
 *    Rust parses them plus .inf/.nan forms, the rest strings;
 *  - 21 short-form tags wrap their node whatever its shape ({"Ref": x});
 *    other tags are dropped;
 *  - a duplicate key in input is an error; a non-string key aborts the run;
 *  - name and statuses are strings whatever they look like (name: 1.50
 *    prints "1.50"), a null name is no name;
 *  - aliases work; more than one document is an error.
 * The spec's structure is kept as a plain document; testspec.c checks its
 * shape. A frame stack, no recursion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc/doc_build.h"
#include "doc/utf8.h"
#include "doc/yaml_error.h"
#include "doc/yaml_scalar.h"
#include "run/testspec.h"
#include "util/hash.h"

#define CORE_TAG "tag:yaml.org,2002:"

/* What a node is to the spec, from where it stands. */
typedef enum ctx {
    CTX_TOP,    /* the document */
    CTX_CASE,   /* an item of the top list */
    CTX_EXPECT, /* a case's expectations */
    CTX_RULES,  /* expectations.rules */
    CTX_INPUT,  /* anything inside a case's input */
    CTX_NAME,   /* a case's name */
    CTX_STATUS, /* a status in rules */
    CTX_OTHER,  /* ignored fields, and anything inside a wrong shape */
} ctx;

enum { FIELD_NAME = 1, FIELD_INPUT = 2, FIELD_EXPECT = 4, FIELD_RULES = 8 };

typedef struct frame {
    gv_node *node;
    size_t mark;
    uint8_t ctx;
    uint8_t key_pending;  /* maps: a key was read, its value is next */
    uint8_t value_ctx;    /* the context of that value */
    unsigned seen;        /* known fields met (case and expectations maps) */
    const char *wrap_key; /* short-form tag: wrap the node in {key: node} */
    const char *anchor;
    const gv_key *key;
    uint32_t key_line, key_col;
    uint64_t weight;
    uint32_t items;       /* children attached so far (lists) */
} frame;

typedef struct anchor_def {
    const char *name;
    gv_node *node;
    uint64_t weight;
} anchor_def;

typedef struct reader {
    gv_builder b;
    const gv_load_opts *opts;
    gv_error *err;
    gv_spec_status st;
    const char *name;
    frame *frames;
    size_t depth, cap;
    anchor_def *anchors;
    size_t anchors_cap, anchors_len;
    uint64_t alias_nodes;
    gv_node *root;
    int docs;
} reader;

/* The case being read (1-based), 0 outside any. */
static size_t case_number(const reader *r)
{
    const frame *f = r->depth >= 2 ? &r->frames[0] : NULL;
    return f && f->ctx == CTX_TOP && f->node->kind == GV_LIST ? (size_t)f->items + 1 : 0;
}

static int fail(reader *r, gv_spec_status st, gv_errcode code, yaml_mark_t m, const char *msg)
{
    char where[48] = "";
    size_t k = case_number(r);
    if (k)
        snprintf(where, sizeof where, "test case %zu: ", k);
    r->st = st;
    gv_error_set(r->err, code, r->name, (gv_loc){ (uint32_t)m.line + 1, (uint32_t)m.column + 1 }, "%s%s", where,
                 msg);
    return 0;
}

static int nomem(reader *r)
{
    r->st = GV_SPEC_ABORT;
    gv_error_set(r->err, GV_E_NOMEM, r->name, (gv_loc){ 0, 0 }, "out of memory reading the test spec");
    return 0;
}

/* ---- serde_yaml's scalar typing ---- */

__extension__ typedef unsigned __int128 u128;

/* Digits of s in radix (none empty, no sign, no '_') into *v; *over when
 * the value needs more than 128 bits. */
static int radix_digits(const char *s, size_t n, unsigned radix, u128 *v, int *over)
{
    u128 acc = 0, lim = ~(u128)0;
    *over = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 10) : 99;
        if (d >= radix)
            return 0;
        if (acc > (lim - d) / radix)
            *over = 1;
        else
            acc = acc * radix + d;
    }
    *v = acc;
    return 1;
}

typedef enum num { NUM_NO, NUM_YES, NUM_TOO_BIG } num;

/* serde_yaml's parse_unsigned_int / parse_signed_int over u64, i64, u128
 * and i128: a value in 64 bits is an integer (u64 wraps into i64, as
 * cfn-guard casts it); one that only fits 128 bits is an error. */
static num serde_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i = 1;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            return NUM_NO;
    }
    unsigned radix = 10;
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        radix = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    } else if (gv_scalar_zero_padded(s, n)) {
        return NUM_NO;
    }
    u128 v;
    int over;
    if (!radix_digits(s + i, n - i, radix, &v, &over) || over)
        return NUM_NO; /* beyond 128 bits: maybe a float, else a string */
    u128 lim64 = neg ? (u128)1 << 63 : (u128)UINT64_MAX;
    u128 lim128 = neg ? (u128)1 << 127 : ~(u128)0;
    if (v > lim128)
        return NUM_NO;
    if (v > lim64)
        return NUM_TOO_BIG;
    *out = neg ? (int64_t)(0 - (uint64_t)v) : (int64_t)(uint64_t)v;
    return NUM_YES;
}

static int is_one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(s, *words, n) == 0)
            return 1;
    return 0;
}

static const char *const null_words[] = { "null", "Null", "NULL", "~", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

static int serde_null(const char *s, size_t n)
{
    return n == 0 || is_one_of(s, n, null_words);
}

/* serde_yaml's parse_f64: Rust's f64 grammar, finite only, plus the YAML
 * spellings of infinity and NaN. */
static int serde_float(const char *s, size_t n, double *out)
{
    static const char *const pinf[] = { ".inf", ".Inf", ".INF", NULL };
    static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
    static const char *const nan[] = { ".nan", ".NaN", ".NAN", NULL };
    const char *u = s;
    size_t un = n;
    if (n && s[0] == '+') {
        u++, un--;
        if (un && (u[0] == '+' || u[0] == '-'))
            return 0;
    }
    if (is_one_of(u, un, pinf) || is_one_of(s, n, ninf)) {
        *out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        return 1;
    }
    if (is_one_of(s, n, nan)) {
        *out = NAN;
        return 1;
    }
    double f;
    if (!gv_parse_f64(u, un, &f) || f != f || f == HUGE_VAL || f == -HUGE_VAL)
        return 0;
    *out = f;
    return 1;
}

static gv_node *new_scalar(reader *r, gv_kind k, uint32_t line, uint32_t col)
{
    return gv_node_new(r->b.doc, k, line, col);
}

/* An untagged plain scalar: null, bool, integer, float, else string. */
static gv_node *plain_scalar(reader *r, const char *s, size_t n, uint32_t line, uint32_t col, num *big)
{
    gv_node *node;
    int64_t i;
    double f;
    *big = NUM_NO;
    if (serde_null(s, n))
        return new_scalar(r, GV_NULL, line, col);
    if (is_one_of(s, n, true_words) || is_one_of(s, n, false_words)) {
        if ((node = new_scalar(r, GV_BOOL, line, col)))
            node->u.b = s[0] == 't' || s[0] == 'T';
        return node;
    }
    *big = serde_int(s, n, &i);
    if (*big == NUM_YES) {
        if ((node = new_scalar(r, GV_INT, line, col)))
            node->u.i = i;
        return node;
    }
    if (*big == NUM_TOO_BIG)
        return NULL;
    if (!gv_scalar_zero_padded(s, n) && serde_float(s, n, &f)) {
        if ((node = new_scalar(r, GV_FLOAT, line, col)))
            node->u.f = f;
        return node;
    }
    return gv_node_new_string(r->b.doc, s, n, line, col);
}

/* A scalar with a core tag (!!str, !!int, ...): the tag decides, and text
 * that does not fit it is an error. */
static gv_node *core_scalar(reader *r, const char *type, const char *s, size_t n, uint32_t line, uint32_t col,
                            int *bad)
{
    num big;
    gv_node *node;
    *bad = 0;
    if (strcmp(type, "null") == 0)
        *bad = !serde_null(s, n);
    else if (strcmp(type, "bool") == 0)
        *bad = !is_one_of(s, n, true_words) && !is_one_of(s, n, false_words);
    else if (strcmp(type, "int") == 0)
        *bad = serde_int(s, n, &(int64_t){ 0 }) != NUM_YES;
    else if (strcmp(type, "float") == 0)
        *bad = gv_scalar_zero_padded(s, n) || !serde_float(s, n, &(double){ 0 });
    else
        return gv_node_new_string(r->b.doc, s, n, line, col);
    if (*bad)
        return NULL;
    node = plain_scalar(r, s, n, line, col, &big);
    if (node && strcmp(type, "float") == 0 && node->kind == GV_INT) {
        node->u.f = (double)node->u.i;
        node->kind = GV_FLOAT;
    }
    return node;
}

/* ---- short forms ---- */

/* cfn-guard's test input conversion wraps these whatever the shape. */
static const char *wrap_key_of(const char *tag)
{
    static const char *const map[][2] = {
        { "Ref", "Ref" },           { "Condition", "Condition" },     { "GetAtt", "Fn::GetAtt" },
        { "Sub", "Fn::Sub" },       { "Base64", "Fn::Base64" },       { "GetAZs", "Fn::GetAZs" },
        { "ImportValue", "Fn::ImportValue" }, { "If", "Fn::If" },     { "Join", "Fn::Join" },
        { "Select", "Fn::Select" }, { "Split", "Fn::Split" },         { "FindInMap", "Fn::FindInMap" },
        { "Equals", "Fn::Equals" }, { "And", "Fn::And" },             { "Or", "Fn::Or" },
        { "Not", "Fn::Not" },       { "Contains", "Fn::Contains" },   { "EachMemberEquals", "Fn::EachMemberEquals" },
        { "EachMemberIn", "Fn::EachMemberIn" }, { "RefAll", "Fn::RefAll" }, { "ValueOf", "Fn::ValueOf" },
    };
    if (!tag || tag[0] != '!')
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(tag + 1, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

static gv_node *wrap(reader *r, gv_node *node, const char *key)
{
    if (!key || !node)
        return node;
    gv_doc *d = r->b.doc;
    gv_node *map = gv_node_new(d, GV_MAP, node->line, node->col);
    const gv_key *k = gv_doc_intern(d, key, strlen(key));
    size_t mark = r->b.mlen;
    const gv_member *dup;
    if (!map || !k || !gv_builder_push_member(&r->b, k, node, node->line, node->col) ||
        gv_builder_finish_map(&r->b, map, mark, GV_DUP_LAST_WINS, &dup) <= 0)
        return NULL;
    return map;
}

/* ---- anchors ---- */

static anchor_def *anchor_slot(reader *r, const char *name)
{
    size_t mask = r->anchors_cap - 1, j = (size_t)gv_hash(name, strlen(name)) & mask;
    while (r->anchors[j].name && strcmp(r->anchors[j].name, name) != 0)
        j = (j + 1) & mask;
    return &r->anchors[j];
}

static int anchor_put(reader *r, const char *name, gv_node *node, uint64_t weight)
{
    if ((r->anchors_len + 1) * 2 > r->anchors_cap) {
        size_t old_cap = r->anchors_cap, cap = old_cap ? old_cap * 2 : 16;
        anchor_def *old = r->anchors, *t = calloc(cap, sizeof *t);
        if (!t)
            return 0;
        r->anchors = t;
        r->anchors_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].name)
                *anchor_slot(r, old[i].name) = old[i];
        free(old);
    }
    anchor_def *a = anchor_slot(r, name);
    if (!a->name)
        r->anchors_len++;
    *a = (anchor_def){ name, node, weight };
    return 1;
}

/* ---- where a node stands ---- */

static frame *top(reader *r)
{
    return r->depth ? &r->frames[r->depth - 1] : NULL;
}

/* The context of the next node: a value (or item) of the open frame. */
static ctx next_ctx(reader *r)
{
    frame *f = top(r);
    if (!f)
        return CTX_TOP;
    if (f->node->kind == GV_MAP)
        return (ctx)f->value_ctx;
    if (f->ctx == CTX_TOP)
        return CTX_CASE;
    return f->ctx == CTX_INPUT ? CTX_INPUT : CTX_OTHER;
}

/* Whether the next node is a mapping key. */
static int next_is_key(reader *r)
{
    frame *f = top(r);
    return f && f->node->kind == GV_MAP && !f->key_pending;
}

static const char *kind_phrase(gv_kind k)
{
    switch (k) {
    case GV_NULL: return "null";
    case GV_BOOL: return "a boolean";
    case GV_INT: return "an integer";
    case GV_FLOAT: return "a float";
    case GV_LIST: return "a sequence";
    case GV_MAP: return "a mapping";
    default: return "a string";
    }
}

static unsigned field_of(ctx c, const gv_key *k, ctx *value_ctx)
{
    static const struct { ctx in; const char *name; unsigned bit; ctx value; } fields[] = {
        { CTX_CASE, "name", FIELD_NAME, CTX_NAME },
        { CTX_CASE, "input", FIELD_INPUT, CTX_INPUT },
        { CTX_CASE, "expectations", FIELD_EXPECT, CTX_EXPECT },
        { CTX_EXPECT, "rules", FIELD_RULES, CTX_RULES },
    };
    *value_ctx = c == CTX_INPUT ? CTX_INPUT : c == CTX_RULES ? CTX_STATUS : CTX_OTHER;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (fields[i].in == c && strcmp(k->str, fields[i].name) == 0) {
            *value_ctx = fields[i].value;
            return fields[i].bit;
        }
    return 0;
}

/* A node read where a key goes. In input a key must be a string (cfn-guard
 * aborts on any other); elsewhere serde reads the key as text. */
static int take_key(reader *r, gv_node *node, yaml_mark_t m)
{
    frame *f = top(r);
    if (node->kind != GV_STRING) {
        char msg[128];
        snprintf(msg, sizeof msg, "expected a string mapping key%s, found %s",
                 f->ctx == CTX_INPUT ? " in input" : "", kind_phrase((gv_kind)node->kind));
        return fail(r, f->ctx == CTX_INPUT ? GV_SPEC_ABORT : GV_SPEC_BAD, GV_E_SPEC, m, msg);
    }
    if (!(f->key = gv_doc_intern(r->b.doc, node->u.s, node->len)))
        return nomem(r);
    f->key_line = node->line;
    f->key_col = node->col;
    ctx value;
    unsigned bit = field_of((ctx)f->ctx, f->key, &value);
    if (bit & f->seen) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected '%s' once in a %s, found it again", f->key->str,
                 f->ctx == CTX_CASE ? "test case" : "expectations mapping");
        return fail(r, GV_SPEC_BAD, GV_E_SPEC, m, msg);
    }
    f->seen |= bit;
    f->value_ctx = (uint8_t)value;
    f->key_pending = 1;
    return 1;
}

/* Hands a finished node to its parent, or makes it the root. */
static int attach(reader *r, gv_node *node, uint64_t weight, yaml_mark_t m)
{
    frame *f = top(r);
    if (!f) {
        r->root = node;
        return 1;
    }
    f->weight += weight;
    if (f->node->kind == GV_LIST) {
        f->items++;
        return gv_builder_push_item(&r->b, node) || nomem(r);
    }
    if (!f->key_pending)
        return take_key(r, node, m);
    f->key_pending = 0;
    return gv_builder_push_member(&r->b, f->key, node, f->key_line, f->key_col) || nomem(r);
}

/* ---- events ---- */

static gv_node *text_scalar(reader *r, const yaml_event_t *e, uint32_t line, uint32_t col, int *bad)
{
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    /* serde's Option: a plain (or !!null) null spelling is no name */
    int null_tag = tag && strcmp(tag, CORE_TAG "null") == 0;
    ctx c = next_ctx(r);
    if (c == CTX_NAME && !next_is_key(r) && ((plain && !tag) || null_tag) && serde_null(s, n))
        return new_scalar(r, GV_NULL, line, col);
    if (c == CTX_NAME && !next_is_key(r) && null_tag) {
        *bad = 1; /* serde's Option refuses a !!null that is not null */
        return NULL;
    }
    /* where a mapping or list belongs, typed only to say what stands there */
    num big;
    if (c != CTX_NAME && c != CTX_STATUS && !next_is_key(r) && plain) {
        gv_node *node = plain_scalar(r, s, n, line, col, &big);
        if (node || big != NUM_TOO_BIG)
            return node;
    }
    return gv_node_new_string(r->b.doc, s, n, line, col);
}

static int scalar_error(reader *r, const yaml_event_t *e, int bad)
{
    char msg[200];
    if (bad)
        snprintf(msg, sizeof msg, "expected a value of type %s, found '%.80s'",
                 (const char *)e->data.scalar.tag + sizeof CORE_TAG - 1, (const char *)e->data.scalar.value);
    else
        snprintf(msg, sizeof msg, "expected an integer of at most 64 bits, found '%.80s'",
                 (const char *)e->data.scalar.value);
    return fail(r, GV_SPEC_BAD, GV_E_SPEC, e->start_mark, msg);
}

static gv_node *input_scalar(reader *r, const yaml_event_t *e, uint32_t line, uint32_t col, int *bad)
{
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    num big = NUM_NO;
    gv_node *node;
    *bad = 0;
    if (tag && strncmp(tag, CORE_TAG, sizeof CORE_TAG - 1) == 0)
        return core_scalar(r, tag + sizeof CORE_TAG - 1, s, n, line, col, bad);
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) /* any other tag: typed as if untagged */
        node = plain_scalar(r, s, n, line, col, &big);
    else
        node = gv_node_new_string(r->b.doc, s, n, line, col);
    if (!node && big == NUM_TOO_BIG)
        *bad = -1;
    return wrap(r, node, wrap_key_of(tag));
}

static int on_scalar(reader *r, const yaml_event_t *e)
{
    uint32_t line = (uint32_t)e->start_mark.line + 1, col = (uint32_t)e->start_mark.column + 1;
    int bad = 0;
    int typed = next_is_key(r) ? top(r)->ctx == CTX_INPUT : next_ctx(r) == CTX_INPUT;
    gv_node *node = typed ? input_scalar(r, e, line, col, &bad) : text_scalar(r, e, line, col, &bad);
    if (!node)
        return bad ? scalar_error(r, e, bad > 0) : nomem(r);
    uint64_t weight = node->kind == GV_MAP ? 2 : 1;
    if (e->data.scalar.anchor) {
        char *a = gv_arena_strdup(gv_doc_arena(r->b.doc), (const char *)e->data.scalar.anchor);
        if (!a || !anchor_put(r, a, node, weight))
            return nomem(r);
    }
    return attach(r, node, weight, e->start_mark);
}

static int on_start(reader *r, const yaml_event_t *e, int is_map)
{
    char msg[128];
    if (next_is_key(r)) {
        snprintf(msg, sizeof msg, "expected a string mapping key%s, found %s",
                 top(r)->ctx == CTX_INPUT ? " in input" : "", is_map ? "a mapping" : "a sequence");
        return fail(r, top(r)->ctx == CTX_INPUT ? GV_SPEC_ABORT : GV_SPEC_BAD, GV_E_SPEC, e->start_mark, msg);
    }
    if (r->depth >= r->opts->max_depth) {
        snprintf(msg, sizeof msg, "expected at most %u levels of nesting, found more", r->opts->max_depth);
        return fail(r, GV_SPEC_BAD, GV_E_LIMIT, e->start_mark, msg);
    }
    if (r->depth == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        frame *p = realloc(r->frames, cap * sizeof *p);
        if (!p)
            return nomem(r);
        r->frames = p;
        r->cap = cap;
    }
    ctx c = next_ctx(r);
    const char *tag = (const char *)(is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag);
    const yaml_char_t *anchor = is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    frame *f = &r->frames[r->depth++];
    memset(f, 0, sizeof *f);
    f->ctx = (uint8_t)c;
    f->node = gv_node_new(r->b.doc, is_map ? GV_MAP : GV_LIST, (uint32_t)e->start_mark.line + 1,
                          (uint32_t)e->start_mark.column + 1);
    f->mark = is_map ? r->b.mlen : r->b.ilen;
    f->weight = 1;
    f->wrap_key = c == CTX_INPUT ? wrap_key_of(tag) : NULL;
    if (anchor && !(f->anchor = gv_arena_strdup(gv_doc_arena(r->b.doc), (const char *)anchor)))
        return nomem(r);
    return f->node ? 1 : nomem(r);
}

static int on_end(reader *r, const yaml_event_t *e)
{
    frame f = r->frames[--r->depth];
    gv_node *node = f.node;
    if (node->kind == GV_LIST) {
        if (!gv_builder_finish_list(&r->b, node, f.mark))
            return nomem(r);
    } else {
        const gv_member *dup = NULL;
        int rc = gv_builder_finish_map(&r->b, node, f.mark, f.ctx == CTX_INPUT ? GV_DUP_ERROR : GV_DUP_LAST_WINS,
                                       &dup);
        if (rc < 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "expected each key once in a mapping of input, found '%.80s' again",
                     dup->key->str);
            yaml_mark_t m = { 0, dup->line - 1, dup->col - 1 };
            return fail(r, GV_SPEC_BAD, GV_E_SPEC, m, msg);
        }
        if (rc == 0)
            return nomem(r);
    }
    if (f.wrap_key) {
        if (!(node = wrap(r, node, f.wrap_key)))
            return nomem(r);
        f.weight++;
    }
    if (f.anchor && !anchor_put(r, f.anchor, node, f.weight))
        return nomem(r);
    return attach(r, node, f.weight, e->start_mark);
}

static int on_alias(reader *r, const yaml_event_t *e)
{
    const char *name = (const char *)e->data.alias.anchor;
    anchor_def *a = r->anchors_cap ? anchor_slot(r, name) : NULL;
    char msg[200];
    if (!a || !a->name) {
        snprintf(msg, sizeof msg, "expected an anchor defined before its alias, found '*%.100s'", name);
        return fail(r, GV_SPEC_BAD, GV_E_SPEC, e->start_mark, msg);
    }
    r->alias_nodes += a->weight;
    if (r->alias_nodes > r->opts->max_alias_nodes) {
        snprintf(msg, sizeof msg, "expected aliases to expand to at most %llu nodes, found more",
                 (unsigned long long)r->opts->max_alias_nodes);
        return fail(r, GV_SPEC_BAD, GV_E_LIMIT, e->start_mark, msg);
    }
    return attach(r, a->node, a->weight, e->start_mark);
}

/* Returns 1 to go on, 0 on error, 2 at the end of the stream. */
static int on_event(reader *r, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return on_scalar(r, e);
    case YAML_SEQUENCE_START_EVENT: return on_start(r, e, 0);
    case YAML_MAPPING_START_EVENT: return on_start(r, e, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_end(r, e);
    case YAML_ALIAS_EVENT: return on_alias(r, e);
    case YAML_DOCUMENT_START_EVENT:
        if (r->docs++ == 0)
            return 1;
        return fail(r, GV_SPEC_BAD, GV_E_SPEC, e->start_mark, "expected one YAML document, found a second");
    case YAML_STREAM_END_EVENT: return 2;
    default: return 1;
    }
}

gv_doc *gv_testspec_parse(const char *name, const char *text, size_t len, const gv_load_opts *o,
                          gv_spec_status *st, gv_error *err)
{
    size_t bad = gv_utf8_check(text, len);
    if (bad < len) {
        *st = GV_SPEC_BAD;
        gv_error_set(err, GV_E_SPEC, name, gv_text_loc(text, len, bad), "expected UTF-8 text, found byte 0x%02x",
                     (unsigned char)text[bad]);
        return NULL;
    }
    yaml_parser_t parser;
    gv_doc *d = gv_doc_new(name);
    reader r = { .opts = o, .err = err, .name = name, .st = GV_SPEC_OK };
    *st = GV_SPEC_ABORT;
    if (!d || !yaml_parser_initialize(&parser)) {
        gv_doc_free(d);
        gv_error_set(err, GV_E_NOMEM, name, (gv_loc){ 0, 0 }, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    /* Set, not detected, as serde_yaml does: a leading BOM then stands as
     * one column, which breaks block indentation but not JSON (probed). */
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    gv_builder_init(&r.b, d);
    int rc;
    do {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            gv_yaml_error(err, name, text, len, &parser);
            size_t k = case_number(&r);
            int bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0;
            char msg[sizeof err->msg], where[48] = "";
            if (k)
                snprintf(where, sizeof where, "test case %zu: ", k);
            snprintf(msg, sizeof msg, "%s", err->msg);
            gv_error_set(err, err->code, name, err->loc, "%s%s%s", where, msg,
                         bom ? " (the file starts with a byte-order mark, which shifts its first line by a column"
                               " for cfn-guard's YAML reader too)"
                             : "");
            r.st = GV_SPEC_BAD;
            rc = 0;
            break;
        }
        rc = on_event(&r, &e);
        yaml_event_delete(&e);
    } while (rc == 1);
    yaml_parser_delete(&parser);
    gv_builder_free(&r.b);
    free(r.frames);
    free(r.anchors);
    if (rc == 0) {
        *st = r.st;
        gv_doc_free(d);
        return NULL;
    }
    d->root = r.root;
    *st = GV_SPEC_OK;
    return d;
}
