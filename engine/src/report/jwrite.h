/* One description of a structured report's shape, two destinations: a
 * writer writes serde_json's pretty JSON or serde_yaml's YAML as it is
 * told each value (nothing is built: -z of a large template is tens of
 * megabytes, gigabytes at 10,000 resources).
 *
 * Values are given in document order; `key` names the member inside an
 * object and is NULL inside an array or for the root. Keys are names of
 * the report's shape: JSON writes them unescaped. */
#ifndef GV_JWRITE_H
#define GV_JWRITE_H

#include <string.h>

#include "doc/doc.h"
#include "util/buf.h"

typedef struct gv_jw_level {
    int32_t ind;   /* yaml: the indent of its entries */
    uint8_t any;   /* json, yaml: a member or element was written */
    uint8_t obj;
    uint8_t intro; /* yaml: what it stands after (root, key or dash) */
} gv_jw_level;

/* JSON: the escaped text of strings that do not change while the report
 * is written (see gv_jw_const_k), by address. */
typedef struct gv_jw_kept {
    const char *s;
    uint32_t off, len; /* in gv_jw.escaped, quotes included */
} gv_jw_kept;
#define GV_JW_CONSTS 256

/* A template's variable parts: while a gv_jw's holes is set, the writer
 * notes where in out stands the value of each gv_jw_hole_str_k string and
 * of each gv_jw_doc_k of holes->node, so that a caller can copy the rest
 * and write only those again (gv_jw_refill_str, gv_jw_refill_doc), at the
 * same place in the same state of the writer. */
#define GV_JW_HOLES 4
typedef struct gv_jw_hole {
    size_t from, to; /* in out */
    int depth;       /* json: the depth the value stood at; yaml: the indent it was written with */
    uint8_t node;    /* 1: holes->node's value; 0: a gv_jw_hole_str_k string */
    uint8_t dash;    /* yaml: the value stood after "- " */
} gv_jw_hole;

typedef struct gv_jw_holes {
    const gv_node *node;
    uint32_t n;
    uint8_t overflow; /* more than GV_JW_HOLES: not a usable template */
    gv_jw_hole at[GV_JW_HOLES];
} gv_jw_holes;

typedef struct gv_jw {
    gv_buf *out;
    int yaml;      /* out takes YAML, else JSON */
    int probe;     /* nothing is written: the values are only looked at */
    int nonfinite; /* probe: a document value held an infinity or a NaN */
    int depth;     /* json: the nesting level of the root value */
    uint32_t n, cap, lost;
    gv_jw_level *lv, small[32];
    gv_buf tmp;    /* scratch text for the callers' formatters */
    gv_jw_kept *consts; /* json: GV_JW_CONSTS slots, made at the first use */
    gv_buf escaped;
    gv_jw_holes *holes; /* noted while set */
    int oom;
} gv_jw;

/* JSON at `depth` of a larger document (its first line is not indented). */
void gv_jw_init_json(gv_jw *w, gv_buf *out, int depth);
/* YAML, a whole document. */
void gv_jw_init_yaml(gv_jw *w, gv_buf *out);
/* Writes nothing: notes whether a document value given holds an infinity
 * or a NaN (which serde cannot write: cfn-guard then writes nothing). */
void gv_jw_init_probe(gv_jw *w);
/* Frees the writer's own memory. */
void gv_jw_finish(gv_jw *w);

/* Keys are given with their length (gv_jw_key): the calls below are
 * inline, so a literal's length is known when compiling. */
typedef struct gv_jw_key {
    const char *s;
    size_t len;
} gv_jw_key;

static inline gv_jw_key gv_jw_key_of(const char *key)
{
    return (gv_jw_key){ key, key ? strlen(key) : 0 };
}

void gv_jw_open_k(gv_jw *w, gv_jw_key key, int obj);
void gv_jw_end(gv_jw *w);
void gv_jw_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len);
void gv_jw_null_k(gv_jw *w, gv_jw_key key);
/* A string that stays the same at its address while w writes (a program's
 * custom message, a clause's context): its escaped text is kept the first
 * time and copied after (a Control Tower message is escaped for each of
 * thousands of checks otherwise). */
void gv_jw_const_k(gv_jw *w, gv_jw_key key, const char *s);
void gv_jw_bool_k(gv_jw *w, gv_jw_key key, int v);
void gv_jw_int_k(gv_jw *w, gv_jw_key key, long long v);
void gv_jw_doc_k(gv_jw *w, gv_jw_key key, const gv_node *n);
/* gv_jw_str_k, noted as a hole while w->holes is set. */
void gv_jw_hole_str_k(gv_jw *w, gv_jw_key key, const char *s, size_t len);
/* Text copied as it is into the open collection (a template's fixed part,
 * written in the same state), which then has an entry. */
void gv_jw_raw(gv_jw *w, const char *s, size_t len);
/* A hole's value written again: a string, or a document value. */
void gv_jw_refill_str(gv_jw *w, const gv_jw_hole *h, const char *s, size_t len);
void gv_jw_refill_doc(gv_jw *w, const gv_jw_hole *h, const gv_node *n);

static inline void gv_jw_obj(gv_jw *w, const char *key) { gv_jw_open_k(w, gv_jw_key_of(key), 1); }
static inline void gv_jw_arr(gv_jw *w, const char *key) { gv_jw_open_k(w, gv_jw_key_of(key), 0); }
static inline void gv_jw_str(gv_jw *w, const char *key, const char *s, size_t len)
{
    gv_jw_str_k(w, gv_jw_key_of(key), s, len);
}
static inline void gv_jw_cstr(gv_jw *w, const char *key, const char *s)
{
    gv_jw_str_k(w, gv_jw_key_of(key), s, s ? strlen(s) : 0);
}
/* tmp's text as a string */
static inline void gv_jw_tmp(gv_jw *w, const char *key)
{
    if (w->tmp.oom)
        w->oom = 1;
    gv_jw_str_k(w, gv_jw_key_of(key), w->tmp.data, w->tmp.len);
}
static inline void gv_jw_null(gv_jw *w, const char *key) { gv_jw_null_k(w, gv_jw_key_of(key)); }
static inline void gv_jw_const(gv_jw *w, const char *key, const char *s) { gv_jw_const_k(w, gv_jw_key_of(key), s); }
static inline void gv_jw_bool(gv_jw *w, const char *key, int v) { gv_jw_bool_k(w, gv_jw_key_of(key), v); }
static inline void gv_jw_int(gv_jw *w, const char *key, long long v) { gv_jw_int_k(w, gv_jw_key_of(key), v); }
/* a document or literal value as its JSON; NULL is null */
static inline void gv_jw_doc(gv_jw *w, const char *key, const gv_node *n) { gv_jw_doc_k(w, gv_jw_key_of(key), n); }

/* A newline and `indent` spaces at p, which has room for indent + 65
 * bytes; returns the end. Short indents (nearly all) copy a fixed 64
 * bytes, a few wide stores, and keep what they need: most of a report's
 * bytes are these. */
static inline char *gv_json_put_newline(char *p, size_t indent)
{
    static const char spaces[64] = "                                                                ";
    *p++ = '\n';
    if (indent <= sizeof spaces)
        memcpy(p, spaces, sizeof spaces);
    else
        memset(p, ' ', indent);
    return p + indent;
}

/* A document value as serde_json pretty-prints it, standing at depth. */
void gv_doc_render_json_at(gv_buf *out, const gv_node *n, int depth);

#endif
