/* gavel parse-tree: the syntax tree of one rules file, as YAML (default, as
 * cfn-guard) or JSON. The tree's shape is gavel's own (lang/ast_print.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "lang/ast_print.h"
#include "lang/parser.h"
#include "util/file.h"

static const char parse_tree_help[] =
    "usage: gavel parse-tree -r RULES [-o FILE] [-p | -y]\n"
    "Prints the syntax tree of a rules file ('-' or no -r: stdin).\n"
    "  -r, --rules FILE       the rules file\n"
    "  -o, --output FILE      write the tree to FILE instead of stdout\n"
    "  -p, --print-json       print JSON\n"
    "  -y, --print-yaml       print YAML (the default)\n"
    "Exit status: 0 on success, 5 for a rules file that does not parse,\n"
    "2 for a usage error.\n";

typedef struct pt_opts {
    const char *rules, *output;
    int json;
} pt_opts;

static int opt_value(int argc, char **argv, int *i, const char **out)
{
    if (*i + 1 >= argc) {
        gv_cli_usage_error("parse-tree", "option '%s' needs a value", argv[*i]);
        return -1;
    }
    *out = argv[++*i];
    return 0;
}

/* Returns 1 to go on, 0 after --help, -1 on a usage error. */
static int parse_args(int argc, char **argv, pt_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-r") || !strcmp(a, "--rules")) {
            if (opt_value(argc, argv, &i, &o->rules) < 0)
                return -1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (opt_value(argc, argv, &i, &o->output) < 0)
                return -1;
        } else if (!strcmp(a, "-p") || !strcmp(a, "--print-json")) {
            o->json = 1;
        } else if (!strcmp(a, "-y") || !strcmp(a, "--print-yaml")) {
            o->json = 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(parse_tree_help, stdout);
            return 0;
        } else {
            gv_cli_usage_error("parse-tree", "unknown argument '%s'", a);
            return -1;
        }
    }
    return 1;
}

int gv_cmd_parse_tree(int argc, char **argv)
{
    pt_opts o = { "-", NULL, 0 };
    int r = parse_args(argc, argv, &o);
    if (r <= 0)
        return r == 0 ? GV_EXIT_OK : GV_EXIT_USAGE;
    gv_error err;
    gv_error_clear(&err);
    size_t len;
    char *text = gv_read_file(o.rules, 0, &len, &err);
    if (!text) {
        gv_cli_error(&err);
        return GV_EXIT_BAD_INPUT;
    }
    gv_arena a;
    gv_arena_init(&a, 0);
    gv_rules_file *f = gv_parse_rules(&a, strcmp(o.rules, "-") ? o.rules : "<stdin>", text, len, &err);
    int status = GV_EXIT_OK;
    if (!f) {
        gv_cli_error(&err);
        status = GV_EXIT_BAD_INPUT;
    } else {
        gv_buf out;
        gv_buf_init(&out);
        if (o.json) {
            gv_ast_print_json(&out, f);
            gv_buf_putc(&out, '\n');
        } else {
            gv_ast_print_yaml(&out, f);
        }
        if (o.output ? gv_cli_write_file(o.output, &out) < 0 : gv_cli_flush(&out) < 0)
            status = GV_EXIT_BAD_INPUT;
        gv_buf_free(&out);
    }
    gv_arena_free(&a);
    free(text);
    return status;
}
