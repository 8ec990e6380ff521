/* Comparing two values the way cfn-guard 3.1.1 does. */
#ifndef GV_COMPARE_H
#define GV_COMPARE_H

#include "lang/ast.h"
#include "vm/value.h"

typedef enum gv_cmp_result {
    GV_CMP_FALSE = 0,
    GV_CMP_TRUE = 1,
    GV_CMP_INCOMPARABLE = 2, /* different types: fails whatever the negation */
    GV_CMP_ERROR = 3,        /* err is set (regex limits) */
    GV_CMP_VACUOUS = 4,      /* an empty list against a scalar: holds whatever the negation */
} gv_cmp_result;

/* lhs OP rhs for one value on each side. */
/* Whether a comparison result satisfies the operator (negated or not). */
static inline int gv_cmp_holds(gv_cmp_result c, int negated)
{
    if (c == GV_CMP_VACUOUS)
        return 1;
    if (c == GV_CMP_INCOMPARABLE || c == GV_CMP_ERROR)
        return 0;
    return negated ? c == GV_CMP_FALSE : c == GV_CMP_TRUE;
}

gv_cmp_result gv_compare(gv_cmp_op op, const gv_node *lhs, const gv_node *rhs, gv_error *err);
/* lhs OP rhs where lhs comes from a variable bound to a literal: cfn-guard
 * does not spread a literal list over a scalar, spreads a query's list value
 * over a literal scalar, and matches a regex literal against the other side
 * (probed). rhs_literal: whether rhs is a literal too. */
gv_cmp_result gv_compare_literal_lhs(gv_cmp_op op, const gv_node *lit, const gv_node *r, int rhs_literal,
                                     gv_error *err);
/* `some l OP r` for an ordering OP: one pair of items (lists taken one
 * level deep, nested lists never ordered) is enough; no pair (an empty
 * list) fails (probed). Returns VACUOUS (holds) or INCOMPARABLE (fails). */
gv_cmp_result gv_compare_some_order(gv_cmp_op op, const gv_node *l, const gv_node *r);
/* x IN the values of a query taken together (set: a list of them, NULL
 * items skipped): TRUE or FALSE, never INCOMPARABLE. */
gv_cmp_result gv_compare_in_values(const gv_node *x, const gv_node *set, gv_error *err);
/* A variable's literal list lit IN a query's several values r (clause
 * flags, rhs_literal as gv_compare_literal_lhs): holds when each of its
 * items equals one of them (probed: `%d IN l[*].x` with d = ["P", "Q",
 * "P"] and values "P", "Q" passes; items may be maps or null, a value that
 * is a list is not looked into, 1.0 is not 1; a scalar literal still holds
 * against each value on its own, and NOT IN or `some` are unchanged). 0
 * where it does not apply or does not hold. */
int gv_compare_list_in_values(uint8_t flags, int rhs_literal, const gv_node *lit, const gv_valset *r);
/* l and r, lists or maps that compared INCOMPARABLE, become the first pair
 * inside them that did: cfn-guard's message names those types. Unchanged
 * otherwise. */
void gv_compare_incomparable_pair(const gv_node **l, const gv_node **r);
/* Structural equality (lists in order, maps by key), no regexes. */
int gv_node_equal(const gv_node *a, const gv_node *b);

#endif
