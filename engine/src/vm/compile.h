/* AST (resolved) to program. */
#ifndef GV_COMPILE_H
#define GV_COMPILE_H

#include "lang/ast.h"
#include "util/error.h"
#include "vm/program.h"

/* Returns a new program, or NULL with err set (GV_E_RESOLVE for a regex
 * that does not compile, GV_E_NOMEM). */
gv_program *gv_compile(const gv_rules_file *f, gv_error *err);

#endif
