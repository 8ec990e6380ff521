/* Options of gavel validate (cfn-guard's flags, plus gavel's data limits). */
#ifndef GV_VALIDATE_OPTS_H
#define GV_VALIDATE_OPTS_H

#include "doc/doc.h"
#include "run/files.h"

typedef enum gv_out_format { GV_OUT_SUMMARY, GV_OUT_JSON, GV_OUT_YAML } gv_out_format;

typedef struct gv_validate_opts {
    gv_strlist rules, data, params;
    gv_out_format format;
    unsigned show;      /* GV_SHOW_* */
    int structured;
    int verbose;
    int alphabetical, last_modified;
    int payload;
    int disassemble;
    gv_load_opts load;
} gv_validate_opts;

/* Returns 1 to run, 0 when help was printed, -1 on a usage error (printed). */
int gv_validate_parse_opts(int argc, char **argv, gv_validate_opts *o);
void gv_validate_opts_free(gv_validate_opts *o);

#endif
