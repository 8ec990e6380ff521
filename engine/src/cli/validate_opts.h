/* Options of gavel validate: cfn-guard 3.1.1's flags (same names, values,
 * conflicts), plus gavel's data limits and --disassemble. */
#ifndef GV_VALIDATE_OPTS_H
#define GV_VALIDATE_OPTS_H

#include "doc/doc.h"
#include "report/report.h"
#include "run/files.h"

typedef struct gv_validate_opts {
    gv_strlist rules, data, params;
    gv_out_format format;
    unsigned show;      /* GV_SHOW_* */
    int structured;     /* -z */
    int verbose;        /* -v */
    int print_json;     /* -p */
    int alphabetical, last_modified;
    int payload;        /* -P */
    int disassemble;
    gv_load_opts load;
} gv_validate_opts;

/* Returns 1 to run, 0 when help was printed, -1 on a usage error (printed;
 * exit 2 as cfn-guard), -2 on an option combination cfn-guard refuses
 * after parsing (printed; exit 255). */
int gv_validate_parse_opts(int argc, char **argv, gv_validate_opts *o);
void gv_validate_opts_free(gv_validate_opts *o);

#endif
