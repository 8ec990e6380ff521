/* A compiled rules program: code, constant pool, rule table. Everything
 * lives in the program's arena; a program is immutable once built and can
 * evaluate any number of documents. */
#ifndef GV_PROGRAM_H
#define GV_PROGRAM_H

#include <stdint.h>

#include "doc/doc.h"
#include "util/arena.h"
#include "vm/opcodes.h"

#define GV_NONE UINT32_MAX

struct gv_regex;

/* A key or text constant: bytes and the hash documents' interned keys carry. */
typedef struct gv_kconst {
    const char *s;
    uint32_t len;
    uint64_t hash;
} gv_kconst;

/* Literal regexes and ranges are gv_nodes of the program-only kinds, with
 * their compiled form alongside (node first, so a gv_node* converts back). */
typedef struct gv_regex_node {
    gv_node node;
    const struct gv_regex *re;     /* NULL until first use in programs read from bundles */
    struct gv_regex_cache *cache;  /* where re is compiled on first use */
} gv_regex_node;

typedef enum gv_range_kind_rt { GV_RANGE_RT_INT, GV_RANGE_RT_FLOAT, GV_RANGE_RT_CHAR } gv_range_kind_rt;

typedef struct gv_range_node {
    gv_node node;
    uint8_t kind;
    uint8_t lo_incl, hi_incl;
    int64_t lo_i, hi_i;
    double lo_f, hi_f;
} gv_range_node;

typedef enum gv_operand_kind {
    GV_OPND_LITERAL, /* idx: literal node */
    GV_OPND_QUERY,   /* idx: query block */
    GV_OPND_CALL,    /* fn: built-in; nargs operands from args[args_start] */
} gv_operand_kind;

typedef struct gv_operand {
    uint8_t kind;
    int16_t fn;       /* gv_fn of vm/functions.h, -1 unknown */
    uint32_t idx;
    uint32_t nargs;
    uint32_t args_start;
} gv_operand;

/* C_UNARY / C_BINARY flags: the operator (gv_cmp_op of lang/ast.h) in the
 * low four bits, then: */
#define GV_FLAG_OP_MASK 0x0f
#define GV_FLAG_OPNOT 0x10  /* operator negated: !=, not exists, not IN */
#define GV_FLAG_SOME 0x20   /* `some`: one passing value is enough */
#define GV_FLAG_NOT 0x40    /* the whole clause negated: `not x == 1` */
/* C_BINARY c: the key test of a `[ keys OP q ]` filter, which cfn-guard
 * compares otherwise when q is not a literal (vm/check.c); else 0. */
#define GV_BINARY_KEYS 1
/* C_BLOCK: a type block; c names its type (a string constant). cfn-guard
 * aborts the run when the resources cannot be searched (no Resources map). */
#define GV_FLAG_TYPE_BLOCK 0x01
/* Any clause: more alternatives of the same `or` follow; once this clause
 * passes they are not evaluated (cfn-guard stops at the first PASS). */
#define GV_FLAG_OR_NEXT 0x80
/* Q_ALL flag: written `[*]`, which on a map yields the map itself (`.*`
 * yields its values). */
#define GV_FLAG_ALL_INDICES 0x01
/* Q_INDEX flag: written as a quoted key (`m["0"]`), which cfn-guard reads
 * as an index but treats as a key before a filter (vm/query.c). */
#define GV_FLAG_INDEX_KEY 0x01
/* Q_VAR / Q_VAR_KEY flags: where variable a lives. */
#define GV_VAR_LOCAL 0      /* slot a of the current activation */
#define GV_VAR_GLOBAL 1     /* file-level let a, computed once per document */
#define GV_VAR_PARAM 2      /* parameter a of the current parameterised rule */
#define GV_VAR_UNBOUND 3    /* no such variable: an error if ever evaluated (as cfn-guard) */

typedef struct gv_rule_decl {
    uint32_t name;        /* string constant */
    uint32_t when_block;  /* GV_NONE: unconditional */
    uint32_t body_block;
    uint32_t nparams;
    uint8_t parameterised;
    uint8_t is_default;   /* clauses outside any rule */
    uint32_t message;     /* string constant or GV_NONE */
    gv_loc loc;
} gv_rule_decl;

/* A structural key of a parameterised rule's body whose status depends
 * only on its arguments, `this`, the document and literals (no file-level
 * variables, no other rules): equal in every program declaring the same
 * rule. {0, 0}: not such a rule. Also of a file-level let whose value
 * depends only on the document (a literal, or a query reading nothing but
 * the document and literals). See vm/memo.c. */
typedef struct gv_rule_key {
    uint64_t lo, hi;
} gv_rule_key;

/* The declarations a rule reference or call can mean (a name may be declared
 * more than once). */
typedef struct gv_ref {
    uint32_t name;
    uint32_t start, n;    /* into ref_decls */
} gv_ref;

typedef struct gv_program {
    gv_arena arena;
    const char *source;          /* rules file name */
    gv_insn *code;
    gv_loc *locs;                /* per instruction: where its clause stands */
    uint32_t *messages;          /* per instruction: custom message or GV_NONE */
    uint32_t ncode;
    uint32_t *blocks;            /* block id -> first instruction */
    uint32_t nblocks;
    gv_node **literals;
    uint32_t nliterals;
    gv_kconst *strings;          /* keys, names, messages */
    uint32_t nstrings;
    gv_operand *operands;
    uint32_t noperands;
    uint32_t *args;              /* operand indexes of call arguments */
    uint32_t nargs;
    gv_rule_decl *rules;         /* in declaration order, the default rule last */
    uint32_t nrules;
    gv_rule_key *rule_keys;      /* per rule (vm/memo.c) */
    gv_ref *refs;
    gv_rule_key *call_keys;      /* per ref: a call's memo key when its arguments are all keyed
                                    file-level lets ({0, 0}: none; vm/memo.c) */
    uint32_t nrefs;
    uint32_t *ref_decls;
    uint32_t nref_decls;
    uint32_t nslots;             /* let slots (file-wide numbering) */
    uint32_t *global_operand;    /* per slot: operand of a file-level let, or GV_NONE */
    uint8_t local_lets;          /* some slot is a let inside a rule (gv_program_local_lets) */
    uint8_t *skippable;          /* per instruction: a clause that may be left out once its
                                    conjunction failed (vm/pure.c) */
    gv_rule_key *let_keys;       /* per slot: a file-level let's content key ({0, 0}: none;
                                    vm/memo.c) */
    uint32_t max_params;
    uint32_t ncaptures;          /* Q_CAPTURE instructions: the VM keeps capture state only when
                                    there are any (a bundle's count is verified) */
    struct gv_regex_cache *regexes;
    struct gv_blob *backing;     /* read from a bundle in place: its bytes (util/blob.h) */
} gv_program;

void gv_program_free(gv_program *p);

/* Fills p->skippable (in a) once p's code is whole and verified; -1 when
 * out of memory. */
int gv_program_mark_skippable(gv_program *p, gv_arena *a);

/* Whether a let stands inside a rule (a slot with no file-level operand):
 * only then do frames need let slots. Kept in p->local_lets when the
 * program is built or read, not found again per evaluation. */
static inline uint8_t gv_program_local_lets(const gv_program *p)
{
    for (uint32_t i = 0; i < p->nslots; i++)
        if (p->global_operand[i] == GV_NONE)
            return 1;
    return 0;
}

#endif
