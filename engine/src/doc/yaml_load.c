/* YAML loader on libyaml's event API, reading data the way cfn-guard 3.1.1
 * does (docs/oracle-notes/loading.md): the first document only, scalars
 * typed like Rust's str::parse, string keys only, short-form tags wrapped.
 * An explicit frame stack instead of recursion. Anchors are kept by name and
 * aliases share the anchored node (no copy); the size and depth of what
 * they expand to are counted against the limits, so a "billion laughs"
 * document fails fast. Aliases are a gavel extension: cfn-guard rejects them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc/loaders.h"
#include "doc/utf8.h"
#include "doc/yaml_error.h"
#include "doc/yaml_scalar.h"
#include "util/hash.h"

/* cfn-guard's libyaml drops a pending implicit key once the ':' is more
 * than this many bytes past the key's start (C libyaml counts characters). */
#define GV_SIMPLE_KEY_BYTES 1024

typedef struct frame {
    gv_node *node;
    size_t mark;            /* scratch-stack position where its children start */
    uint64_t weight;        /* nodes in its expansion, aliases included */
    uint32_t height;        /* collection levels, itself included */
    gv_tag_action wrap;     /* what its short-form tag does */
    const char *wrap_key;
    const char *anchor;     /* arena copy, or NULL */
    const gv_key *key;      /* maps: key read, value pending */
    uint32_t key_line, key_col;
    yaml_mark_t key_start, key_end;
} frame;

typedef struct anchor_def {
    const char *name;
    gv_node *node;
    uint64_t weight;
    uint32_t height;
} anchor_def;

typedef struct yaml_ctx {
    gv_builder b;
    const gv_load_opts *opts;
    gv_error *err;
    const char *name;
    const char *text;
    size_t len;
    frame *frames;
    size_t depth, cap;
    anchor_def *anchors;        /* open addressing by name hash */
    size_t anchors_cap, anchors_len;
    uint64_t alias_nodes;
    gv_node *root;
    size_t cur_index, cur_off; /* a character index and its byte offset */
    /* a mapping key's scalar is typed here, then interned into the
     * document and dropped (a template has a key per value: in the
     * document they took a third of its memory) */
    gv_doc *key_scratch;
} yaml_ctx;

static gv_loc mark_loc(yaml_mark_t m)
{
    gv_loc l = { (uint32_t)m.line + 1, (uint32_t)m.column + 1 };
    return l;
}

static int nomem(yaml_ctx *c)
{
    gv_error_set(c->err, GV_E_NOMEM, c->name, (gv_loc){ 0, 0 }, "out of memory loading YAML");
    return 0;
}

static int fail_at(yaml_ctx *c, gv_errcode code, gv_loc l, const char *msg)
{
    gv_error_set(c->err, code, c->name, l, "%s", msg);
    return 0;
}

/* ---- anchors ---- */

static anchor_def *anchor_slot(yaml_ctx *c, const char *name)
{
    size_t mask = c->anchors_cap - 1, j = (size_t)gv_hash(name, strlen(name)) & mask;
    while (c->anchors[j].name && strcmp(c->anchors[j].name, name) != 0)
        j = (j + 1) & mask;
    return &c->anchors[j];
}

static int anchors_grow(yaml_ctx *c)
{
    size_t old_cap = c->anchors_cap, cap = old_cap ? old_cap * 2 : 16;
    anchor_def *old = c->anchors;
    anchor_def *t = calloc(cap, sizeof *t);
    if (!t)
        return 0;
    c->anchors = t;
    c->anchors_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].name)
            *anchor_slot(c, old[i].name) = old[i];
    free(old);
    return 1;
}

static int anchor_put(yaml_ctx *c, const char *name, gv_node *node, uint64_t weight,
                      uint32_t height)
{
    if ((c->anchors_len + 1) * 2 > c->anchors_cap && !anchors_grow(c))
        return 0;
    anchor_def *a = anchor_slot(c, name);
    if (!a->name)
        c->anchors_len++;
    /* a redefined anchor replaces the old one, as YAML says */
    *a = (anchor_def){ name, node, weight, height };
    return 1;
}

/* ---- short forms ---- */

static gv_node *split_getatt(yaml_ctx *c, gv_node *node)
{
    const char *dot = node->kind == GV_STRING ? memchr(node->u.s, '.', node->len) : NULL;
    if (!dot)
        return node;
    gv_doc *d = c->b.doc;
    size_t mark = c->b.ilen, first = (size_t)(dot - node->u.s);
    gv_node *res = gv_node_new_string(d, node->u.s, first, node->line, node->col);
    gv_node *attr = gv_node_new_string(d, dot + 1, node->len - first - 1, node->line, node->col);
    gv_node *list = gv_node_new(d, GV_LIST, node->line, node->col);
    if (!res || !attr || !list || !gv_builder_push_item(&c->b, res) ||
        !gv_builder_push_item(&c->b, attr) || !gv_builder_finish_list(&c->b, list, mark))
        return NULL;
    return list;
}

/* Wraps node in {key: node}; the wrapper takes the node's (the tag's) mark. */
static gv_node *wrap(yaml_ctx *c, gv_node *node, gv_tag_action act, const char *key)
{
    if (act == GV_TAG_KEEP)
        return node;
    if (act == GV_TAG_WRAP_SPLIT && !(node = split_getatt(c, node)))
        return NULL;
    gv_doc *d = c->b.doc;
    gv_node *map = gv_node_new(d, GV_MAP, node->line, node->col);
    const gv_key *k = gv_doc_intern(d, key, strlen(key));
    size_t mark = c->b.mlen;
    if (!map || !k || !gv_builder_push_member(&c->b, k, node, node->line, node->col))
        return NULL;
    const gv_member *dup;
    return gv_builder_finish_map(&c->b, map, mark, GV_YAML_DUPKEYS, &dup) > 0 ? map : NULL;
}

/* ---- keys ---- */

static size_t byte_of(yaml_ctx *c, size_t index)
{
    if (index < c->cur_index)
        c->cur_index = c->cur_off = 0;
    while (c->cur_index < index && c->cur_off < c->len) {
        c->cur_off++;
        while (c->cur_off < c->len && ((unsigned char)c->text[c->cur_off] & 0xC0) == 0x80)
            c->cur_off++;
        c->cur_index++;
    }
    return c->cur_off;
}

/* cfn-guard's libyaml measures an implicit key's reach in bytes where C
 * libyaml counts characters, so a key of many multi-byte characters that C
 * libyaml accepts fails there; reproduce that. Called when the value of
 * the pending key starts at value_start. */
static int check_key_reach(yaml_ctx *c, const frame *f, yaml_mark_t value_start)
{
    if (value_start.index - f->key_start.index < GV_SIMPLE_KEY_BYTES / 4)
        return 1; /* four bytes a character at most: cannot be too far */
    size_t start = byte_of(c, f->key_start.index), p = byte_of(c, f->key_end.index);
    while (p < c->len && (c->text[p] == ' ' || c->text[p] == '\t'))
        p++;
    if (p >= c->len || c->text[p] != ':' || p - start <= GV_SIMPLE_KEY_BYTES)
        return 1; /* explicit "? key" form, or near enough */
    char msg[160];
    snprintf(msg, sizeof msg, "expected ':' within %d bytes of the start of an implicit key, "
             "found it %zu bytes away", GV_SIMPLE_KEY_BYTES, p - start);
    return fail_at(c, GV_E_DATA, mark_loc(f->key_start), msg);
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

static int take_key(yaml_ctx *c, frame *f, gv_node *node, const yaml_mark_t *start,
                    const yaml_mark_t *end)
{
    if (node->kind != GV_STRING) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected a string mapping key, found %s", kind_phrase(node->kind));
        /* an alias is reported where it stands, not where its anchor is */
        gv_loc l = start ? mark_loc(*start) : (gv_loc){ node->line, node->col };
        return fail_at(c, GV_E_DATA, l, msg);
    }
    f->key = gv_doc_intern(c->b.doc, node->u.s, node->len);
    if (!f->key)
        return nomem(c);
    f->key_line = node->line;
    f->key_col = node->col;
    if (start && end) { /* only collections come without marks, and they are no strings */
        f->key_start = *start;
        f->key_end = *end;
    }
    return 1;
}

/* ---- building ---- */

/* Runs before any node starts: checks what its parent expects there. */
static int begin_node(yaml_ctx *c, yaml_mark_t start)
{
    if (c->depth == 0)
        return 1;
    frame *f = &c->frames[c->depth - 1];
    return f->node->kind != GV_MAP || !f->key || check_key_reach(c, f, start);
}

/* Hands a finished node to its parent (or makes it the root). start and
 * end are the node's marks when it is a scalar or an alias, else NULL. */
static int attach(yaml_ctx *c, gv_node *node, uint64_t weight, uint32_t height,
                  const yaml_mark_t *start, const yaml_mark_t *end)
{
    if (c->depth == 0) {
        c->root = node;
        return 1;
    }
    frame *f = &c->frames[c->depth - 1];
    f->weight += weight;
    if (height + 1 > f->height)
        f->height = height + 1;
    if (f->node->kind == GV_LIST)
        return gv_builder_push_item(&c->b, node) || nomem(c);
    if (!f->key)
        return take_key(c, f, node, start, end);
    int ok = gv_builder_push_member(&c->b, f->key, node, f->key_line, f->key_col);
    f->key = NULL;
    return ok || nomem(c);
}

static int on_scalar_in(yaml_ctx *c, const yaml_event_t *e, gv_doc *into);

static int scalar_error(yaml_ctx *c, gv_scalar_status st, const yaml_event_t *e)
{
    if (st == GV_SCALAR_NOMEM)
        return nomem(c);
    char msg[200];
    if (st == GV_SCALAR_BAD_NUMBER) {
        snprintf(msg, sizeof msg, "'%.80s' cannot be read: an integer beyond 64 bits, or text its tag "
                                  "does not take", (const char *)e->data.scalar.value);
        return fail_at(c, GV_E_DATA, mark_loc(e->start_mark), msg);
    }
    snprintf(msg, sizeof msg, "expected %s for tag !!%s, found '%.80s'",
             st == GV_SCALAR_BAD_INT ? "a 64-bit integer" : "a number",
             st == GV_SCALAR_BAD_INT ? "int" : "float", (const char *)e->data.scalar.value);
    return fail_at(c, GV_E_DATA, mark_loc(e->start_mark), msg);
}

/* Whether the scalar e is a mapping's key that nothing refers to later (an
 * anchored one is kept: an alias may use it). */
static int is_plain_key(const yaml_ctx *c, const yaml_event_t *e)
{
    if (c->depth == 0 || e->data.scalar.anchor || !c->key_scratch)
        return 0;
    const frame *f = &c->frames[c->depth - 1];
    return f->node->kind == GV_MAP && !f->key;
}

static int on_scalar(yaml_ctx *c, const yaml_event_t *e)
{
    if (!begin_node(c, e->start_mark))
        return 0;
    int as_key = is_plain_key(c, e);
    gv_arena *scratch = as_key ? gv_doc_arena(c->key_scratch) : NULL;
    gv_arena_mark m = scratch ? gv_arena_save(scratch) : (gv_arena_mark){ 0 };
    int r = on_scalar_in(c, e, as_key ? c->key_scratch : c->b.doc);
    if (scratch)
        gv_arena_reset(scratch, m);
    return r;
}

static int on_scalar_in(yaml_ctx *c, const yaml_event_t *e, gv_doc *into)
{
    gv_loc l = mark_loc(e->start_mark);
    const char *tag = (const char *)e->data.scalar.tag;
    gv_node *node = NULL;
    gv_scalar_status st = gv_yaml_scalar(into, c->opts->scalars, tag,
                                         e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE,
                                         (const char *)e->data.scalar.value, e->data.scalar.length,
                                         l.line, l.col, &node);
    if (st != GV_SCALAR_OK)
        return scalar_error(c, st, e);
    const char *key = NULL;
    gv_tag_action act = gv_yaml_tag_action(tag, GV_SHAPE_SCALAR, c->opts->shortform, &key);
    if (!(node = wrap(c, node, act, key)))
        return nomem(c);
    uint64_t weight = act == GV_TAG_KEEP ? 1 : 2;
    if (e->data.scalar.anchor) {
        char *a = gv_arena_strdup(gv_doc_arena(c->b.doc), (const char *)e->data.scalar.anchor);
        if (!a || !anchor_put(c, a, node, weight, 0))
            return nomem(c);
    }
    return attach(c, node, weight, 0, &e->start_mark, &e->end_mark);
}

static int frames_reserve(yaml_ctx *c)
{
    if (c->depth < c->cap)
        return 1;
    size_t cap = c->cap ? c->cap * 2 : 32;
    frame *p = realloc(c->frames, cap * sizeof *p);
    if (!p)
        return 0;
    c->frames = p;
    c->cap = cap;
    return 1;
}

static int too_deep(yaml_ctx *c, yaml_mark_t m)
{
    char msg[128];
    snprintf(msg, sizeof msg, "expected at most %u levels of nesting (--max-depth), found more",
             c->opts->max_depth);
    return fail_at(c, GV_E_LIMIT, mark_loc(m), msg);
}

static int on_start(yaml_ctx *c, const yaml_event_t *e, int is_map)
{
    yaml_mark_t m = e->start_mark;
    if (!begin_node(c, m))
        return 0;
    if (c->depth >= c->opts->max_depth)
        return too_deep(c, m);
    if (!frames_reserve(c))
        return nomem(c);
    gv_loc l = mark_loc(m);
    const char *tag = (const char *)(is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag);
    const yaml_char_t *anchor = is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    frame *f = &c->frames[c->depth++];
    memset(f, 0, sizeof *f);
    f->node = gv_node_new(c->b.doc, is_map ? GV_MAP : GV_LIST, l.line, l.col);
    f->mark = is_map ? c->b.mlen : c->b.ilen;
    f->weight = 1;
    f->height = 1;
    f->wrap = gv_yaml_tag_action(tag, is_map ? GV_SHAPE_MAP : GV_SHAPE_SEQ, c->opts->shortform,
                                 &f->wrap_key);
    if (anchor)
        f->anchor = gv_arena_strdup(gv_doc_arena(c->b.doc), (const char *)anchor);
    return f->node && (!anchor || f->anchor) ? 1 : nomem(c);
}

static int on_end(yaml_ctx *c, const yaml_event_t *e)
{
    frame f = c->frames[--c->depth];
    gv_node *node = f.node;
    if (node->kind == GV_LIST) {
        if (!gv_builder_finish_list(&c->b, node, f.mark))
            return nomem(c);
    } else {
        const gv_member *dup = NULL;
        if (gv_builder_finish_map(&c->b, node, f.mark, GV_YAML_DUPKEYS, &dup) <= 0)
            return nomem(c); /* last-wins never reports a duplicate */
    }
    if (!(node = wrap(c, node, f.wrap, f.wrap_key)))
        return nomem(c);
    if (f.anchor && !anchor_put(c, f.anchor, node, f.weight, f.height))
        return nomem(c);
    return attach(c, node, f.weight, f.height, NULL, NULL);
}

static int on_alias(yaml_ctx *c, const yaml_event_t *e)
{
    if (!begin_node(c, e->start_mark))
        return 0;
    const char *name = (const char *)e->data.alias.anchor;
    anchor_def *a = c->anchors_cap ? anchor_slot(c, name) : NULL;
    char msg[200];
    if (!a || !a->name) {
        snprintf(msg, sizeof msg, "expected an anchor defined before its alias, found '*%.100s'", name);
        return fail_at(c, GV_E_DATA, mark_loc(e->start_mark), msg);
    }
    c->alias_nodes += a->weight;
    if (c->alias_nodes > c->opts->max_alias_nodes) {
        snprintf(msg, sizeof msg, "expected aliases to expand to at most %llu nodes "
                 "(--max-alias-nodes), found more", (unsigned long long)c->opts->max_alias_nodes);
        return fail_at(c, GV_E_LIMIT, mark_loc(e->start_mark), msg);
    }
    if (c->depth + a->height > c->opts->max_depth)
        return too_deep(c, e->start_mark);
    return attach(c, a->node, a->weight, a->height, &e->start_mark, &e->end_mark);
}

/* Returns 1 to go on, 0 on error, 2 when the first document is complete. */
static int on_event(yaml_ctx *c, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: return on_scalar(c, e);
    case YAML_SEQUENCE_START_EVENT: return on_start(c, e, 0);
    case YAML_MAPPING_START_EVENT: return on_start(c, e, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_end(c, e);
    case YAML_ALIAS_EVENT: return on_alias(c, e);
    /* cfn-guard reads through the first document's end and no further:
     * what follows is never parsed, even when it is invalid */
    case YAML_DOCUMENT_END_EVENT: return 2;
    case YAML_STREAM_END_EVENT: /* only comments, or a lone BOM: no document
                                   (cfn-guard panics here: validate exits 101) */
        return fail_at(c, GV_E_PANIC, (gv_loc){ 1, 1 },
                       "expected a JSON or YAML document, found only comments");
    default: return 1;
    }
}

static int run_parser(yaml_ctx *c, yaml_parser_t *p)
{
    for (;;) {
        yaml_event_t e;
        if (!yaml_parser_parse(p, &e)) {
            gv_yaml_error(c->err, c->name, c->text, c->len, p);
            return 0;
        }
        int r = on_event(c, &e);
        yaml_event_delete(&e);
        if (r != 1)
            return r == 2;
    }
}

gv_node *gv_yaml_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        gv_error_set(err, GV_E_NOMEM, gv_doc_name(d), (gv_loc){ 0, 0 }, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    /* Set, not detected: the reader then keeps a leading BOM, which the
     * scanner skips as one column, exactly as cfn-guard's reader does. */
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    yaml_ctx c = { 0 };
    gv_builder_init(&c.b, d);
    c.opts = o;
    c.err = err;
    c.name = gv_doc_name(d);
    c.text = text;
    c.len = len;
    c.key_scratch = gv_doc_new(""); /* without it, keys are made in d */
    int ok = run_parser(&c, &parser);
    gv_doc_free(c.key_scratch);
    yaml_parser_delete(&parser);
    gv_builder_free(&c.b);
    free(c.frames);
    free(c.anchors);
    return ok ? c.root : NULL;
}
