#include "cli/validate_opts.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* cfn-guard's own help text, verbatim (the command line is its). */
static const char validate_help[] =
    "Evaluates rules against the data files to determine success or failure.\n"
    "You can point rules flag to a rules directory and point data flag to a data directory.\n"
    "When pointed to a directory it will read all rules in the directory file and evaluate\n"
    "them against the data files found in the directory. The command can also point to a\n"
    "single file and it would work as well.\n"
    "Note - When pointing the command to a directory, the directory may not contain a mix of\n"
    "rules and data files. The directory being pointed to must contain only data files,\n"
    "or rules files.\n"
    "\n"
    "\n"
    "Usage: cfn-guard validate [OPTIONS] <--rules [<RULES>...]|--payload>\n"
    "\n"
    "Options:\n"
    "  -r, --rules [<RULES>...]\n"
    "          Provide a rules file or a directory of rules files. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --rules rule1.guard --rules ./rules-dir1 --rules rule2.guard\n"
    "          For directory arguments such as `rules-dir1` above, scanning is only supported for files with following extensions: .guard, .ruleset\n"
    "  -d, --data [<DATA>...]\n"
    "          Provide a data file or directory of data files in JSON or YAML. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --data template1.yaml --data ./data-dir1 --data template2.yaml\n"
    "          For directory arguments such as `data-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template\n"
    "  -i, --input-params [<INPUT_PARAMS>...]\n"
    "          Provide a data file or directory of data files in JSON or YAML that specifies any additional parameters to use along with data files to be used as a combined context. All the parameter files passed as input get merged and this combined context is again merged with each file passed as an argument for `data`. Due to this, every file is expected to contain mutually exclusive properties, without any overlap. Supports passing multiple values by using this option repeatedly.\n"
    "          Example:\n"
    "           --input-parameters param1.yaml --input-parameters ./param-dir1 --input-parameters param2.yaml\n"
    "          For directory arguments such as `param-dir1` above, scanning is only supported for files with following extensions: .yaml, .yml, .json, .jsn, .template\n"
    "  -t, --type <type>\n"
    "          Specify the type of data file used for improved messaging - ex: CFNTemplate [possible values: CFNTemplate]\n"
    "  -o, --output-format <OUTPUT_FORMAT>\n"
    "          Specify the format in which the output should be displayed [default: single-line-summary] [possible values: single-line-summary, json, yaml, junit, sarif]\n"
    "  -S, --show-summary <SHOW_SUMMARY>\n"
    "          Controls if the summary table needs to be displayed. --show-summary fail (default) or --show-summary pass,fail (only show rules that did pass/fail) or --show-summary none (to turn it off) or --show-summary all (to show all the rules that pass, fail or skip) [default: fail] [possible values: all, pass, fail, skip, none]\n"
    "  -a, --alphabetical\n"
    "          Validate files in a directory ordered alphabetically\n"
    "  -m, --last-modified\n"
    "          Validate files in a directory ordered by last modified times\n"
    "  -v, --verbose\n"
    "          Verbose logging\n"
    "  -p, --print-json\n"
    "          Print the parse tree in a json format. This can be used to get more details on how the clauses were evaluated\n"
    "  -P, --payload\n"
    "          Provide rules and data in the following JSON format via STDIN,\n"
    "          {\"rules\":[\"<rules 1>\", \"<rules 2>\", ...], \"data\":[\"<data 1>\", \"<data 2>\", ...]}, where,\n"
    "          - \"rules\" takes a list of string version of rules files as its value and\n"
    "          - \"data\" takes a list of string version of data files as it value.\n"
    "          When --payload is specified --rules and --data cannot be specified.\n"
    "  -z, --structured\n"
    "          Print out a list of structured and valid JSON/YAML. This argument conflicts with the following arguments: \n"
    "          verbose \n"
    "           print-json \n"
    "           show-summary: all/fail/pass/skip \n"
    "          output-format: single-line-summary\n"
    "  -h, --help\n"
    "          Print help\n";

typedef enum opt_id {
    OPT_RULES, OPT_DATA, OPT_PARAMS, OPT_TYPE, OPT_FORMAT, OPT_SHOW, OPT_ALPHA, OPT_MTIME, OPT_VERBOSE,
    OPT_PRINT_JSON, OPT_PAYLOAD, OPT_STRUCTURED, OPT_HELP, OPT_DISASSEMBLE,
} opt_id;

typedef struct opt_spec {
    char shrt;
    const char *lng;
    opt_id id;
    int values; /* 0 flag, 1 one value, 2 one or more values */
} opt_spec;

static const opt_spec specs[] = {
    { 'r', "rules", OPT_RULES, 2 },        { 'd', "data", OPT_DATA, 2 },
    { 'i', "input-params", OPT_PARAMS, 2 }, { 't', "type", OPT_TYPE, 1 },
    { 'o', "output-format", OPT_FORMAT, 1 }, { 'S', "show-summary", OPT_SHOW, 1 },
    { 'a', "alphabetical", OPT_ALPHA, 0 },  { 'm', "last-modified", OPT_MTIME, 0 },
    { 'v', "verbose", OPT_VERBOSE, 0 },     { 'p', "print-json", OPT_PRINT_JSON, 0 },
    { 'P', "payload", OPT_PAYLOAD, 0 },     { 'z', "structured", OPT_STRUCTURED, 0 },
    { 'h', "help", OPT_HELP, 0 },           { 0, "disassemble", OPT_DISASSEMBLE, 0 },
};

typedef struct parser {
    int argc;
    char **argv;
    int i;
    gv_validate_opts *o;
    int show_given;
    unsigned show;
    unsigned seen; /* bit per opt_id given so far */
} parser;

static int usage(const char *fmt, const char *a, const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b ? b : "");
    gv_cli_usage_error("validate", "%s", msg);
    return -1;
}

/* -S takes a comma list and may be repeated: all/pass/fail/skip add,
 * none empties the set (probed). */
static int take_show(parser *ps, const char *v)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", v);
    ps->show_given = 1;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (strcmp(tok, "all") == 0) ps->show |= GV_SHOW_ALL;
        else if (strcmp(tok, "pass") == 0) ps->show |= GV_SHOW_PASS;
        else if (strcmp(tok, "fail") == 0) ps->show |= GV_SHOW_FAIL;
        else if (strcmp(tok, "skip") == 0) ps->show |= GV_SHOW_SKIP;
        else if (strcmp(tok, "none") == 0) ps->show = 0;
        else return usage("invalid value '%s' for --show-summary: expected all, pass, fail, skip or none", tok, NULL);
    }
    return 0;
}

static int take_format(gv_validate_opts *o, const char *v)
{
    static const char *const names[] = { "single-line-summary", "json", "yaml", "junit", "sarif" };
    for (int k = 0; k < 5; k++)
        if (strcmp(v, names[k]) == 0) {
            o->format = (gv_out_format)k;
            return 0;
        }
    return usage("invalid value '%s' for --output-format: expected single-line-summary, json, yaml, junit or sarif",
                 v, NULL);
}

static int take_value(parser *ps, const opt_spec *s, const char *v)
{
    gv_validate_opts *o = ps->o;
    switch (s->id) {
    case OPT_RULES: return gv_strlist_push(&o->rules, v) ? 0 : -1;
    case OPT_DATA: return gv_strlist_push(&o->data, v) ? 0 : -1;
    case OPT_PARAMS: return gv_strlist_push(&o->params, v) ? 0 : -1;
    case OPT_TYPE:
        return strcmp(v, "CFNTemplate") == 0 ? 0 : usage("invalid value '%s' for --type: expected CFNTemplate", v, NULL);
    case OPT_FORMAT: return take_format(o, v);
    case OPT_SHOW: return take_show(ps, v);
    default: return 0;
    }
}

static void set_flag(parser *ps, opt_id id)
{
    gv_validate_opts *o = ps->o;
    switch (id) {
    case OPT_ALPHA: o->alphabetical = 1; break;
    case OPT_MTIME: o->last_modified = 1; break;
    case OPT_VERBOSE: o->verbose = 1; break;
    case OPT_PRINT_JSON: o->print_json = 1; break;
    case OPT_PAYLOAD: o->payload = 1; break;
    case OPT_STRUCTURED: o->structured = 1; break;
    case OPT_DISASSEMBLE: o->disassemble = 1; break;
    default: break;
    }
}

static int is_value(const char *a)
{
    return a[0] != '-' || strcmp(a, "-") == 0;
}

/* The values of s: attached (--rules=x, -rx) or the arguments that follow. */
static int take_values(parser *ps, const opt_spec *s, const char *attached, const char *shown)
{
    int took = 0;
    if (attached) {
        if (take_value(ps, s, attached) < 0)
            return -1;
        took = 1;
    }
    while ((s->values == 2 || !took) && ps->i + 1 < ps->argc && is_value(ps->argv[ps->i + 1])) {
        if (take_value(ps, s, ps->argv[++ps->i]) < 0)
            return -1;
        took = 1;
    }
    return took ? 0 : usage("option '%s' needs a value", shown, NULL);
}

static const opt_spec *find_long(const char *name, size_t n)
{
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++)
        if (strlen(specs[k].lng) == n && strncmp(specs[k].lng, name, n) == 0)
            return &specs[k];
    return NULL;
}

static const opt_spec *find_short(char c)
{
    for (size_t k = 0; k < sizeof specs / sizeof *specs; k++)
        if (specs[k].shrt == c)
            return &specs[k];
    return NULL;
}

/* Returns 1 after --help, 0 to go on, -1 on error. */
static int one_spec(parser *ps, const opt_spec *s, const char *attached, const char *shown)
{
    if (s->id == OPT_HELP) {
        fputs(validate_help, stdout);
        return 1;
    }
    /* cfn-guard (clap) refuses a flag or a one-value option given twice;
     * -r, -d, -i and -S add up (probed) */
    unsigned bit = 1u << s->id;
    if ((ps->seen & bit) && s->values != 2 && s->id != OPT_SHOW)
        return usage("option '%s' cannot be given more than once", shown, NULL);
    ps->seen |= bit;
    if (s->values)
        return take_values(ps, s, attached, shown);
    if (attached)
        return usage("option '%s' takes no value", shown, NULL);
    set_flag(ps, s->id);
    return 0;
}

static int parse_long(parser *ps, const char *a)
{
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
    const opt_spec *s = find_long(a + 2, n);
    if (s)
        return one_spec(ps, s, eq ? eq + 1 : NULL, a);
    int r = gv_cli_load_option("validate", ps->argc, ps->argv, &ps->i, &ps->o->load);
    if (r == 0)
        return usage("unexpected argument '%s'", a, NULL);
    return r < 0 ? -1 : 0;
}

/* -az (flags together), -rFILE / -Sall (value attached). */
static int parse_short(parser *ps, const char *a)
{
    for (const char *c = a + 1; *c; c++) {
        const opt_spec *s = find_short(*c);
        char shown[3] = { '-', *c, 0 };
        if (!s)
            return usage("unexpected argument '%s'", shown, NULL);
        if (s->values) {
            const char *rest = c[1] ? c + 1 : NULL;
            if (rest && *rest == '=')
                rest++;
            return one_spec(ps, s, rest, shown);
        }
        int r = one_spec(ps, s, NULL, shown);
        if (r)
            return r;
    }
    return 0;
}

/* What clap refuses: missing rules, conflicting flags (exit 2). */
static int check_conflicts(const gv_validate_opts *o)
{
    if (o->payload && o->rules.n)
        return usage("--payload cannot be used with --rules", NULL, NULL);
    if (o->payload && o->data.n)
        return usage("--payload cannot be used with --data", NULL, NULL);
    if (o->structured && o->verbose)
        return usage("--structured cannot be used with --verbose", NULL, NULL);
    if (o->structured && o->print_json)
        return usage("--structured cannot be used with --print-json", NULL, NULL);
    if (o->alphabetical && o->last_modified)
        return usage("--alphabetical cannot be used with --last-modified", NULL, NULL);
    if (!o->rules.n && !o->payload)
        return usage("expected --rules or --payload", NULL, NULL);
    return 0;
}

/* What cfn-guard refuses after parsing (exit 255). */
static int check_formats(const gv_validate_opts *o)
{
    const char *msg = NULL;
    if (o->structured && o->show)
        msg = "--structured needs --show-summary none";
    else if (o->structured && o->format == GV_OUT_SUMMARY)
        msg = "--structured needs --output-format json, yaml, junit or sarif";
    else if (!o->structured && o->format == GV_OUT_JUNIT)
        msg = "--output-format junit needs --structured";
    else if (!o->structured && o->format == GV_OUT_SARIF)
        msg = "--output-format sarif needs --structured";
    if (!msg)
        return 0;
    fprintf(stderr, "gavel validate: %s\n", msg);
    return -2;
}

int gv_validate_parse_opts(int argc, char **argv, gv_validate_opts *o)
{
    memset(o, 0, sizeof *o);
    gv_load_opts_default(&o->load);
    parser ps = { argc, argv, 1, o, 0, 0, 0 };
    for (; ps.i < argc; ps.i++) {
        const char *a = argv[ps.i];
        int r;
        if (strncmp(a, "--", 2) == 0 && a[2])
            r = parse_long(&ps, a);
        else if (a[0] == '-' && a[1] && a[1] != '-')
            r = parse_short(&ps, a);
        else
            r = usage("unexpected argument '%s'", a, NULL);
        if (r)
            return r > 0 ? 0 : -1;
    }
    o->show = ps.show_given ? ps.show : GV_SHOW_FAIL;
    if (o->disassemble)
        return o->rules.n ? 1 : usage("--disassemble needs --rules", NULL, NULL);
    if (check_conflicts(o) < 0)
        return -1;
    return check_formats(o) < 0 ? -2 : 1;
}

void gv_validate_opts_free(gv_validate_opts *o)
{
    gv_strlist_free(&o->rules);
    gv_strlist_free(&o->data);
    gv_strlist_free(&o->params);
}
