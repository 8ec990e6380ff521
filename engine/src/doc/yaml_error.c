#include "doc/yaml_error.h"

#include <stdio.h>
#include <string.h>

#include "doc/utf8.h"

const char *gv_describe_at(const char *text, size_t len, size_t off, char *buf, size_t n)
{
    if (off >= len)
        return "end of input";
    if (gv_text_break(text + off, len - off))
        return "end of line";
    size_t k;
    uint32_t cp = gv_utf8_decode(text + off, len - off, &k);
    switch (cp) {
    case '\t': return "a tab";
    case ' ': return "a space";
    case 0: return "a NUL byte";
    case 0xFEFF: return "a byte order mark";
    default: break;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFE || cp == 0xFFFF)
        snprintf(buf, n, "control character U+%04X", (unsigned)cp);
    else
        snprintf(buf, n, "'%.*s'", (int)k, text + off);
    return buf;
}

/* libyaml's problem texts mostly say "did not find expected X" or
 * "found Y"; the first gives the expected part, the second the found part. */
typedef struct problem_rule {
    const char *context;  /* NULL: any */
    const char *problem;
    const char *expected; /* NULL: derive from the problem text */
    const char *found;    /* NULL: describe the text at the mark */
} problem_rule;

static const problem_rule rules[] = {
    { "while scanning a quoted scalar", "found unexpected end of stream", "a closing quote", "end of input" },
    { "while scanning a simple key", "could not find expected ':'", "':' after the key", NULL },
    { NULL, "did not find expected node content", "a value", NULL },
    { NULL, "did not find expected key", "a mapping key at this indentation", NULL },
    { NULL, "did not find expected '-' indicator", "a '-' sequence entry at this indentation", NULL },
    { NULL, "did not find expected <document start>", "'---' before another document", NULL },
    { NULL, "mapping values are not allowed in this context",
      "a value without ': ' (a mapping cannot start here)", "':'" },
    { NULL, "block sequence entries are not allowed in this context",
      "a value (a block sequence cannot start here)", "'-'" },
    { NULL, "found character that cannot start any token", "a YAML token", NULL },
    { NULL, "found unexpected end of stream", "the rest of the value", "end of input" },
    { NULL, "found unexpected document indicator", "the rest of the value", "a document marker" },
    { NULL, "found a tab character that violates indentation", "spaces for indentation", "a tab" },
    { NULL, "found a tab character where an indentation space is expected",
      "spaces for indentation", "a tab" },
    { NULL, "found unknown escape character", "a valid escape sequence", NULL },
    { NULL, "found invalid Unicode character escape code",
      "an escape of a Unicode scalar value (not a surrogate)", NULL },
    { NULL, "found undefined tag handle", "a tag handle declared by %TAG", NULL },
    { NULL, "found duplicate %YAML directive", "one %YAML directive", "a second one" },
    { NULL, "found incompatible YAML document", "%YAML 1.x", NULL },
    { NULL, "found unknown directive name", "%YAML or %TAG", "another directive" },
    { NULL, "control characters are not allowed", "printable characters", NULL },
};

static void format_context(const yaml_parser_t *p, char *buf, size_t n)
{
    buf[0] = '\0';
    /* a context that starts where the problem is adds nothing */
    if (!p->context || (p->context_mark.line == p->problem_mark.line &&
                        p->context_mark.column == p->problem_mark.column))
        return;
    const char *what = p->context;
    if (strncmp(what, "while ", 6) == 0)
        what += 6;
    snprintf(buf, n, " (%s started at %zu:%zu)", what, p->context_mark.line + 1,
             p->context_mark.column + 1);
}

void gv_yaml_error(gv_error *err, const char *name, const char *text, size_t len,
                   const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "malformed YAML";
    size_t off;
    gv_loc loc;
    if (p->error == YAML_READER_ERROR) { /* reader errors carry a byte offset */
        off = p->problem_offset < len ? p->problem_offset : len;
        loc = gv_text_loc(text, len, off);
    } else {
        off = gv_text_offset(text, len, p->problem_mark.line, p->problem_mark.column);
        loc = (gv_loc){ (uint32_t)p->problem_mark.line + 1, (uint32_t)p->problem_mark.column + 1 };
    }
    if (off >= len) /* libyaml puts the end of the stream on a line of its own */
        loc = gv_text_loc(text, len, len);
    char what[48], ctx[160], exp[160];
    const char *expected = NULL, *found = NULL;
    for (size_t i = 0; i < sizeof rules / sizeof *rules && !expected; i++)
        if (strcmp(problem, rules[i].problem) == 0 &&
            (!rules[i].context || (p->context && strcmp(p->context, rules[i].context) == 0))) {
            expected = rules[i].expected;
            found = rules[i].found;
        }
    if (!expected) {
        const char *rest = problem;
        if (strncmp(rest, "did not find expected ", 22) == 0)
            rest += 22;
        else if (strncmp(rest, "could not find expected ", 24) == 0)
            rest += 24;
        else if (strncmp(rest, "did not find the expected ", 26) == 0)
            rest += 26;
        snprintf(exp, sizeof exp, "%s", rest);
        expected = exp;
    }
    if (!found)
        found = gv_describe_at(text, len, off, what, sizeof what);
    format_context(p, ctx, sizeof ctx);
    gv_error_set(err, GV_E_DATA, name, loc, "expected %s%s, found %s", expected, ctx, found);
}
