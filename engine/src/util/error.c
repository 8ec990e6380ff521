#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void gv_error_clear(gv_error *e)
{
    e->code = GV_OK;
    e->loc.line = e->loc.col = 0;
    e->file[0] = e->msg[0] = '\0';
}

void gv_error_set(gv_error *e, gv_errcode code, const char *file, gv_loc loc,
                  const char *fmt, ...)
{
    if (!e)
        return;
    e->code = code;
    e->loc = loc;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    /* keep the error one line long whatever the message carried */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

size_t gv_error_format(const gv_error *e, char *buf, size_t n)
{
    int w;
    if (e->file[0] && e->loc.line)
        w = snprintf(buf, n, "%s:%u:%u: %s", e->file, e->loc.line,
                     e->loc.col ? e->loc.col : 1, e->msg);
    else if (e->file[0])
        w = snprintf(buf, n, "%s: %s", e->file, e->msg);
    else
        w = snprintf(buf, n, "%s", e->msg);
    return w < 0 ? 0 : (size_t)w;
}

const char *gv_errcode_name(gv_errcode c)
{
    switch (c) {
    case GV_OK: return "ok";
    case GV_E_IO: return "io";
    case GV_E_DATA: return "data";
    case GV_E_LIMIT: return "limit";
    case GV_E_SYNTAX: return "syntax";
    case GV_E_RESOLVE: return "resolve";
    case GV_E_EVAL: return "eval";
    case GV_E_USAGE: return "usage";
    case GV_E_NOMEM: return "nomem";
    case GV_E_BUNDLE: return "bundle";
    case GV_E_SPEC: return "spec";
    case GV_E_PANIC: return "panic";
    }
    return "unknown";
}
