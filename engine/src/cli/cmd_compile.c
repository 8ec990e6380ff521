/* gavel compile: rules files compiled once into a bundle that `validate
 * -r FILE.gvb` loads without parsing any rule text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "run/files.h"
#include "run/ruleset.h"

static const char compile_help[] =
    "usage: gavel compile -r RULES... -o FILE.gvb\n"
    "Compiles rules files (.guard, .ruleset; directories are searched) into one\n"
    "precompiled bundle. `gavel validate -r FILE.gvb` then evaluates exactly as\n"
    "with the rules files, without parsing them.\n"
    "  -r, --rules PATH       a rules file or directory (repeatable)\n"
    "  -o, --output FILE      the bundle to write (written whole or not at all)\n"
    "Exit status: 0 on success, 5 when a rules file does not compile, 2 for a\n"
    "usage error.\n";

typedef struct compile_opts {
    gv_strlist rules;
    const char *output;
} compile_opts;

/* Returns 1 to go on, 0 after --help, -1 on a usage error. */
static int parse_args(int argc, char **argv, compile_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int is_rules = !strcmp(a, "-r") || !strcmp(a, "--rules");
        int is_out = !strcmp(a, "-o") || !strcmp(a, "--output");
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(compile_help, stdout);
            return 0;
        }
        if (!is_rules && !is_out) {
            gv_cli_usage_error("compile", "unknown argument '%s'", a);
            return -1;
        }
        if (i + 1 >= argc) {
            gv_cli_usage_error("compile", "option '%s' needs a value", a);
            return -1;
        }
        if (is_out)
            o->output = argv[++i];
        else if (gv_strlist_push(&o->rules, argv[++i]) < 0)
            return -1;
    }
    if (o->rules.n == 0 || !o->output) {
        gv_cli_usage_error("compile", "both -r RULES and -o FILE are required");
        return -1;
    }
    return 1;
}

static int collect(const compile_opts *o, gv_strlist *files)
{
    for (size_t i = 0; i < o->rules.n; i++) {
        gv_error err;
        gv_error_clear(&err);
        if (gv_collect_files(o->rules.items[i], gv_rule_exts, 1, files, &err) < 0) {
            gv_cli_error(&err);
            return -1;
        }
    }
    return 0;
}

/* Reports need each clause's text, which only the syntax tree has: it is
 * kept in the bundle next to the program. */
static int compile_all(const gv_strlist *files, gv_program **progs, gv_clause_texts **texts)
{
    int status = GV_EXIT_OK;
    for (size_t i = 0; i < files->n; i++) {
        gv_error err;
        gv_error_clear(&err);
        progs[i] = gv_ruleset_load_texts(files->items[i], NULL, 0, &texts[i], &err);
        if (progs[i] && !texts[i]) {
            gv_error_set(&err, GV_E_NOMEM, files->items[i], (gv_loc){ 0, 0 }, "out of memory keeping clause texts");
            gv_program_free(progs[i]);
            progs[i] = NULL;
        }
        if (!progs[i]) {
            gv_cli_error(&err);
            status = GV_EXIT_BAD_INPUT;
        }
    }
    return status;
}

int gv_cmd_compile(int argc, char **argv)
{
    compile_opts o = { { 0 }, NULL };
    gv_strlist files = { 0 };
    int r = parse_args(argc, argv, &o), status = GV_EXIT_BAD_INPUT;
    if (r <= 0) {
        gv_strlist_free(&o.rules);
        return r == 0 ? GV_EXIT_OK : GV_EXIT_USAGE;
    }
    gv_program **progs = NULL;
    gv_clause_texts **texts = NULL;
    if (collect(&o, &files) == 0 && (progs = calloc(files.n ? files.n : 1, sizeof *progs)) &&
        (texts = calloc(files.n ? files.n : 1, sizeof *texts))) {
        status = compile_all(&files, progs, texts);
        if (status == GV_EXIT_OK) {
            gv_buf out;
            gv_buf_init(&out);
            if (gv_ruleset_write_bundle(&out, progs, texts, (uint32_t)files.n) < 0 ||
                gv_cli_write_file(o.output, &out) < 0)
                status = GV_EXIT_BAD_INPUT;
            gv_buf_free(&out);
        }
    }
    for (size_t i = 0; progs && texts && i < files.n; i++) {
        gv_program_free(progs[i]);
        gv_clause_texts_free(texts[i]);
    }
    free(progs);
    free(texts);
    gv_strlist_free(&files);
    gv_strlist_free(&o.rules);
    return status;
}
