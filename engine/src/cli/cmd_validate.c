/* gavel validate: cfn-guard's validate command line, same exit codes:
 * 0 all rules pass or skip, 19 a rule failed, 5 a rules file could not be
 * parsed, 255 a data file could not be loaded or the rules could not be
 * evaluated on it. All data files are loaded before anything is evaluated,
 * and output is written only once it is complete. */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/validate_opts.h"
#include "report/report.h"
#include "run/files.h"
#include "run/ruleset.h"
#include "vm/disasm.h"

typedef struct loaded_rules {
    gv_program *prog;
    char *name; /* file name as reports show it */
} loaded_rules;

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static char *display_data_name(const char *path)
{
    char buf[PATH_MAX];
    if (strcmp(path, "-") != 0 && realpath(path, buf))
        return strdup(buf);
    return strdup(path);
}

/* Top-level members of the parameter documents, then of the data file. */
static gv_node *merge_params(gv_arena *a, const gv_node *data, gv_doc *const *params, size_t np)
{
    if (np == 0 || data->kind != GV_MAP)
        return (gv_node *)data;
    uint32_t total = data->len;
    for (size_t i = 0; i < np; i++)
        if (gv_doc_root(params[i])->kind == GV_MAP)
            total += gv_doc_root(params[i])->len;
    gv_node *m = gv_arena_zalloc(a, sizeof *m);
    gv_member *mem = gv_arena_alloc(a, (total ? total : 1) * sizeof *mem);
    if (!m || !mem)
        return NULL;
    *m = *data;
    m->index = NULL; /* lookups scan: merged roots are small */
    m->u.members = mem;
    m->len = 0;
    for (size_t i = 0; i < np; i++) {
        const gv_node *p = gv_doc_root(params[i]);
        for (uint32_t k = 0; p->kind == GV_MAP && k < p->len; k++)
            mem[m->len++] = p->u.members[k];
    }
    for (uint32_t k = 0; k < data->len; k++)
        mem[m->len++] = data->u.members[k];
    return m;
}

static int load_all_rules(const gv_validate_opts *o, loaded_rules **out, size_t *nout, int *rules_failed)
{
    gv_strlist files = { 0 };
    gv_error err;
    gv_error_clear(&err);
    for (size_t i = 0; i < o->rules.n; i++)
        if (gv_collect_files(o->rules.items[i], gv_rule_exts, 1, &files, &err) < 0) {
            gv_cli_error(&err);
            gv_strlist_free(&files);
            return -1;
        }
    loaded_rules *rs = calloc(files.n ? files.n : 1, sizeof *rs);
    size_t n = 0;
    for (size_t i = 0; rs && i < files.n; i++) {
        gv_error_clear(&err);
        gv_program *p = gv_ruleset_load(files.items[i], NULL, 0, &err);
        if (!p) {
            gv_cli_error(&err);
            *rules_failed = 1;
            continue;
        }
        rs[n].prog = p;
        rs[n].name = strdup(base_name(files.items[i]));
        n++;
    }
    gv_strlist_free(&files);
    *out = rs;
    *nout = n;
    return rs ? 0 : -1;
}

static int load_docs(gv_strlist *paths, const gv_strlist *args, const gv_load_opts *lo,
                     gv_doc ***out)
{
    gv_error err;
    gv_error_clear(&err);
    for (size_t i = 0; i < args->n; i++)
        if (gv_collect_files(args->items[i], gv_data_exts, 0, paths, &err) < 0) {
            gv_cli_error(&err);
            return -1;
        }
    gv_doc **docs = calloc(paths->n ? paths->n : 1, sizeof *docs);
    if (!docs)
        return -1;
    *out = docs;
    for (size_t i = 0; i < paths->n; i++) {
        gv_error_clear(&err);
        docs[i] = gv_doc_load_file(paths->items[i], lo, &err);
        if (!docs[i]) {
            gv_cli_error(&err);
            return -1;
        }
    }
    return 0;
}

static void free_docs(gv_doc **docs, size_t n)
{
    for (size_t i = 0; docs && i < n; i++)
        gv_doc_free(docs[i]);
    free(docs);
}

typedef struct run_state {
    const gv_validate_opts *o;
    loaded_rules *rules;
    size_t nrules;
    gv_buf out;
    int any_fail;
    int eval_failed;
} run_state;

static void evaluate_doc(run_state *s, gv_doc *doc, const char *path, gv_doc **params, size_t np,
                         int first)
{
    gv_arena scratch;
    gv_arena_init(&scratch, 256 * 1024);
    char *name = display_data_name(path);
    gv_node *root = merge_params(&scratch, gv_doc_root(doc), params, np);
    gv_eval_result *res = gv_arena_zalloc(&scratch, (s->nrules ? s->nrules : 1) * sizeof *res);
    gv_report_item *items = gv_arena_zalloc(&scratch, (s->nrules ? s->nrules : 1) * sizeof *items);
    size_t n = 0;
    for (size_t r = 0; root && res && items && name && r < s->nrules; r++) {
        gv_error err;
        gv_error_clear(&err);
        if (gv_eval(s->rules[r].prog, root, &scratch, &res[n], &err) < 0) {
            gv_cli_error(&err);
            s->eval_failed = 1;
            continue;
        }
        items[n] = (gv_report_item){ name, doc, s->rules[r].prog, s->rules[r].name, &res[n] };
        s->any_fail |= res[n].status == GV_RS_FAIL;
        n++;
    }
    if (s->o->structured)
        gv_report_json_file(&s->out, items, n, first);
    else
        for (size_t k = 0; k < n; k++) {
            if (s->o->show)
                gv_report_summary(&s->out, &items[k], s->o->show);
            gv_report_details(&s->out, &items[k]);
        }
    free(name);
    gv_arena_free(&scratch);
}

int gv_cmd_validate(int argc, char **argv)
{
    gv_validate_opts o;
    int r = gv_validate_parse_opts(argc, argv, &o);
    if (r <= 0) {
        gv_validate_opts_free(&o);
        return r == 0 ? GV_EXIT_OK : GV_EXIT_USAGE;
    }
    int status = GV_EXIT_OK, rules_failed = 0;
    gv_strlist data_paths = { 0 }, param_paths = { 0 };
    gv_doc **docs = NULL, **params = NULL;
    run_state s = { &o, NULL, 0, { 0 }, 0, 0 };
    gv_buf_init(&s.out);
    if (load_docs(&data_paths, &o.data, &o.load, &docs) < 0 ||
        load_docs(&param_paths, &o.params, &o.load, &params) < 0) {
        status = GV_EXIT_DATA;
        goto done;
    }
    if (load_all_rules(&o, &s.rules, &s.nrules, &rules_failed) < 0) {
        status = GV_EXIT_BAD_INPUT;
        goto done;
    }
    if (o.disassemble) {
        for (size_t i = 0; i < s.nrules; i++)
            gv_disassemble(&s.out, s.rules[i].prog);
        status = rules_failed ? GV_EXIT_BAD_INPUT : GV_EXIT_OK;
        gv_cli_flush(&s.out);
        goto done;
    }
    if (o.structured)
        gv_report_json_begin(&s.out);
    for (size_t i = 0; i < data_paths.n; i++)
        evaluate_doc(&s, docs[i], data_paths.items[i], params, param_paths.n, i == 0);
    if (o.structured)
        gv_report_json_end(&s.out);
    if (s.eval_failed)
        status = GV_EXIT_DATA;
    else if (rules_failed)
        status = GV_EXIT_BAD_INPUT;
    else if (s.any_fail)
        status = GV_EXIT_FAILED;
    if (!s.eval_failed && gv_cli_flush(&s.out) < 0)
        status = GV_EXIT_BAD_INPUT;
done:
    for (size_t i = 0; i < s.nrules; i++) {
        gv_program_free(s.rules[i].prog);
        free(s.rules[i].name);
    }
    free(s.rules);
    free_docs(docs, data_paths.n);
    free_docs(params, param_paths.n);
    gv_strlist_free(&data_paths);
    gv_strlist_free(&param_paths);
    gv_buf_free(&s.out);
    gv_validate_opts_free(&o);
    return status;
}
