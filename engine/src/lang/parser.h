/* Guard 3 parser: text to AST (lang/ast.h), all nodes in the caller's arena. */
#ifndef GV_PARSER_H
#define GV_PARSER_H

#include <stddef.h>

#include "lang/ast.h"
#include "util/arena.h"
#include "util/error.h"

/* Deepest nesting of blocks, filters, lists and maps the parser accepts;
 * deeper input fails with a syntax error instead of exhausting the stack. */
#define GV_PARSE_MAX_DEPTH 256

/* Parses one rules file. On failure returns NULL and sets err (code
 * GV_E_SYNTAX, or GV_E_NOMEM) to "expected X, found Y" at the offending
 * token's 1-based line:col. filename is copied into the arena. */
gv_rules_file *gv_parse_rules(gv_arena *a, const char *filename, const char *text,
                              size_t len, gv_error *err);

#endif
