/* The instruction set, defined once. X(NAME, operand summary for the
 * disassembler). Everything else — the enum, the names — is generated.
 *
 * Two kinds of code share one instruction array, each a range ending in END:
 *  - query code transforms the current result set (the registers of a query);
 *  - clause code pushes PASS/FAIL/SKIP statuses and combines them (CNF).
 * Operands: a, b and c (32 bits); flags (8 bits) per opcode. */
#ifndef GV_OPCODES_H
#define GV_OPCODES_H

#include <stdint.h>

#define GV_OPCODES(X)                                                          \
    /* query code */                                                           \
    X(Q_ROOT,        "")                /* set = { document root } */          \
    X(Q_THIS,        "")                /* set = { this } */                   \
    X(Q_VAR,         "var")             /* set = value of variable a */        \
    X(Q_KEY,         "key")             /* each map: member named const b */   \
    X(Q_VAR_KEY,     "var")             /* each map: members named by var a */ \
    X(Q_INDEX,       "index")           /* each list: element b (signed) */    \
    X(Q_ALL,         "")                /* each list/map: all values */        \
    X(Q_FILTER,      "block")           /* values of each list/map passing block b */ \
    X(Q_ALL_FILTER,  "block")           /* `.*[f]`: a map's values passing b; else * then filter */ \
    X(Q_SELECT,      "block")           /* `%v[f]`: keep values passing b (lists: their elements) */ \
    X(Q_KEYS_FILTER, "block")           /* map values whose key passes block b */     \
    X(Q_CAPTURE,     "name")            /* `[ name ]`: keys of each map to capture b; values unchanged */ \
    /* clause code: each pushes one status */                                  \
    X(C_UNARY,       "query op")        /* flags: op, not, some */             \
    X(C_BINARY,      "query op rhs")    /* a: lhs query, b: rhs operand */     \
    X(C_BLOCK,       "query block")     /* b: body evaluated per value */      \
    X(C_WHEN,        "cond block")      /* body only when cond passes */       \
    X(C_RULE,        "ref")             /* status of the rules named by ref a */ \
    X(C_CALL,        "ref args n")      /* parameterised rule: ref a, b.. args */ \
    X(C_LET,         "var operand")     /* bind variable a (no status) */      \
    X(C_AND,         "n")               /* pop n statuses, push conjunction */ \
    X(C_OR,          "n")               /* pop n statuses, push disjunction */ \
    X(END,           "")

typedef enum gv_opcode {
#define GV_I_ENUM(name, operands) GV_I_##name,
    GV_OPCODES(GV_I_ENUM)
#undef GV_I_ENUM
    GV_I__COUNT
} gv_opcode;

typedef struct gv_insn {
    uint8_t op;
    uint8_t flags;
    uint16_t pad;
    uint32_t a;
    uint32_t b;
    uint32_t c;
} gv_insn;

const char *gv_opcode_name(gv_opcode op);
const char *gv_opcode_operands(gv_opcode op);

#endif
