/* A rules file made ready to run: read, parsed, resolved, compiled. */
#ifndef GV_RULESET_H
#define GV_RULESET_H

#include <stddef.h>

#include "report/clause_text.h"
#include "util/error.h"
#include "vm/program.h"

/* text may be NULL (then path is read). */
gv_program *gv_ruleset_load(const char *path, const char *text, size_t len, gv_error *err);
/* The same, also keeping the clause texts reports need (*texts is NULL when
 * memory ran out for them; the program is still usable). */
gv_program *gv_ruleset_load_texts(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                  gv_error *err);

#endif
