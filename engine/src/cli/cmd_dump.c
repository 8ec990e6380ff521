/* gavel dump: each data file as gavel loaded it, as JSON. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "doc/doc_print.h"

static const char dump_help[] =
    "usage: gavel dump [options] FILE...\n"
    "Prints each data file (JSON or YAML, '-' for stdin) as gavel loads it for\n"
    "evaluation, as JSON: one document per line, or indented with --pretty.\n"
    "  --locations            wrap every value as {\"line\":L,\"column\":C,\"value\":V}\n"
    "                         (1-based; cfn-guard prints the same places 0-based)\n"
    "  --pretty               indent the output\n"
    GV_CLI_LOAD_OPTIONS_HELP
    "Floats JSON cannot spell (inf, nan) print as null.\n"
    "Nothing is printed unless every file loads: the first error is reported as\n"
    "FILE:LINE:COL: what was expected, what was found.\n"
    "Exit status: 0 on success, 5 when a file cannot be read or parsed, 2 on a bad\n"
    "command line.\n";

int gv_cmd_dump(int argc, char **argv)
{
    gv_load_opts opts;
    gv_load_opts_default(&opts);
    unsigned flags = 0;
    int nfiles = 0, end_of_opts = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (end_of_opts || a[0] != '-' || strcmp(a, "-") == 0) {
            argv[++nfiles] = argv[i]; /* compact file names to the front */
            continue;
        }
        if (strcmp(a, "--") == 0) {
            end_of_opts = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(dump_help, stdout);
            return GV_EXIT_OK;
        } else if (strcmp(a, "--locations") == 0) {
            flags |= GV_PRINT_LOCATIONS;
        } else if (strcmp(a, "--pretty") == 0) {
            flags |= GV_PRINT_PRETTY;
        } else {
            int r = gv_cli_load_option("dump", argc, argv, &i, &opts);
            if (r < 0)
                return GV_EXIT_USAGE;
            if (r == 0) {
                gv_cli_usage_error("dump", "unknown option '%s'", a);
                return GV_EXIT_USAGE;
            }
        }
    }
    if (nfiles == 0) {
        gv_cli_usage_error("dump", "expected at least one FILE");
        return GV_EXIT_USAGE;
    }
    /* all documents load before anything is printed: all or nothing */
    gv_buf out;
    gv_buf_init(&out);
    int status = GV_EXIT_OK;
    for (int i = 1; i <= nfiles && status == GV_EXIT_OK; i++) {
        gv_error err;
        gv_error_clear(&err);
        gv_doc *d = gv_doc_load_file(argv[i], &opts, &err);
        if (!d) {
            gv_cli_error(&err);
            status = GV_EXIT_BAD_INPUT;
            break;
        }
        gv_node_print_json(&out, gv_doc_root(d), flags);
        gv_buf_putc(&out, '\n');
        gv_doc_free(d);
    }
    if (status == GV_EXIT_OK && gv_cli_flush(&out) < 0)
        status = GV_EXIT_BAD_INPUT;
    gv_buf_free(&out);
    return status;
}
