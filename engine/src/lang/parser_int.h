/* Internals shared by parser.c (file, rules, blocks, clauses) and
 * parser_expr.c (queries, values, literals). Not a public header. */
#ifndef GV_PARSER_INT_H
#define GV_PARSER_INT_H

#include "lang/ast.h"
#include "lang/lexer.h"
#include "util/arena.h"
#include "util/error.h"

typedef struct gv_parser {
    gv_arena *a;
    const char *file;
    gv_lexer lx;          /* positioned just after tok */
    gv_token tok;         /* current token */
    gv_token peeked;      /* the token after tok, when has_peek */
    gv_lexer after_peek;  /* lx positioned after peeked */
    int has_peek;         /* lexing is most of parsing: a peek is kept for the advance */
    size_t prev_end;      /* end offset of the previously consumed token */
    gv_error *err;
    int failed;           /* first error wins; later ones are dropped */
    unsigned depth;
} gv_parser;

/* Arena-backed growable array; growth copies, the old copy is abandoned
 * (bounded waste: at most the final size again). */
typedef struct gv_vec {
    void *data;
    uint32_t n, cap;
    size_t elem;
} gv_vec;

void *gv_vec_push(gv_parser *p, gv_vec *v);     /* NULL on OOM (p->failed set) */

void gv_p_advance(gv_parser *p);
gv_token gv_p_peek(gv_parser *p);               /* token after tok */
int gv_p_adjacent(const gv_parser *p);          /* tok touches the previous token */
int gv_p_accept(gv_parser *p, gv_tok_kind k);
int gv_p_expect(gv_parser *p, gv_tok_kind k, const char *what);
int gv_p_is_kw(const gv_parser *p, gv_kw kw);
void gv_p_error_expected(gv_parser *p, const char *what);
void gv_p_error_at(gv_parser *p, gv_loc loc, const char *msg);
int gv_p_enter(gv_parser *p);                   /* depth guard; 0 = too deep */
void gv_p_leave(gv_parser *p);
gv_str gv_p_str(const gv_token *t);
void gv_p_oom(gv_parser *p);

/* Clause contexts. cfn-guard accepts a bare rule reference only directly
 * in a rule body, in the body of a `when` that sits directly in a rule body
 * or at file level, and in `when` conditions; in a `when` nested in another
 * `when` it is a parse error, elsewhere a bare name is a query missing its
 * operator. Type blocks are accepted only in rule bodies and at file level
 * (all probed). */
enum {
    GV_CTX_BLOCK = 0,     /* block clause / type block body: no rule refs */
    GV_CTX_COND = 1,      /* `when` conditions: no block clauses */
    GV_CTX_FILTER = 2,    /* inside query [ ... ]: no rule refs */
    GV_CTX_RULE = 3,      /* rule body */
    GV_CTX_FILE = 4,      /* file-level clauses of the default rule */
    GV_CTX_WHEN = 5,      /* `when` body in a rule body or at file level */
    GV_CTX_WHEN_NESTED = 6, /* `when` body inside another `when` body */
};

int gv_p_parse_cnf(gv_parser *p, gv_cnf *out, int ctx, gv_tok_kind stop);

/* parser_expr.c */
gv_query *gv_p_parse_query(gv_parser *p, int some);
gv_value *gv_p_parse_value(gv_parser *p);
gv_literal *gv_p_parse_literal(gv_parser *p);
gv_call *gv_p_parse_call(gv_parser *p);
int gv_p_parse_args(gv_parser *p, gv_value ***args, uint32_t *nargs);
/* Reads [not|!] OP if one is next; returns 1 and fills op/negated, or 0
 * without consuming anything. */
int gv_p_parse_op(gv_parser *p, gv_cmp_op *op, uint8_t *negated);
/* Whether the source between two offsets holds a line break or a comment. */
int gv_p_gap_breaks(const gv_parser *p, size_t from, size_t to);

#endif
