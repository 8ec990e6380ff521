#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int gv_cli_flush(gv_buf *out)
{
    if (out->oom) {
        fprintf(stderr, "gavel: out of memory building the output\n");
        return -1;
    }
    size_t off = 0;
    while (off < out->len) {
        ssize_t w = write(STDOUT_FILENO, out->data + off, out->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EPIPE)
            return 1; /* the reader went away: nothing to report to */
        if (w <= 0) {
            fprintf(stderr, "gavel: cannot write the output: %s\n", w < 0 ? strerror(errno) : "nothing written");
            return -1;
        }
        off += (size_t)w;
    }
    gv_buf_clear(out);
    return 0;
}

void gv_cli_error(const gv_error *e)
{
    char line[1200];
    gv_error_format(e, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

void gv_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gavel %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'gavel %s --help')\n", cmd);
    va_end(ap);
}

static int parse_count(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > max)
        return 0;
    *out = v;
    return 1;
}

int gv_cli_load_option(const char *cmd, int argc, char **argv, int *i, gv_load_opts *o)
{
    const char *opt = argv[*i];
    static const char *names[] = { "--max-depth", "--max-alias-nodes", "--max-file-size", "--short-forms" };
    int which = -1;
    const char *val = NULL;
    for (int k = 0; k < 4; k++) {
        size_t n = strlen(names[k]);
        if (strncmp(opt, names[k], n) == 0 && (opt[n] == '\0' || opt[n] == '=')) {
            which = k;
            val = opt[n] == '=' ? opt + n + 1 : NULL;
        }
    }
    if (which < 0)
        return 0;
    if (!val) {
        if (*i + 1 >= argc) {
            gv_cli_usage_error(cmd, "option '%s' needs a value", opt);
            return -1;
        }
        val = argv[++*i];
    }
    unsigned long long v = 0;
    switch (which) {
    case 0:
        if (!parse_count(val, 100000, &v))
            break;
        o->max_depth = (uint32_t)v;
        return 1;
    case 1:
        if (!parse_count(val, (unsigned long long)1 << 40, &v))
            break;
        o->max_alias_nodes = v;
        return 1;
    case 2:
        if (!parse_count(val, SIZE_MAX, &v))
            break;
        o->max_file_size = (size_t)v;
        return 1;
    default:
        if (strcmp(val, "guard") == 0)
            o->shortform = GV_SHORTFORM_GUARD;
        else if (strcmp(val, "cfn") == 0)
            o->shortform = GV_SHORTFORM_CFN;
        else
            break;
        return 1;
    }
    gv_cli_usage_error(cmd, "invalid value '%s' for %s: expected %s", val, names[which],
                       which == 3 ? "'guard' or 'cfn'" : "a positive whole number");
    return -1;
}
