/* A small JSON value tree, rendered as serde_json pretty JSON or serde_yaml
 * YAML: the test command's reports are built as one (the validate reports
 * are written as they are walked, report/jwrite.h, and checked against
 * these renderers). Everything lives in one arena. */
#ifndef GV_JTREE_H
#define GV_JTREE_H

#include <stddef.h>
#include <stdint.h>

#include "doc/doc.h"
#include "util/arena.h"
#include "util/buf.h"

typedef enum gv_jt_kind {
    GV_JT_NULL, GV_JT_BOOL, GV_JT_STR, GV_JT_ARR, GV_JT_OBJ,
    GV_JT_DOC, /* a document or literal value, rendered as its JSON */
} gv_jt_kind;

typedef struct gv_jt {
    uint8_t kind;
    uint32_t len;             /* STR bytes */
    size_t keylen;
    const char *key;          /* the member name inside an object */
    union {                   /* by kind */
        int b;
        const char *s;        /* STR bytes */
        const gv_node *doc;   /* DOC */
    };
    struct gv_jt *first, *last, *next;
} gv_jt;

/* Builders: a failed allocation sets *oom on the builder and returns NULL;
 * adding NULL is a no-op, so building goes on and the caller checks once. */
typedef struct gv_jb {
    gv_arena *a;
    int oom;
    gv_buf tmp;   /* scratch text, reused (its owner frees it) */
} gv_jb;

gv_jt *gv_jt_null(gv_jb *b);
gv_jt *gv_jt_bool(gv_jb *b, int v);
gv_jt *gv_jt_str(gv_jb *b, const char *s);              /* copied */
gv_jt *gv_jt_strn(gv_jb *b, const char *s, size_t len);  /* copied */
gv_jt *gv_jt_doc(gv_jb *b, const gv_node *n);            /* NULL node: null */
gv_jt *gv_jt_arr(gv_jb *b);
gv_jt *gv_jt_obj(gv_jb *b);
/* Appends v to array arr, or as member `key` of object obj. Returns v.
 * Keys are not copied and are written as they are, unescaped: names of
 * the report's shape (C literals), never data. */
gv_jt *gv_jt_push(gv_jt *arr, gv_jt *v);
gv_jt *gv_jt_set(gv_jt *obj, const char *key, gv_jt *v);

/* serde_json's to_string_pretty: two-space indent, no trailing newline. */
void gv_jt_render_json(gv_buf *out, const gv_jt *v);
/* The same for a value standing at depth (nesting level) of a larger
 * document written piece by piece; its first line is not indented. */
void gv_jt_render_json_at(gv_buf *out, const gv_jt *v, int depth);
/* serde_yaml's to_string: block style, newline-terminated. */
void gv_jt_render_yaml(gv_buf *out, const gv_jt *v);

#endif
