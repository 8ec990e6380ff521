/* Errors are values: a code, a location and one line of text. Functions that
 * can fail take a gv_error* and return a failure indicator; the caller
 * decides how to print it (gv_error_format gives "file:line:col: message"). */
#ifndef GV_ERROR_H
#define GV_ERROR_H

#include <stddef.h>
#include <stdint.h>

typedef enum gv_errcode {
    GV_OK = 0,
    GV_E_IO,       /* file missing, unreadable */
    GV_E_DATA,     /* data file is not valid JSON/YAML */
    GV_E_LIMIT,    /* a guard rail (depth, size, alias expansion) was hit */
    GV_E_SYNTAX,   /* rules file does not parse */
    GV_E_RESOLVE,  /* unknown variable, rule or function; bad arity; recursion */
    GV_E_EVAL,     /* rules cannot be evaluated on this data */
    GV_E_USAGE,    /* bad command line or option */
    GV_E_NOMEM,
    GV_E_BUNDLE,   /* precompiled bundle corrupt, truncated or foreign */
    GV_E_SPEC,     /* test specification is malformed */
    GV_E_PANIC,    /* valid input on which cfn-guard 3.1.1 panics: gavel stops
                      there too, with its exit code (101) */
} gv_errcode;

/* 1-based line and column; 0 means unknown. */
typedef struct gv_loc {
    uint32_t line;
    uint32_t col;
} gv_loc;

typedef struct gv_error {
    gv_errcode code;
    gv_loc loc;
    char file[512];
    char msg[512];
} gv_error;

void gv_error_clear(gv_error *e);
void gv_error_set(gv_error *e, gv_errcode code, const char *file, gv_loc loc,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Writes "file:line:col: message" (parts that are unknown are left out). */
size_t gv_error_format(const gv_error *e, char *buf, size_t n);
const char *gv_errcode_name(gv_errcode c);

#endif
