/* A tiny document tree used only by ast_print.c: the AST is first turned
 * into this tree, which is then rendered as JSON or YAML, so both formats
 * share one description of the shape. Internal header. */
#ifndef GV_AST_TREE_H
#define GV_AST_TREE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/ast.h"
#include "util/arena.h"

typedef enum gv_pn_kind { GV_PN_OBJ, GV_PN_ARR, GV_PN_STR, GV_PN_INT, GV_PN_FLOAT,
                          GV_PN_BOOL, GV_PN_NULL } gv_pn_kind;

typedef struct gv_pn {
    gv_pn_kind kind;
    gv_str key;                 /* member name when inside an object */
    gv_str s;
    int64_t i;
    double f;
    struct gv_pn *first, *last, *next;
} gv_pn;

/* Builds the tree; NULL only when the arena is exhausted. */
gv_pn *gv_ast_tree(gv_arena *a, const gv_rules_file *f);

#endif
