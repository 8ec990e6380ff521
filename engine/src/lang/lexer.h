/* Guard 3 lexer. Tokens are produced on demand from a copyable cursor, so
 * the parser can look ahead or backtrack by copying a gv_lexer value.
 * Keywords are not reserved in Guard (`let let = 1` is legal), so the lexer
 * returns them as GV_TOK_IDENT and tags them with a gv_kw the parser may use
 * or ignore. Case rules follow cfn-guard 3.1.1 (probed): see gv_keyword(). */
#ifndef GV_LEXER_H
#define GV_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/error.h"

typedef enum gv_tok_kind {
    GV_TOK_EOF = 0,
    GV_TOK_ERROR,     /* text holds the one-line reason */
    GV_TOK_IDENT,     /* [A-Za-z][A-Za-z0-9_]*, keywords included */
    GV_TOK_TYPENAME,  /* AWS::S3::Bucket: identifiers joined by '::' */
    GV_TOK_VAR,       /* %name; text is the name without '%' */
    GV_TOK_STRING,    /* '...' or "..."; text has \<quote> unescaped */
    GV_TOK_REGEX,     /* /.../; text is the pattern with \/ unescaped */
    GV_TOK_INT,
    GV_TOK_FLOAT,
    GV_TOK_MESSAGE,   /* << ... >>; text is everything between, verbatim */
    GV_TOK_LBRACE, GV_TOK_RBRACE,
    GV_TOK_LBRACKET, GV_TOK_RBRACKET,
    GV_TOK_LPAREN, GV_TOK_RPAREN,
    GV_TOK_DOT, GV_TOK_COMMA, GV_TOK_COLON, GV_TOK_STAR,
    GV_TOK_EQ,        /* == */
    GV_TOK_NE,        /* != */
    GV_TOK_LT, GV_TOK_LE, GV_TOK_GT, GV_TOK_GE,
    GV_TOK_BANG,      /* ! (negation prefix) */
    GV_TOK_ASSIGN,    /* = */
    GV_TOK_PIPE_OR,   /* |OR| */
    GV_TOK__COUNT
} gv_tok_kind;

typedef enum gv_kw {
    GV_KW_NONE = 0,
    GV_KW_LET, GV_KW_RULE, GV_KW_WHEN, GV_KW_SOME, GV_KW_NOT, GV_KW_OR,
    GV_KW_IN, GV_KW_THIS, GV_KW_KEYS, GV_KW_TRUE, GV_KW_FALSE, GV_KW_NULL,
    GV_KW_EXISTS, GV_KW_EMPTY,
    GV_KW_IS_STRING, GV_KW_IS_LIST, GV_KW_IS_STRUCT, GV_KW_IS_BOOL,
    GV_KW_IS_INT, GV_KW_IS_FLOAT, GV_KW_IS_NULL,
} gv_kw;

typedef struct gv_token {
    gv_tok_kind kind;
    gv_kw kw;            /* for GV_TOK_IDENT only */
    gv_loc loc;          /* 1-based line:col of the first character */
    size_t start, end;   /* byte offsets of the raw token in the source */
    const char *text;    /* decoded text (arena), NUL-terminated; NULL for punctuation */
    size_t len;          /* length of text */
    int64_t ival;
    double fval;
} gv_token;

typedef struct gv_lexer {
    const char *src;
    size_t len;
    size_t pos;
    uint32_t line, col;
    gv_arena *arena;     /* decoded strings go here */
} gv_lexer;

void gv_lexer_init(gv_lexer *lx, gv_arena *a, const char *src, size_t len);
/* Skips blanks and # comments, then scans one token. Never fails hard: a
 * malformed token comes back as GV_TOK_ERROR with a reason in text. */
gv_token gv_lex_next(gv_lexer *lx);
/* Scans a map key up to (not including) ':' the way cfn-guard does: a quoted
 * string, or a run of [A-Za-z0-9_-]. Returns GV_TOK_ERROR if neither. */
gv_token gv_lex_map_key(gv_lexer *lx);

/* The keyword an identifier spells, honouring cfn-guard's accepted case
 * variants (e.g. exists/EXISTS, true/True, null/NULL, but not Exists). */
gv_kw gv_keyword(const char *s, size_t n);
const char *gv_tok_kind_name(gv_tok_kind k);
/* "'foo'", "end of file", "'=='"...: for "expected X, found Y" messages. */
const char *gv_tok_describe(gv_arena *a, const gv_token *t);

#endif
