/* YAML loader on libyaml's event API. An explicit frame stack instead of
 * recursion; anchors are kept by name and aliases share the anchored node
 * (no copy), with the size of what they expand to counted against a limit
 * so a "billion laughs" document fails fast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "doc/loaders.h"
#include "doc/yaml_scalar.h"
#include "util/hash.h"

typedef struct frame {
    gv_node *node;
    size_t mark;            /* scratch-stack position where its children start */
    uint64_t weight;        /* nodes in its expansion, aliases included */
    const char *tag;        /* arena copy, or NULL */
    const char *anchor;     /* arena copy, or NULL */
    const gv_key *key;      /* maps: key read, value pending */
    uint32_t key_line, key_col;
} frame;

typedef struct anchor {
    const char *name;
    gv_node *node;
    uint64_t weight;
} anchor;

typedef struct yaml_ctx {
    gv_builder b;
    const gv_load_opts *opts;
    gv_error *err;
    const char *name;
    frame *frames;
    size_t depth, cap;
    anchor *anchors;        /* open addressing by name hash */
    size_t anchors_cap, anchors_len;
    uint64_t alias_nodes;
    gv_node *root;
    int docs;
} yaml_ctx;

static gv_loc mark_loc(yaml_mark_t m)
{
    gv_loc l = { (uint32_t)m.line + 1, (uint32_t)m.column + 1 };
    return l;
}

static int fail(yaml_ctx *c, gv_errcode code, yaml_mark_t m, const char *fmt, const char *arg)
{
    gv_error_set(c->err, code, c->name, mark_loc(m), fmt, arg);
    return 0;
}

static int nomem(yaml_ctx *c)
{
    gv_error_set(c->err, GV_E_NOMEM, c->name, (gv_loc){ 0, 0 }, "out of memory loading YAML");
    return 0;
}

static anchor *anchor_slot(yaml_ctx *c, const char *name)
{
    size_t mask = c->anchors_cap - 1, j = (size_t)gv_hash(name, strlen(name)) & mask;
    while (c->anchors[j].name && strcmp(c->anchors[j].name, name) != 0)
        j = (j + 1) & mask;
    return &c->anchors[j];
}

static int anchor_put(yaml_ctx *c, const char *name, gv_node *node, uint64_t weight)
{
    if ((c->anchors_len + 1) * 2 > c->anchors_cap) {
        size_t old_cap = c->anchors_cap, cap = old_cap ? old_cap * 2 : 16;
        anchor *old = c->anchors;
        c->anchors = calloc(cap, sizeof *old);
        if (!c->anchors) {
            c->anchors = old;
            return 0;
        }
        c->anchors_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].name)
                *anchor_slot(c, old[i].name) = old[i];
        free(old);
    }
    anchor *a = anchor_slot(c, name);
    if (!a->name)
        c->anchors_len++;
    a->name = name; /* a redefined anchor replaces the old one, as YAML says */
    a->node = node;
    a->weight = weight;
    return 1;
}

/* Wraps node in {key: node} per the short-form tag, if the tag asks. */
static gv_node *apply_tag(yaml_ctx *c, gv_node *node, const char *tag, gv_tag_shape shape)
{
    const char *key = NULL;
    gv_tag_action act = gv_yaml_tag_action(tag, shape, c->opts->shortform, &key);
    if (act == GV_TAG_KEEP)
        return node;
    gv_doc *d = c->b.doc;
    if (act == GV_TAG_WRAP_SPLIT) {
        const char *dot = memchr(node->u.s, '.', node->len);
        if (dot) {
            size_t mark = c->b.ilen;
            size_t first = (size_t)(dot - node->u.s);
            gv_node *a = gv_node_new_string(d, node->u.s, first, node->line, node->col);
            gv_node *b = gv_node_new_string(d, dot + 1, node->len - first - 1, node->line, node->col);
            gv_node *list = gv_node_new(d, GV_LIST, node->line, node->col);
            if (!a || !b || !list || !gv_builder_push_item(&c->b, a) ||
                !gv_builder_push_item(&c->b, b) || !gv_builder_finish_list(&c->b, list, mark))
                return NULL;
            node = list;
        }
    }
    gv_node *map = gv_node_new(d, GV_MAP, node->line, node->col);
    const gv_key *k = gv_doc_intern(d, key, strlen(key));
    size_t mark = c->b.mlen;
    if (!map || !k || !gv_builder_push_member(&c->b, k, node, node->line, node->col))
        return NULL;
    const gv_member *dup;
    return gv_builder_finish_map(&c->b, map, mark, GV_YAML_DUPKEYS, &dup) > 0 ? map : NULL;
}

/* Hands a finished node to its parent (or makes it the root). */
static int attach(yaml_ctx *c, gv_node *node, uint64_t weight, yaml_mark_t m)
{
    if (c->depth == 0) {
        if (c->docs == 1)
            c->root = node; /* later documents in a stream are not evaluated */
        return 1;
    }
    frame *f = &c->frames[c->depth - 1];
    f->weight += weight;
    if (f->node->kind == GV_LIST)
        return gv_builder_push_item(&c->b, node) || nomem(c);
    if (!f->key) {
        if (node->kind != GV_STRING && node->kind > GV_FLOAT)
            return fail(c, GV_E_DATA, m, "expected a scalar mapping key, found a %s", gv_kind_name(node->kind));
        const char *s = node->kind == GV_STRING ? node->u.s : NULL;
        size_t n = node->len;
        char tmp[64];
        if (!s) { /* non-string scalar key: its text is the key */
            s = tmp;
            switch (node->kind) {
            case GV_NULL: s = "null"; break;
            case GV_BOOL: s = node->u.b ? "true" : "false"; break;
            case GV_INT: snprintf(tmp, sizeof tmp, "%lld", (long long)node->u.i); break;
            default: snprintf(tmp, sizeof tmp, "%.17g", node->u.f); break;
            }
            n = strlen(s);
        }
        f->key = gv_doc_intern(c->b.doc, s, n);
        f->key_line = node->line;
        f->key_col = node->col;
        return f->key ? 1 : nomem(c);
    }
    int ok = gv_builder_push_member(&c->b, f->key, node, f->key_line, f->key_col);
    f->key = NULL;
    return ok || nomem(c);
}

static char *copy_str(yaml_ctx *c, const yaml_char_t *s)
{
    return s ? gv_arena_strdup(gv_doc_arena(c->b.doc), (const char *)s) : NULL;
}

static int on_scalar(yaml_ctx *c, const yaml_event_t *e)
{
    yaml_mark_t m = e->start_mark;
    gv_loc l = mark_loc(m);
    const char *v = (const char *)e->data.scalar.value;
    size_t len = e->data.scalar.length;
    const char *tag = (const char *)e->data.scalar.tag;
    gv_node *node;
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag)
        node = gv_yaml_plain_scalar(c->b.doc, v, len, l.line, l.col);
    else
        node = gv_node_new_string(c->b.doc, v, len, l.line, l.col);
    if (node && tag)
        node = apply_tag(c, node, tag, GV_SHAPE_SCALAR);
    if (!node)
        return nomem(c);
    uint64_t weight = node->kind == GV_MAP ? 2 : 1;
    if (e->data.scalar.anchor) {
        char *a = copy_str(c, e->data.scalar.anchor);
        if (!a || !anchor_put(c, a, node, weight))
            return nomem(c);
    }
    return attach(c, node, weight, m);
}

static int on_start(yaml_ctx *c, const yaml_event_t *e, int is_map)
{
    yaml_mark_t m = e->start_mark;
    if (c->depth >= c->opts->max_depth) {
        char lim[32];
        snprintf(lim, sizeof lim, "%u", c->opts->max_depth);
        return fail(c, GV_E_LIMIT, m, "nesting deeper than the limit of %s levels", lim);
    }
    if (c->depth && !c->frames[c->depth - 1].key && c->frames[c->depth - 1].node->kind == GV_MAP)
        return fail(c, GV_E_DATA, m, "expected a scalar mapping key, found a %s", is_map ? "mapping" : "sequence");
    if (c->depth == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        frame *p = realloc(c->frames, cap * sizeof *p);
        if (!p)
            return nomem(c);
        c->frames = p;
        c->cap = cap;
    }
    gv_loc l = mark_loc(m);
    frame *f = &c->frames[c->depth++];
    memset(f, 0, sizeof *f);
    f->node = gv_node_new(c->b.doc, is_map ? GV_MAP : GV_LIST, l.line, l.col);
    f->mark = is_map ? c->b.mlen : c->b.ilen;
    f->weight = 1;
    f->tag = copy_str(c, is_map ? e->data.mapping_start.tag : e->data.sequence_start.tag);
    f->anchor = copy_str(c, is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor);
    return f->node ? 1 : nomem(c);
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
        int r = gv_builder_finish_map(&c->b, node, f.mark, GV_YAML_DUPKEYS, &dup);
        if (r < 0) {
            gv_error_set(c->err, GV_E_DATA, c->name, (gv_loc){ dup->line, dup->col },
                         "duplicate key '%s' in a mapping", dup->key->str);
            return 0;
        }
        if (r == 0)
            return nomem(c);
    }
    if (f.tag) {
        node = apply_tag(c, node, f.tag, node->kind == GV_LIST ? GV_SHAPE_SEQ : GV_SHAPE_MAP);
        if (!node)
            return nomem(c);
    }
    if (f.anchor && !anchor_put(c, f.anchor, node, f.weight))
        return nomem(c);
    return attach(c, node, f.weight, e->start_mark);
}

static int on_alias(yaml_ctx *c, const yaml_event_t *e)
{
    const char *name = (const char *)e->data.alias.anchor;
    anchor *a = c->anchors_cap ? anchor_slot(c, name) : NULL;
    if (!a || !a->name)
        return fail(c, GV_E_DATA, e->start_mark, "expected a defined anchor, found alias '*%s'", name);
    c->alias_nodes += a->weight;
    if (c->alias_nodes > c->opts->max_alias_nodes) {
        char lim[32];
        snprintf(lim, sizeof lim, "%llu", (unsigned long long)c->opts->max_alias_nodes);
        return fail(c, GV_E_LIMIT, e->start_mark,
                    "aliases expand to more than the limit of %s nodes", lim);
    }
    return attach(c, a->node, a->weight, e->start_mark);
}

static int on_event(yaml_ctx *c, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_DOCUMENT_START_EVENT: c->docs++; return 1;
    case YAML_SCALAR_EVENT: return on_scalar(c, e);
    case YAML_SEQUENCE_START_EVENT: return on_start(c, e, 0);
    case YAML_MAPPING_START_EVENT: return on_start(c, e, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return on_end(c, e);
    case YAML_ALIAS_EVENT: return on_alias(c, e);
    default: return 1;
    }
}

static void parser_error(yaml_ctx *c, const yaml_parser_t *p)
{
    const char *what = p->problem ? p->problem : "malformed YAML";
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        /* reader errors carry a byte offset, not a line */
        gv_error_set(c->err, GV_E_DATA, c->name, (gv_loc){ 0, 0 },
                     "expected UTF-8 text, found %s at byte %zu", what, p->problem_offset);
        return;
    }
    if (p->context)
        gv_error_set(c->err, GV_E_DATA, c->name, mark_loc(m), "invalid YAML: %s %s", p->context, what);
    else
        gv_error_set(c->err, GV_E_DATA, c->name, mark_loc(m), "invalid YAML: %s", what);
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
    yaml_ctx c = { 0 };
    gv_builder_init(&c.b, d);
    c.opts = o;
    c.err = err;
    c.name = gv_doc_name(d);
    int ok = 1, done = 0;
    while (ok && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            parser_error(&c, &parser);
            ok = 0;
            break;
        }
        ok = on_event(&c, &e);
        done = e.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    gv_builder_free(&c.b);
    free(c.frames);
    free(c.anchors);
    if (!ok)
        return NULL;
    if (!c.root) /* empty stream: an empty document */
        c.root = gv_node_new(d, GV_MAP, 0, 0);
    return c.root;
}
