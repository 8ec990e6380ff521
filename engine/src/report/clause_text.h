/* The text cfn-guard shows for a clause (its "context", e.g.
 * " Resources.B.Properties.Size EQUALS  4") and the printed parts of its
 * queries (for "remaining query" texts), taken from the AST when a rules
 * file is loaded, since the compiled program keeps no source text. Looked
 * up by the clause's location, which the program keeps per instruction. */
#ifndef GV_CLAUSE_TEXT_H
#define GV_CLAUSE_TEXT_H

#include <stdint.h>

#include "lang/ast.h"
#include "util/arena.h"
#include "util/blob.h"
#include "util/buf.h"

/* One printed part of a query: "Resources", "*", "[*]", "0", "%v", ... */
typedef struct gv_qpart {
    const char *text;
    uint8_t kind;        /* gv_step_kind; ALL_INDICES joins without a dot */
} gv_qpart;

typedef struct gv_qtext {
    const gv_qpart *parts;
    uint32_t n;
    uint32_t id;         /* index in gv_clause_texts.qs (how bundles refer to it) */
} gv_qtext;

typedef struct gv_clause_text {
    gv_loc loc;
    const char *context;
    gv_qtext lhs;        /* comparisons and block clauses: the query */
    gv_qtext rhs;        /* comparisons against a query */
} gv_clause_text;

/* Where each query step of the file stands: part `part` of query q. */
typedef struct gv_step_text {
    gv_loc loc;
    const gv_qtext *q;
    uint32_t part;
} gv_step_text;

typedef struct gv_clause_texts {
    gv_arena arena;
    gv_clause_text *items; /* sorted by location */
    uint32_t n, cap;
    gv_step_text *steps;   /* sorted by location */
    uint32_t nsteps, cap_steps;
    const gv_qtext **qs;   /* every query text, by id */
    uint32_t nqs, cap_qs;
    gv_buf scratch;        /* while building */
    int oom;
    const char *pending;   /* read lazily: the blob, decoded by the first lookup */
    size_t pending_len;
    struct gv_blob *backing; /* what pending and the strings lie in */
    int in_arena;          /* items, steps, qs read from a blob: in an arena, not malloc'd */
} gv_clause_texts;

/* NULL when memory runs out. */
gv_clause_texts *gv_clause_texts_build(const gv_rules_file *f);
void gv_clause_texts_free(gv_clause_texts *t);
const gv_clause_text *gv_clause_texts_find(const gv_clause_texts *t, gv_loc loc);

/* The query step at loc (an instruction's location), or NULL. */
const gv_step_text *gv_step_texts_find(const gv_clause_texts *t, gv_loc loc);

/* Bundles keep the clause texts of each program as a blob, since no rule
 * text is parsed when a bundle is loaded. Appends t's serialised form. */
void gv_clause_texts_write(const gv_clause_texts *t, gv_buf *out);
/* Reads what gv_clause_texts_write wrote (copied: data may go away). NULL
 * when malformed or out of memory; every index is checked, so a damaged
 * blob cannot make a lookup read outside the tables. */
gv_clause_texts *gv_clause_texts_read(const char *data, size_t len);
/* The same, decoded on the first lookup from data, which lies in keep (a
 * reference is taken): most programs of a bundle never report a failure,
 * and decoding costs more than evaluating them. */
gv_clause_texts *gv_clause_texts_read_lazily(const char *data, size_t len, struct gv_blob *keep);

/* The operator as clause texts spell it: EQUALS, IN, IS INT ... */
const char *gv_clause_op_word(gv_cmp_op op);

/* parts[from..] joined as cfn-guard prints a query. */
void gv_qtext_print(gv_buf *out, const gv_qtext *q, uint32_t from);

#endif
