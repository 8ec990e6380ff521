/* `gavel parse-tree`: the AST as JSON or YAML (same tree, two spellings).
 *
 * Shape (gavel's own; stable, documented here):
 *   file    {"file": NAME, "lets": [LET], "rules": [RULE], "default_rule": CNF|null}
 *   LET     {"name": N, "loc": [line, col], "value": VALUE}
 *   RULE    {"name": N, "loc": LOC, "params": [N...] (parameterised only),
 *            "when": CNF (only with conditions), "lets": [LET], "body": CNF}
 *   CNF     [[CLAUSE, ...], ...]   outer list AND-ed, inner lists OR-ed
 *   CLAUSE  {"kind": "unary"|"binary"|"block"|"when"|"type_block"|"rule_ref"|"rule_call",
 *            "loc": LOC, "not": true (prefix not/!, only when set), then per kind:
 *            unary/binary: "query": QUERY, "op": "==", "in", "<", ..., "exists", "is_string", ...,
 *                          "op_not": bool, "rhs": VALUE (binary only)
 *            block:        "query": QUERY, "lets": [LET], "body": CNF
 *            when:         "when": CNF, "lets": [LET], "body": CNF
 *            type_block:   "type": "AWS::S3::Bucket", "when": CNF (if any), "lets", "body"
 *            rule_ref:     "rule": N
 *            rule_call:    "rule": N, "args": [VALUE]
 *            and "message": TEXT when a << >> message is attached}
 *   QUERY   {"some": bool, "steps": [STEP]}
 *   STEP    {"kind": "key", "name": N, "quoted": bool} | {"kind": "var", "name": N}
 *           | {"kind": "this"} | {"kind": "all_values"[, "name": CAPTURE]}
 *           | {"kind": "all_indices"} | {"kind": "index", "index": I}
 *           | {"kind": "filter", "clauses": CNF}
 *           | {"kind": "keys_filter", "op": OP, "op_not": bool, "rhs": VALUE}
 *   VALUE   {"literal": LIT} | {"query": QUERY} | {"call": {"name": N, "loc": LOC, "args": [VALUE]}}
 *   LIT     {"string": S} | {"regex": S} | {"int": I} | {"float": F} | {"bool": B}
 *           | {"null": null} | {"list": [LIT]} | {"map": {KEY: LIT, ...}}
 *           | {"range": {"type": "int"|"float"|"char", "lo": X, "hi": X,
 *                        "lo_inclusive": B, "hi_inclusive": B}}
 */
#ifndef GV_AST_PRINT_H
#define GV_AST_PRINT_H

#include "lang/ast.h"
#include "util/buf.h"

void gv_ast_print_json(gv_buf *out, const gv_rules_file *f);
void gv_ast_print_yaml(gv_buf *out, const gv_rules_file *f);

#endif
