/* A rules file made ready to run: read, parsed, resolved, compiled. */
#ifndef GV_RULESET_H
#define GV_RULESET_H

#include <stddef.h>

#include "util/error.h"
#include "vm/program.h"

/* text may be NULL (then path is read). display is the name reports use. */
gv_program *gv_ruleset_load(const char *path, const char *text, size_t len, gv_error *err);

#endif
