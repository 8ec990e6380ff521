/* AST of a Guard 3 rules file: plain data for the compiler. Tagged unions,
 * arrays with counts, every node with its 1-based line:col, everything in one
 * arena (no per-node free). Strings are NUL-terminated and carry a length.
 *
 * Boolean structure is conjunctive normal form everywhere: a gv_cnf is a list
 * of disjunctions AND-ed together; each disjunction is a list of clauses
 * OR-ed together (clauses joined by `or`/`OR`/`|OR|`). */
#ifndef GV_AST_H
#define GV_AST_H

#include <stdint.h>

#include "util/error.h"

typedef struct gv_str {
    const char *s;
    uint32_t len;
} gv_str;

typedef struct gv_literal gv_literal;
typedef struct gv_query gv_query;
typedef struct gv_value gv_value;
typedef struct gv_clause gv_clause;
typedef struct gv_let gv_let;
typedef struct gv_rule gv_rule;

/* ---- literals ---- */

typedef enum gv_lit_kind {
    GV_LIT_STRING, GV_LIT_REGEX, GV_LIT_INT, GV_LIT_FLOAT, GV_LIT_BOOL,
    GV_LIT_NULL, GV_LIT_RANGE, GV_LIT_LIST, GV_LIT_MAP,
} gv_lit_kind;

/* Range bounds are both INT, both FLOAT, or both CHAR (r[a,z]: one ASCII
 * letter or digit each): cfn-guard rejects mixed bounds. */
typedef enum gv_range_kind { GV_RANGE_INT, GV_RANGE_FLOAT, GV_RANGE_CHAR } gv_range_kind;

typedef struct gv_map_entry {
    gv_str key;
    gv_loc loc;
    gv_literal *value;
} gv_map_entry;

struct gv_literal {
    gv_lit_kind kind;
    gv_loc loc;
    union {
        gv_str str;           /* STRING text; REGEX pattern without slashes */
        int64_t i;            /* INT */
        double f;             /* FLOAT */
        int b;                /* BOOL */
        struct {
            gv_range_kind kind;
            int64_t lo_i, hi_i;   /* INT, and CHAR (code of the character) */
            double lo_f, hi_f;    /* FLOAT */
            uint8_t lo_incl, hi_incl;  /* '[' / ']' inclusive, '(' / ')' not */
        } range;
        struct { gv_literal **items; uint32_t n; } list;
        struct { gv_map_entry *items; uint32_t n; } map;   /* insertion order */
    } u;
};

/* ---- boolean structure ---- */

typedef struct gv_disj {
    gv_clause **items;   /* OR-ed, n >= 1 */
    uint32_t n;
} gv_disj;

typedef struct gv_cnf {
    gv_disj *items;      /* AND-ed; n == 0 means "no conditions" */
    uint32_t n;
} gv_cnf;

/* A { ... } body: lets local to the block, then its clauses. cfn-guard lets
 * a `let` appear anywhere in a block; it is visible in the whole block. */
typedef struct gv_block {
    gv_let **lets;
    uint32_t nlets;
    gv_cnf body;
} gv_block;

/* ---- queries ---- */

typedef enum gv_cmp_op {
    GV_OP_EQ,          /* ==, and != as EQ with op_negated (as cfn-guard) */
    GV_OP_IN,
    GV_OP_LT, GV_OP_LE, GV_OP_GT, GV_OP_GE,
    /* unary */
    GV_OP_EXISTS, GV_OP_EMPTY,
    GV_OP_IS_STRING, GV_OP_IS_LIST, GV_OP_IS_STRUCT, GV_OP_IS_BOOL,
    GV_OP_IS_INT, GV_OP_IS_FLOAT, GV_OP_IS_NULL,
    GV_OP__COUNT
} gv_cmp_op;

#define GV_OP_IS_UNARY(op) ((op) >= GV_OP_EXISTS)

typedef enum gv_step_kind {
    GV_STEP_KEY,          /* name (quoted: written as a string) */
    GV_STEP_VAR,          /* %name: as first step the variable's values; later
                             a key whose name is the variable's string value(s) */
    GV_STEP_THIS,         /* `this` */
    GV_STEP_ALL_VALUES,   /* .* ; also [ name ] which cfn-guard parses as
                             all-values with a capture name (name set) */
    GV_STEP_ALL_INDICES,  /* [*] */
    GV_STEP_INDEX,        /* [N] or .N (N may be negative) */
    GV_STEP_FILTER,       /* [ clauses ], each candidate as `this` */
    GV_STEP_KEYS_FILTER,  /* [ keys OP value ]: map entries whose key matches */
} gv_step_kind;

/* What a %name refers to, filled by the resolver. */
typedef enum gv_bind_kind { GV_BIND_NONE, GV_BIND_LET, GV_BIND_PARAM } gv_bind_kind;

typedef struct gv_binding {
    gv_bind_kind kind;
    gv_let *let;        /* GV_BIND_LET */
    gv_rule *rule;      /* GV_BIND_PARAM: the parameterised rule ... */
    uint32_t param;     /* ... and the parameter's index */
} gv_binding;

typedef struct gv_step {
    gv_step_kind kind;
    gv_loc loc;
    uint8_t quoted;       /* KEY written as 'x' or "x" */
    gv_str name;          /* KEY, VAR (without '%'), ALL_VALUES capture (may be empty) */
    int64_t index;        /* INDEX */
    gv_cnf filter;        /* FILTER */
    struct {              /* KEYS_FILTER */
        gv_cmp_op op;
        uint8_t op_negated;
        gv_value *rhs;
    } keys;
    gv_binding bind;      /* VAR */
} gv_step;

struct gv_query {
    gv_loc loc;
    gv_step *steps;
    uint32_t n;           /* >= 1 */
    uint8_t some;         /* `some` prefix: cfn-guard's match_all = false */
};

/* ---- values: right-hand sides, let values, arguments ---- */

typedef enum gv_value_kind { GV_VAL_LITERAL, GV_VAL_QUERY, GV_VAL_CALL } gv_value_kind;

/* Built-in functions of cfn-guard 3.1.1 (probed; `now` and `parse_epoch` do
 * not exist in 3.1.1). GV_BUILTIN_UNKNOWN until the resolver runs. */
typedef enum gv_builtin {
    GV_BUILTIN_UNKNOWN = 0,
    GV_BUILTIN_COUNT, GV_BUILTIN_JSON_PARSE, GV_BUILTIN_REGEX_REPLACE, GV_BUILTIN_SUBSTRING,
    GV_BUILTIN_TO_UPPER, GV_BUILTIN_TO_LOWER, GV_BUILTIN_JOIN, GV_BUILTIN_URL_DECODE,
    GV_BUILTIN_PARSE_INT, GV_BUILTIN_PARSE_FLOAT, GV_BUILTIN_PARSE_STRING,
    GV_BUILTIN_PARSE_BOOLEAN, GV_BUILTIN_PARSE_CHAR,
    GV_BUILTIN__COUNT
} gv_builtin;

typedef struct gv_call {
    gv_str name;
    gv_loc loc;
    gv_value **args;
    uint32_t nargs;       /* >= 1: cfn-guard cannot parse f() */
    gv_builtin fn;        /* set by the resolver */
} gv_call;

struct gv_value {
    gv_value_kind kind;
    gv_loc loc;
    union {
        gv_literal *lit;
        gv_query *query;
        gv_call *call;
    } u;
};

/* ---- clauses ---- */

typedef enum gv_clause_kind {
    GV_CL_UNARY,        /* query op                 (cmp, rhs == NULL) */
    GV_CL_BINARY,       /* query op value           (cmp) */
    GV_CL_BLOCK,        /* [some] query { block }   (block) */
    GV_CL_WHEN,         /* when conds { block }     (when) */
    GV_CL_TYPE_BLOCK,   /* Type [when conds] { block } (type) */
    GV_CL_RULE_REF,     /* [not] name               (ref) */
    GV_CL_RULE_CALL,    /* [not] name(args)         (ref) */
} gv_clause_kind;

struct gv_clause {
    gv_clause_kind kind;
    gv_loc loc;
    /* Prefix `not`/`!` before the whole clause (cfn-guard's "negation"):
     * UNARY, BINARY, RULE_REF, RULE_CALL. */
    uint8_t negated;
    uint8_t has_message;
    gv_str message;     /* text between << and >>, verbatim */
    union {
        struct {
            gv_query *lhs;
            gv_cmp_op op;
            uint8_t op_negated;   /* `not exists`, `!=`, `not in`, `!empty` */
            gv_value *rhs;        /* NULL for unary operators */
        } cmp;
        struct {
            gv_query *query;      /* query->some for `some q { }` */
            gv_block body;
        } block;
        struct {
            gv_cnf conds;
            gv_block body;
        } when;
        struct {
            gv_str type_name;     /* "AWS::S3::Bucket" */
            gv_cnf conds;         /* n == 0 without `when` */
            gv_block body;
        } type;
        struct {
            gv_str name;
            gv_value **args;      /* RULE_CALL only */
            uint32_t nargs;
            gv_rule **decls;      /* resolver: every declaration of name */
            uint32_t ndecls;
        } ref;
    } u;
};

/* ---- declarations ---- */

struct gv_let {
    gv_str name;
    gv_loc loc;
    gv_value *value;
    uint32_t slot;       /* resolver: unique index in the file, 0..nslots-1 */
};

struct gv_rule {
    gv_str name;
    gv_loc loc;
    uint32_t index;      /* position among the file's rules */
    uint8_t parameterised;  /* declared with (...); then nparams >= 1 */
    gv_str *params;
    gv_loc *param_locs;
    uint32_t nparams;
    gv_cnf conds;        /* `when` conditions; never for parameterised rules */
    gv_block body;
};

typedef struct gv_rules_file {
    const char *filename;
    gv_let **lets;            /* file-level lets, in order */
    uint32_t nlets;
    gv_rule **rules;          /* named rules, declaration order, duplicates kept */
    uint32_t nrules;
    /* Clauses outside any rule (type blocks included): cfn-guard's rule
     * named "default". default_rule.n == 0 when there are none. */
    gv_cnf default_rule;
    gv_loc default_loc;       /* first default clause */
    uint32_t nslots;          /* resolver: number of let slots in the file */
} gv_rules_file;

const char *gv_cmp_op_name(gv_cmp_op op);      /* "==", "in", "exists", ... */
const char *gv_builtin_name(gv_builtin fn);
int gv_builtin_arity(gv_builtin fn);

#endif
