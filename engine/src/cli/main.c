/* gavel: dispatch to one subcommand. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pages.h"

#include "cli/cli.h"

typedef struct command {
    const char *name;
    gv_cmd_fn fn;
    const char *summary;
} command;

static const command commands[] = {
    { "validate", gv_cmd_validate, "evaluate Guard rules against data files (as cfn-guard validate)" },
    { "test", gv_cmd_test, "run Guard rule unit tests (as cfn-guard test)" },
    { "compile", gv_cmd_compile, "compile rules files into a precompiled bundle (.gvb)" },
    { "parse-tree", gv_cmd_parse_tree, "print the syntax tree of a rules file (YAML or JSON)" },
    { "dump", gv_cmd_dump, "print data files as gavel loads them (JSON)" },
};

static void print_usage(FILE *f)
{
    fputs("usage: gavel COMMAND [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'gavel COMMAND --help' describes a command.\n", f);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return GV_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return GV_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        puts("gavel 0.1.0 (Guard language of cfn-guard 3.1.1)");
        return GV_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "gavel: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return GV_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* a closed stdout shows up as EPIPE, handled */
    /* first-touched memory is the dearest part of a short run */
    void *heap = gv_pages_heap((size_t)32 << 20);
    int rc = run(argc, argv);
    free(heap);
    return rc;
}
