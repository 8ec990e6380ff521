/* gavel test: cfn-guard 3.1.1's `test` command line, same outputs and exit
 * codes (docs/test-command.md):
 *  -r RULES -t SPECS  0 every expectation met; 7 one was not; 1 the rules
 *                     or a spec file could not be read (the last such event
 *                     decides, as in cfn-guard).
 *  -d DIR             per rules file as above, the first non-zero code
 *                     wins; a rules file that does not load makes it 7.
 *  -o json|yaml|junit 1 when any record is an error, else 7 or 0.
 *  255                an unknown status, an input key cfn-guard cannot
 *                     convert, rules that cannot be evaluated on an input,
 *                     a missing path, -v with a structured format, sarif.
 *  2                  a bad command line.
 * Output is built in a buffer and written at the end. When the run aborts,
 * the cases before it are still written (cfn-guard prints them before
 * giving up), never part of one. Errors go to stderr, one line each. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "run/ruleset.h"
#include "run/testspec.h"
#include "util/file.h"

/* cfn-guard's own help text, verbatim (the command line is its). */
static const char test_help[] =
    "Built in unit testing capability to validate a Guard rules file against\n"
    "unit tests specified in YAML format to determine each individual rule's success\n"
    "or failure testing.\n"
    "\n"
    "\n"
    "Usage: cfn-guard test [OPTIONS]\n"
    "\n"
    "Options:\n"
    "  -r, --rules-file <rules-file>        Provide a rules file\n"
    "  -t, --test-data <test-data>          Provide a file or dir for data files in JSON or YAML\n"
    "  -d, --dir <dir>                      Provide the root directory for rules\n"
    "  -a, --alphabetical                   Sort alphabetically inside a directory\n"
    "  -m, --last-modified                  Sort by last modified times within a directory\n"
    "  -v, --verbose                        Verbose logging\n"
    "  -o, --output-format <OUTPUT_FORMAT>  Specify the format in which the output should be displayed "
    "[default: single-line-summary] [possible values: single-line-summary, json, yaml, junit, sarif]\n"
    "  -h, --help                           Print help\n";

enum { FMT_SUMMARY = -1, FMT_SARIF = 3 }; /* else a gv_test_format */

/* cfn-guard's code for a rules or spec file it could not read. */
enum { EXIT_UNREADABLE = 1 };

typedef struct test_opts {
    const char *rules, *specs, *dir;
    int alpha, mtime, verbose, help;
    int format;
    unsigned seen; /* bit k: opts[k] was given */
    gv_load_opts load;
} test_opts;

/* ---- the command line ---- */

typedef struct opt {
    char shrt;
    const char *lng;
    int takes_value;
} opt;

static const opt opts[] = {
    { 'r', "rules-file", 1 },    { 't', "test-data", 1 },     { 'd', "dir", 1 },
    { 'a', "alphabetical", 0 },  { 'm', "last-modified", 0 }, { 'v', "verbose", 0 },
    { 'o', "output-format", 1 }, { 'h', "help", 0 },
};

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    gv_cli_usage_error("test", "%s", msg);
    return -1;
}

static int take_format(test_opts *o, const char *v)
{
    static const char *const names[] = { "json", "yaml", "junit", "sarif" };
    if (strcmp(v, "single-line-summary") == 0) {
        o->format = FMT_SUMMARY;
        return 0;
    }
    for (int k = 0; k < 4; k++)
        if (strcmp(v, names[k]) == 0) {
            o->format = k;
            return 0;
        }
    return usage("invalid value '%s' for --output-format: expected single-line-summary, json, yaml, junit or sarif", v);
}

/* cfn-guard (clap) refuses any option given twice, flags too, but --help. */
static int take(test_opts *o, const opt *s, const char *v, const char *shown)
{
    unsigned bit = 1u << (unsigned)(s - opts);
    if ((o->seen & bit) && s->shrt != 'h')
        return usage("option '%s' cannot be given more than once", shown);
    o->seen |= bit;
    const char **slot = s->shrt == 'r' ? &o->rules : s->shrt == 't' ? &o->specs : s->shrt == 'd' ? &o->dir : NULL;
    if (slot)
        *slot = v;
    switch (s->shrt) {
    case 'o': return take_format(o, v);
    case 'a': o->alpha = 1; break;
    case 'm': o->mtime = 1; break;
    case 'v': o->verbose = 1; break;
    case 'h': o->help = 1; break;
    default: break;
    }
    return 0;
}

/* The value of option s: attached (--dir=x, -dx) or the next argument. */
static int take_valued(test_opts *o, const opt *s, const char *attached, const char *shown, int argc, char **argv,
                       int *i)
{
    if (!s->takes_value)
        return attached ? usage("option '%s' takes no value", shown) : take(o, s, NULL, shown);
    if (attached)
        return take(o, s, attached, shown);
    if (*i + 1 >= argc || (argv[*i + 1][0] == '-' && argv[*i + 1][1]))
        return usage("option '%s' needs a value", shown);
    return take(o, s, argv[++*i], shown);
}

static int parse_long(test_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
        if (strlen(opts[k].lng) == n && strncmp(opts[k].lng, a + 2, n) == 0)
            return take_valued(o, &opts[k], eq ? eq + 1 : NULL, a, argc, argv, i);
    int r = gv_cli_load_option("test", argc, argv, i, &o->load);
    return r == 0 ? usage("unexpected argument '%s'", a) : r < 0 ? -1 : 0;
}

/* -av (flags together), -rFILE / -ojson (value attached). */
static int parse_short(test_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    for (const char *c = a + 1; *c; c++) {
        const opt *s = NULL;
        for (size_t k = 0; k < sizeof opts / sizeof *opts; k++)
            if (opts[k].shrt == *c)
                s = &opts[k];
        char shown[3] = { '-', *c, 0 };
        if (!s)
            return usage("unexpected argument '%s'", shown);
        if (s->takes_value) {
            const char *rest = c[1] ? c + 1 + (c[1] == '=') : NULL;
            return take_valued(o, s, rest, shown, argc, argv, i);
        }
        if (take(o, s, NULL, shown) < 0)
            return -1;
    }
    return 0;
}

/* Returns 1 to run, 0 after --help, -1 on a usage error (exit 2), -2 on a
 * combination cfn-guard refuses after parsing (exit 255). */
static int parse_opts(int argc, char **argv, test_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = FMT_SUMMARY;
    gv_load_opts_default(&o->load);
    for (int i = 1; i < argc && !o->help; i++) {
        const char *a = argv[i];
        int r = strncmp(a, "--", 2) == 0 && a[2] ? parse_long(o, argc, argv, &i)
                : a[0] == '-' && a[1] && a[1] != '-' ? parse_short(o, argc, argv, &i)
                : usage("unexpected argument '%s'", a);
        if (r < 0)
            return -1;
    }
    if (o->help) {
        fputs(test_help, stdout);
        return 0;
    }
    if (o->alpha && o->mtime)
        return usage("--alphabetical cannot be used with --last-modified");
    if (o->dir && (o->rules || o->specs))
        return usage("--dir cannot be used with --rules-file or --test-data");
    if (!o->dir && (!o->rules || !o->specs))
        return usage("expected --rules-file and --test-data, or --dir");
    const char *msg = o->format == FMT_SARIF ? "--output-format sarif is not supported by the test command"
                      : o->verbose && o->format != FMT_SUMMARY
                          ? "--verbose cannot be used with --output-format json, yaml or junit"
                          : NULL;
    if (!msg)
        return 1;
    fprintf(stderr, "gavel test: %s\n", msg);
    return -2;
}

/* ---- running ---- */

typedef struct run {
    const test_opts *o;
    int structured;
    gv_buf out;
    gv_arena keep;         /* structured: names and results until printed */
    gv_test_record *recs;
    size_t nrecs, cap;
    int any_error, any_failed;
    int panic;             /* a case stopped where cfn-guard panics: exit 101 */
} run;

/* What testing one rules file came to. */
typedef struct file_result {
    int code;      /* cfn-guard's for its tests: 0, 1 or 7 */
    int rules_bad; /* the rules did not load */
    int abort;     /* the run stops (255) */
} file_result;

static gv_test_record *add_record(run *s, const char *rule_file)
{
    if (s->nrecs == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        gv_test_record *p = realloc(s->recs, cap * sizeof *p);
        if (!p)
            return NULL;
        s->recs = p;
        s->cap = cap;
    }
    gv_test_record *r = &s->recs[s->nrecs++];
    memset(r, 0, sizeof *r);
    r->rule_file = gv_arena_strdup(&s->keep, rule_file);
    return r->rule_file ? r : NULL;
}

static int set_error(run *s, gv_test_record *rec, const gv_error *err)
{
    char line[1200];
    gv_error_format(err, line, sizeof line);
    rec->error = gv_arena_strdup(&s->keep, line);
    rec->ncases = 0; /* an error record holds nothing else */
    s->any_error = 1;
    return rec->error ? 0 : -1;
}

/* Appends a result; the array lives in the keep arena and doubles from 8
 * (a count that is 0 or a power of two from 8 on means it is full). */
static int push_result(run *s, gv_test_record *rec, const gv_test_result *r)
{
    size_t n = rec->ncases;
    if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
        gv_test_result *p = gv_arena_alloc(&s->keep, (n < 8 ? 8 : 2 * n) * sizeof *p);
        if (!p)
            return -1;
        if (n)
            memcpy(p, rec->cases, n * sizeof *p);
        rec->cases = p;
    }
    rec->cases[rec->ncases++] = *r;
    return 0;
}

static void case_error(const char *spec, const gv_test_case *c, uint32_t index, const gv_error *e)
{
    char label[128], msg[1200];
    gv_test_case_label(label, sizeof label, index, c->name);
    gv_error_format(e, msg, sizeof msg);
    fprintf(stderr, "%s:%u:%u: %s: cannot evaluate the rules on its input: %s\n", spec, c->loc.line, c->loc.col,
            label, msg);
}

/* The rules file under test. */
typedef struct tested {
    const gv_test_names *names;
    const gv_clause_texts *texts; /* -v only: the tree's clause contexts */
    const char *label;            /* names the default rule and the file in contexts */
} tested;

/* One case's text block; with -v (trace), its evaluation tree, drawn by the
 * renderer validate -v uses. */
static void report_case(run *s, const tested *t, const gv_test_result *r, const gv_eval_result *res,
                        const gv_trace *trace)
{
    gv_report_item it = {
        .data_name = "", /* cfn-guard names no file in File(...) here */
        .rules_name = t->label,
        .prog = t->names->prog,
        .texts = t->texts,
        .res = res,
        .unlocated = 1,
    };
    gv_test_report_case(&s->out, t->names, r, trace ? &it : NULL, trace);
}

static void run_cases(run *s, const tested *t, const char *path, const gv_test_spec *spec, gv_test_record *rec,
                      uint32_t *number, file_result *fr)
{
    gv_arena scratch, local;
    gv_arena_init(&scratch, 256 * 1024);
    gv_arena_init(&local, 16 * 1024);
    for (uint32_t i = 0; i < spec->ncases && !fr->abort; i++) {
        gv_arena_mark m = gv_arena_save(&scratch), lm = gv_arena_save(&local);
        gv_test_result r;
        gv_eval_result res;
        gv_error err;
        gv_error_clear(&err);
        /* traced only for -v, and only in text output (-v refuses the others) */
        gv_trace *trace = s->o->verbose && !rec ? gv_trace_new(&scratch) : NULL;
        if (gv_test_run_case(t->names, &spec->cases[i], (*number)++, &scratch, rec ? &s->keep : &local, trace, &res,
                             &r, &err) < 0) {
            case_error(path, &spec->cases[i], i, &err);
            s->panic |= err.code == GV_E_PANIC;
            fr->abort = 1;
            break;
        }
        if (r.nfailed)
            fr->code = GV_EXIT_TEST_FAILED;
        s->any_failed |= r.nfailed != 0;
        if (!rec)
            report_case(s, t, &r, &res, trace);
        else if (push_result(s, rec, &r) < 0)
            fr->abort = 1;
        gv_arena_reset(&scratch, m);
        gv_arena_reset(&local, lm);
    }
    gv_arena_free(&scratch);
    gv_arena_free(&local);
}

/* Every spec file in turn; the case count runs on across them. */
static void run_specs(run *s, const tested *t, const gv_strlist *specs, gv_test_record *rec, file_result *fr)
{
    uint32_t number = 1;
    for (size_t i = 0; i < specs->n && !fr->abort; i++) {
        gv_test_spec spec;
        gv_error err;
        gv_error_clear(&err);
        gv_spec_status st = gv_testspec_load(&spec, specs->items[i], t->names, &s->o->load, &err);
        if (st == GV_SPEC_OK) {
            run_cases(s, t, specs->items[i], &spec, rec, &number, fr);
        } else {
            gv_cli_error(&err);
            fr->code = EXIT_UNREADABLE;
            fr->abort = st == GV_SPEC_ABORT;
            /* a structured record becomes the error, as cfn-guard's */
            if (rec && set_error(s, rec, &err) < 0)
                fr->abort = 1;
        }
        gv_testspec_free(&spec);
        if (rec && rec->error)
            break;
    }
}

/* cfn-guard reads a rules file of only blanks and comments as no rules
 * at all and runs nothing for it (a file of only lets still runs). */
static int only_comments(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '#')
            while (i < n && s[i] != '\n')
                i++;
        else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    }
    return 1;
}

/* NULL with nothing reported for a rules file of only comments. texts
 * (NULL: not wanted) receives the clause texts -v's tree needs. */
static gv_program *load_rules(run *s, const char *path, file_result *fr, gv_clause_texts **texts, gv_error *err)
{
    size_t len;
    char *text = gv_read_file(path, (size_t)64 << 20, &len, err);
    gv_program *p = NULL;
    int none = text && only_comments(text, len);
    if (text && !none)
        p = gv_ruleset_load_texts(path, text, len, texts, err);
    free(text);
    if (!p && !none) {
        gv_cli_error(err);
        fr->rules_bad = 1;
        gv_test_record *rec = s->structured ? add_record(s, path) : NULL;
        if (s->structured && (!rec || set_error(s, rec, err) < 0))
            fr->abort = 1;
    }
    return p;
}

/* label names the default rule: the path for -r, the file's stem for -d. */
static file_result test_rules(run *s, const char *path, const char *label, const gv_strlist *specs)
{
    file_result fr = { 0, 0, 0 };
    gv_error err;
    gv_error_clear(&err);
    gv_clause_texts *texts = NULL;
    gv_program *p = load_rules(s, path, &fr, s->o->verbose ? &texts : NULL, &err);
    if (!p)
        return fr;
    gv_arena local;
    gv_arena_init(&local, 4096);
    gv_test_names *names = gv_arena_zalloc(s->structured ? &s->keep : &local, sizeof *names);
    gv_test_record *rec = s->structured ? add_record(s, path) : NULL;
    if (!names || (s->structured && !rec) ||
        gv_test_names_init(names, p, label, s->structured ? &s->keep : &local) < 0) {
        fputs("gavel test: out of memory\n", stderr);
        fr.abort = 1;
    } else {
        if (rec)
            rec->names = names;
        tested t = { names, texts, label };
        run_specs(s, &t, specs, rec, &fr);
    }
    gv_clause_texts_free(texts);
    gv_program_free(p);
    gv_arena_free(&local);
    return fr;
}

static int path_error(const char *path, int want_file)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "gavel test: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (want_file && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "gavel test: %s: not a regular file\n", path);
        return 1;
    }
    return 0;
}

static int run_file_mode(run *s)
{
    const test_opts *o = s->o;
    gv_strlist specs = { 0 };
    gv_error err;
    gv_error_clear(&err);
    if (path_error(o->specs, 0) || path_error(o->rules, 1))
        return GV_EXIT_DATA;
    if (gv_collect_files_ordered(o->specs, gv_test_exts, 0, o->mtime, &specs, &err) < 0) {
        gv_cli_error(&err);
        gv_strlist_free(&specs);
        return GV_EXIT_DATA;
    }
    file_result fr = test_rules(s, o->rules, o->rules, &specs);
    gv_strlist_free(&specs);
    if (fr.abort)
        return s->panic ? GV_EXIT_PANIC : GV_EXIT_DATA;
    if (s->structured) /* cfn-guard exits 0 for rules that do not load here: gavel says 1 */
        return s->any_error ? EXIT_UNREADABLE : s->any_failed ? GV_EXIT_TEST_FAILED : GV_EXIT_OK;
    return fr.rules_bad ? EXIT_UNREADABLE : fr.code;
}

static int run_dir_mode(run *s)
{
    gv_test_tree t;
    gv_error err;
    gv_error_clear(&err);
    if (path_error(s->o->dir, 0))
        return GV_EXIT_DATA;
    if (gv_test_find(&t, s->o->dir, s->o->mtime, &err) < 0) {
        gv_cli_error(&err);
        return GV_EXIT_DATA;
    }
    int code = GV_EXIT_OK, abort = 0;
    for (size_t i = 0; i < t.n && !abort; i++) {
        const gv_test_guard *g = &t.guards[i];
        if (!g->tests.n) {
            if (!s->structured)
                gv_buf_printf(&s->out, "Guard File %s did not have any tests associated, skipping.\n---\n", g->path);
            continue;
        }
        if (!s->structured)
            gv_buf_printf(&s->out, "Testing Guard File %s\n", g->path);
        file_result fr = test_rules(s, g->path, g->prefix, &g->tests);
        abort = fr.abort;
        code = fr.rules_bad ? GV_EXIT_TEST_FAILED : code ? code : fr.code;
        if (!s->structured && !abort)
            gv_buf_puts(&s->out, "---\n");
    }
    gv_test_tree_free(&t);
    if (abort)
        return s->panic ? GV_EXIT_PANIC : GV_EXIT_DATA;
    if (s->structured)
        return s->any_error ? EXIT_UNREADABLE : s->any_failed ? GV_EXIT_TEST_FAILED : GV_EXIT_OK;
    return code;
}

int gv_cmd_test(int argc, char **argv)
{
    test_opts o;
    int r = parse_opts(argc, argv, &o);
    if (r <= 0)
        return r == 0 ? GV_EXIT_OK : r == -1 ? GV_EXIT_USAGE : GV_EXIT_DATA;
    run s = { .o = &o, .structured = o.format != FMT_SUMMARY };
    gv_buf_init(&s.out);
    gv_arena_init(&s.keep, 64 * 1024);
    int status = o.dir ? run_dir_mode(&s) : run_file_mode(&s);
    if (s.structured && status != GV_EXIT_DATA &&
        (s.nrecs || o.dir) && gv_test_report_records(&s.out, s.recs, s.nrecs, o.dir != NULL, o.format) < 0)
        s.out.oom = 1;
    if (gv_cli_flush(&s.out) < 0)
        status = GV_EXIT_DATA;
    free(s.recs);
    gv_arena_free(&s.keep);
    gv_buf_free(&s.out);
    return status;
}
