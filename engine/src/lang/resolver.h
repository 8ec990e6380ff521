/* Name resolution over a parsed rules file:
 *  - %variables to their let (file, rule-block, nested-block scopes; the
 *    innermost scope wins, and within one scope the last `let` of a name
 *    wins, as in cfn-guard) or to a parameter of the enclosing rule;
 *  - rule references and calls to every declaration with that name;
 *  - function calls to cfn-guard 3.1.1's built-ins, with argument counts;
 *  - recursion between named rules (cfn-guard crashes on it: SIGSEGV).
 * Results are written into the AST (gv_step.bind, gv_clause.u.ref.decls,
 * gv_call.fn, gv_let.slot, gv_rules_file.nslots). */
#ifndef GV_RESOLVER_H
#define GV_RESOLVER_H

#include "lang/ast.h"
#include "util/arena.h"
#include "util/error.h"

/* cfn-guard reports unknown variables, rules, functions and bad argument
 * counts only when the offending clause is evaluated (exit 255), and not at
 * all when it is never reached. With GV_RESOLVE_LENIENT such names are left
 * unbound (GV_BIND_NONE / ndecls == 0 / GV_BUILTIN_UNKNOWN) for the VM to report
 * at run time; recursion is always an error. */
enum { GV_RESOLVE_STRICT = 0, GV_RESOLVE_LENIENT = 1 };

/* Returns 0 on success; -1 with err (GV_E_RESOLVE, file:line:col of the
 * first problem in source order, or GV_E_NOMEM). */
int gv_resolve_rules(gv_arena *a, gv_rules_file *f, gv_error *err);
int gv_resolve_rules_opts(gv_arena *a, gv_rules_file *f, int flags, gv_error *err);

gv_builtin gv_builtin_lookup(const char *name, size_t len);

#endif
