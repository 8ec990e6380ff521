/* The document model: one arena per document, interned keys with a
 * precomputed hash, insertion-ordered maps with a hash index when large,
 * 64-bit integers distinct from floats, length-carrying strings, and a
 * 1-based line:column (columns in characters) for every node. Data loads
 * as cfn-guard 3.1.1 loads it; see docs/oracle-notes/loading.md. */
#ifndef GV_DOC_H
#define GV_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

typedef enum gv_kind {
    GV_NULL,
    GV_BOOL,
    GV_INT,
    GV_FLOAT,
    GV_STRING,
    GV_LIST,
    GV_MAP,
    /* only in compiled programs, never in documents: */
    GV_REGEX,   /* gv_regex_node: u.s/len hold the pattern */
    GV_RANGE,   /* gv_range_node */
    /* only made at run time, by parse_char: cfn-guard's char, a type of
     * its own (never equal to a string, not is_string); u.s/len hold the
     * one byte */
    GV_CHAR,
} gv_kind;

/* An interned key: one copy per distinct string in a document. */
typedef struct gv_key {
    uint64_t hash;
    uint32_t len;
    char str[]; /* NUL-terminated; may also hold embedded NULs */
} gv_key;

typedef struct gv_node gv_node;

typedef struct gv_member {
    const gv_key *key;
    gv_node *value;
    uint32_t line, col; /* where the key stands */
} gv_member;

/* 24 bytes: a document has about one node per 35 bytes of its JSON. */
struct gv_node {
    uint8_t kind;      /* gv_kind */
    uint8_t located;   /* line/col are known */
    uint8_t indexed;   /* a map whose members are followed by a hash index (doc/map.c) */
    uint32_t len;      /* string bytes, list items, map members */
    uint32_t line, col;
    union {
        bool b;
        int64_t i;
        double f;
        const char *s;
        gv_node **items;
        gv_member *members;
    } u;
};

/* Maps of this many members or more get a hash index when loaded. */
#define GV_MAP_INDEX_MIN 12

/* The bytes of a map's members block, its index included: what a copy of
 * the members must copy to keep the node's `indexed`. */
size_t gv_map_block_size(const gv_node *map);

/* How YAML short-form tags (!Ref, !GetAtt, ...) load. */
typedef enum gv_shortform {
    GV_SHORTFORM_GUARD = 0, /* exactly as cfn-guard 3.1.1 evaluates them (default) */
    GV_SHORTFORM_CFN = 1,   /* as CloudFormation means them: every intrinsic, GetAtt split */
} gv_shortform;

/* How plain (unquoted, untagged) scalars are typed. cfn-guard types them
 * one way in data files and another in its json_parse function. */
typedef enum gv_scalar_typing {
    GV_SCALARS_LOADER = 0, /* as cfn-guard's data loader (default) */
    GV_SCALARS_SERDE = 1,  /* as json_parse (serde_yaml): True, 0x10, 017 differ */
} gv_scalar_typing;

typedef struct gv_load_opts {
    uint32_t max_depth;       /* nesting limit (default 512) */
    uint64_t max_alias_nodes; /* YAML: nodes reachable through aliases (default 1,000,000) */
    size_t max_file_size;     /* bytes (default 512 MiB) */
    gv_shortform shortform;
    gv_scalar_typing scalars;
} gv_load_opts;

void gv_load_opts_default(gv_load_opts *o);

typedef struct gv_doc gv_doc;

/* Loads JSON or YAML; the content decides, not the file name. Every file is
 * read as YAML (JSON as YAML flow syntax), first document only, as
 * cfn-guard reads it; YAML aliases are a gavel extension. On failure err
 * holds "what was expected, what was found" and, for content errors, the
 * line:column. */
gv_doc *gv_doc_load_file(const char *path, const gv_load_opts *o, gv_error *err);
gv_doc *gv_doc_load_mem(const char *name, const char *text, size_t len,
                        const gv_load_opts *o, gv_error *err);
void gv_doc_free(gv_doc *d);

gv_node *gv_doc_root(const gv_doc *d);
const char *gv_doc_name(const gv_doc *d);
/* Whether the text started with '{' or '[' (the JSON fast path's domain). */
bool gv_doc_is_json(const gv_doc *d);
/* Makes sure every node's line/col is filled in (a no-op: both loaders
 * place every node while loading). */
void gv_doc_locate(gv_doc *d);
gv_arena *gv_doc_arena(gv_doc *d);

/* Map lookup by key bytes; hash must be gv_hash(key, len). */
gv_node *gv_map_get(const gv_node *map, const char *key, size_t len, uint64_t hash);
gv_node *gv_map_get_str(const gv_node *map, const char *key);
/* The index of the member with that key, or -1. */
int64_t gv_map_find(const gv_node *map, const char *key, size_t len, uint64_t hash);

const char *gv_kind_name(gv_kind k);
/* Whether n holds an infinity or a NaN, at any depth (cfn-guard cannot
 * put one into its reports). */
int gv_node_has_nonfinite(const gv_node *n);

#endif
