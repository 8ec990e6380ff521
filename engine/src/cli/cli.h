/* Shared by the subcommands: output, errors, common options. */
#ifndef GV_CLI_H
#define GV_CLI_H

#include <stdbool.h>

#include "doc/doc.h"
#include "util/buf.h"
#include "util/error.h"

/* Exit codes, as cfn-guard uses them. */
enum {
    GV_EXIT_OK = 0,
    GV_EXIT_USAGE = 2,     /* a bad command line (clap's code) */
    GV_EXIT_BAD_INPUT = 5,
    GV_EXIT_TEST_FAILED = 7,
    GV_EXIT_FAILED = 19,
    GV_EXIT_PANIC = 101,   /* where cfn-guard panics (Rust's exit code), so do we */
    GV_EXIT_DATA = 255,
};

typedef int (*gv_cmd_fn)(int argc, char **argv);

int gv_cmd_dump(int argc, char **argv);
int gv_cmd_validate(int argc, char **argv);
int gv_cmd_parse_tree(int argc, char **argv);
int gv_cmd_compile(int argc, char **argv);
int gv_cmd_test(int argc, char **argv);

/* Writes the whole buffer to stdout and empties it. Returns 0; 1 when the
 * reader has gone away (a closed pipe: nothing to say, nobody to say it
 * to); -1 on another error (printed). */
int gv_cli_flush(gv_buf *out);
void gv_cli_error(const gv_error *e);
void gv_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses one data-loading option at argv[*i] (--max-depth N, --max-alias-nodes N,
 * --max-file-size N, --short-forms guard|cfn). Returns 1 if it took the option,
 * 0 if argv[*i] is not one of them, -1 on a bad value (error printed). */
int gv_cli_load_option(const char *cmd, int argc, char **argv, int *i, gv_load_opts *o);
#define GV_CLI_LOAD_OPTIONS_HELP \
    "  --max-depth N          nesting limit for data files (default 512)\n" \
    "  --max-alias-nodes N    YAML alias expansion limit in nodes (default 1000000)\n" \
    "  --max-file-size BYTES  largest data file accepted (default 536870912)\n" \
    "  --short-forms MODE     YAML short-form tags: guard (as cfn-guard 3.1.1, default)\n" \
    "                         or cfn (every intrinsic, !GetAtt a.b split, as CloudFormation)\n"

#endif
