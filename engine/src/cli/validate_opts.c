#include "cli/validate_opts.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"

static const char validate_help[] =
    "usage: gavel validate -r RULES... -d DATA... [options]\n"
    "Evaluates Guard rules against JSON/YAML data, as cfn-guard 3.1.1 validate does.\n"
    "  -r, --rules PATH...         rules files, or directories of .guard/.ruleset files\n"
    "  -d, --data PATH...          data files, or directories of .yaml/.yml/.json/.jsn/.template\n"
    "  -i, --input-params PATH...  parameter files merged into every data file\n"
    "  -o, --output-format FMT     single-line-summary (default) or json\n"
    "  -S, --show-summary LIST     all, pass, fail (default), skip, none; comma-separated\n"
    "  -z, --structured            one structured JSON document for all results\n"
    "  -t, --type CFNTemplate      accepted for compatibility\n"
    "  -a, --alphabetical          order files alphabetically (the default)\n"
    "  -m, --last-modified         accepted for compatibility\n"
    "  -v, --verbose               accepted for compatibility\n"
    "  --disassemble               print the compiled program of each rules file and stop\n"
    GV_CLI_LOAD_OPTIONS_HELP
    "Exit status: 0 all rules pass or skip, 19 a rule failed, 5 a rules file is\n"
    "invalid, 255 a data file cannot be loaded or rules cannot be evaluated on it.\n";

static int parse_show(const char *v, unsigned *show)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", v);
    *show = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (strcmp(tok, "all") == 0) *show |= GV_SHOW_ALL;
        else if (strcmp(tok, "pass") == 0) *show |= GV_SHOW_PASS;
        else if (strcmp(tok, "fail") == 0) *show |= GV_SHOW_FAIL;
        else if (strcmp(tok, "skip") == 0) *show |= GV_SHOW_SKIP;
        else if (strcmp(tok, "none") != 0) return 0;
    }
    return 1;
}

/* Takes the values after a multi-value flag: -r a b -r c. */
static int take_values(int argc, char **argv, int *i, gv_strlist *l, const char *flag)
{
    int took = 0;
    while (*i + 1 < argc && (argv[*i + 1][0] != '-' || strcmp(argv[*i + 1], "-") == 0)) {
        if (!gv_strlist_push(l, argv[++*i]))
            return -1;
        took++;
    }
    if (!took) {
        gv_cli_usage_error("validate", "option '%s' needs a value", flag);
        return -1;
    }
    return 0;
}

static int is_flag(const char *a, const char *s, const char *l)
{
    return strcmp(a, s) == 0 || strcmp(a, l) == 0;
}

int gv_validate_parse_opts(int argc, char **argv, gv_validate_opts *o)
{
    memset(o, 0, sizeof *o);
    o->show = GV_SHOW_FAIL;
    gv_load_opts_default(&o->load);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_flag(a, "-h", "--help")) {
            fputs(validate_help, stdout);
            return 0;
        } else if (is_flag(a, "-r", "--rules")) {
            if (take_values(argc, argv, &i, &o->rules, a) < 0)
                return -1;
        } else if (is_flag(a, "-d", "--data")) {
            if (take_values(argc, argv, &i, &o->data, a) < 0)
                return -1;
        } else if (is_flag(a, "-i", "--input-params") || strcmp(a, "--input-parameters") == 0) {
            if (take_values(argc, argv, &i, &o->params, a) < 0)
                return -1;
        } else if (is_flag(a, "-o", "--output-format")) {
            if (!val || (strcmp(val, "single-line-summary") && strcmp(val, "json") && strcmp(val, "yaml"))) {
                gv_cli_usage_error("validate", "invalid value '%s' for %s: expected single-line-summary or json",
                                   val ? val : "", a);
                return -1;
            }
            o->format = strcmp(val, "json") == 0 ? GV_OUT_JSON : strcmp(val, "yaml") == 0 ? GV_OUT_YAML : GV_OUT_SUMMARY;
            i++;
        } else if (is_flag(a, "-S", "--show-summary")) {
            if (!val || !parse_show(val, &o->show)) {
                gv_cli_usage_error("validate", "invalid value '%s' for %s: expected all, pass, fail, skip or none",
                                   val ? val : "", a);
                return -1;
            }
            i++;
        } else if (is_flag(a, "-t", "--type")) {
            if (!val || strcmp(val, "CFNTemplate") != 0) {
                gv_cli_usage_error("validate", "invalid value '%s' for %s: expected CFNTemplate", val ? val : "", a);
                return -1;
            }
            i++;
        } else if (strcmp(a, "--disassemble") == 0) {
            o->disassemble = 1;
        } else if (is_flag(a, "-z", "--structured")) {
            o->structured = 1;
        } else if (is_flag(a, "-v", "--verbose")) {
            o->verbose = 1;
        } else if (is_flag(a, "-a", "--alphabetical")) {
            o->alphabetical = 1;
        } else if (is_flag(a, "-m", "--last-modified")) {
            o->last_modified = 1;
        } else {
            int r = gv_cli_load_option("validate", argc, argv, &i, &o->load);
            if (r < 0)
                return -1;
            if (r == 0) {
                gv_cli_usage_error("validate", "unknown option '%s'", a);
                return -1;
            }
        }
    }
    if (o->rules.n == 0) {
        gv_cli_usage_error("validate", "expected at least one rules file (-r)");
        return -1;
    }
    if (o->data.n == 0 && !o->disassemble) {
        gv_cli_usage_error("validate", "expected at least one data file (-d)");
        return -1;
    }
    if (o->structured && o->format == GV_OUT_SUMMARY) {
        gv_cli_usage_error("validate", "--structured needs --output-format json");
        return -1;
    }
    return 1;
}

void gv_validate_opts_free(gv_validate_opts *o)
{
    gv_strlist_free(&o->rules);
    gv_strlist_free(&o->data);
    gv_strlist_free(&o->params);
}
