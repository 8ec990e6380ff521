#include "lang/lexer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gv_lexer_init(gv_lexer *lx, gv_arena *a, const char *src, size_t len)
{
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
    lx->arena = a;
}

static int peek_at(const gv_lexer *lx, size_t off)
{
    size_t p = lx->pos + off;
    return p < lx->len ? (unsigned char)lx->src[p] : -1;
}

/* Columns count characters, not bytes, so UTF-8 continuation bytes do not
 * advance the column. */
static void advance(gv_lexer *lx, size_t n)
{
    while (n-- && lx->pos < lx->len) {
        unsigned char c = (unsigned char)lx->src[lx->pos++];
        if (c == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            lx->col++;
        }
    }
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_ident(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }

static void skip_blank(gv_lexer *lx)
{
    for (;;) {
        int c = peek_at(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            advance(lx, 1);
        } else if (c == '#') {
            while (peek_at(lx, 0) != -1 && peek_at(lx, 0) != '\n')
                advance(lx, 1);
        } else {
            return;
        }
    }
}

static gv_token make(const gv_lexer *lx, gv_tok_kind k)
{
    gv_token t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.loc.line = lx->line;
    t.loc.col = lx->col;
    t.start = lx->pos;
    return t;
}

static gv_token fail(gv_lexer *lx, gv_token t, const char *why)
{
    t.kind = GV_TOK_ERROR;
    t.text = why;
    t.len = strlen(why);
    t.end = lx->pos;
    return t;
}

static gv_token punct(gv_lexer *lx, gv_tok_kind k, size_t n)
{
    gv_token t = make(lx, k);
    advance(lx, n);
    t.end = lx->pos;
    return t;
}

/* Quoted text where only backslash-before-terminator is an escape: cfn-guard
 * 3.1.1 keeps every other backslash verbatim ("a\nb" is 4 chars, "a\\b" is
 * 4 chars) and `\<quote>` yields the quote. Used for strings and regexes. */
static gv_token scan_quoted(gv_lexer *lx, gv_tok_kind k, int quote, const char *unterminated)
{
    gv_token t = make(lx, k);
    advance(lx, 1);
    size_t from = lx->pos, n = 0;
    char *out = gv_arena_alloc(lx->arena, lx->len - from + 1);
    if (!out)
        return fail(lx, t, "out of memory");
    for (;;) {
        int c = peek_at(lx, 0);
        if (c == -1)
            return fail(lx, t, unterminated);
        if (c == quote)
            break;
        if (c == '\\' && peek_at(lx, 1) == quote) {
            out[n++] = (char)quote;
            advance(lx, 2);
            continue;
        }
        out[n++] = (char)c;
        advance(lx, 1);
    }
    advance(lx, 1);
    out[n] = '\0';
    t.text = out;
    t.len = n;
    t.end = lx->pos;
    if (k == GV_TOK_REGEX && n == 0)
        return fail(lx, t, "empty regex literal //");
    return t;
}

/* Integers are 64-bit; a float needs digits on both sides of the point
 * (cfn-guard rejects "1e3", ".5", "5." and negative floats, all probed). */
static gv_token scan_number(gv_lexer *lx)
{
    gv_token t = make(lx, GV_TOK_INT);
    size_t p = lx->pos;
    int neg = lx->src[p] == '-';
    if (neg)
        p++;
    while (p < lx->len && is_digit((unsigned char)lx->src[p]))
        p++;
    int is_float = 0;
    /* right after a query dot, `x.2.0` is two indexes, not x . 2.0 (probed) */
    int after_dot = lx->pos > 0 && lx->src[lx->pos - 1] == '.';
    if (!after_dot && p + 1 < lx->len && lx->src[p] == '.' && is_digit((unsigned char)lx->src[p + 1])) {
        is_float = 1;
        p += 2;
        while (p < lx->len && is_digit((unsigned char)lx->src[p]))
            p++;
        size_t q = p;
        if (q < lx->len && (lx->src[q] == 'e' || lx->src[q] == 'E')) {
            q++;
            if (q < lx->len && (lx->src[q] == '+' || lx->src[q] == '-'))
                q++;
            if (q < lx->len && is_digit((unsigned char)lx->src[q])) {
                while (q < lx->len && is_digit((unsigned char)lx->src[q]))
                    q++;
                p = q;
            }
        }
    }
    char *txt = gv_arena_strndup(lx->arena, lx->src + lx->pos, p - lx->pos);
    advance(lx, p - lx->pos);
    t.end = lx->pos;
    if (!txt)
        return fail(lx, t, "out of memory");
    t.text = txt;
    t.len = strlen(txt);
    if (is_float && neg)
        return fail(lx, t, "negative float literals are not supported (cfn-guard 3.1.1 rejects them)");
    errno = 0;
    if (is_float) {
        t.kind = GV_TOK_FLOAT;
        t.fval = strtod(txt, NULL);
    } else {
        t.ival = strtoll(txt, NULL, 10);
        if (errno == ERANGE)
            return fail(lx, t, "integer literal out of 64-bit range");
    }
    return t;
}

/* An identifier, or a resource type name when '::' follows (A::B::C). */
static gv_token scan_word(gv_lexer *lx)
{
    gv_token t = make(lx, GV_TOK_IDENT);
    size_t p = lx->pos;
    while (p < lx->len && is_ident((unsigned char)lx->src[p]))
        p++;
    while (p + 2 < lx->len && lx->src[p] == ':' && lx->src[p + 1] == ':' &&
           is_alpha((unsigned char)lx->src[p + 2])) {
        t.kind = GV_TOK_TYPENAME;
        p += 2;
        while (p < lx->len && is_ident((unsigned char)lx->src[p]))
            p++;
    }
    t.text = gv_arena_strndup(lx->arena, lx->src + lx->pos, p - lx->pos);
    t.len = p - lx->pos;
    advance(lx, p - lx->pos);
    t.end = lx->pos;
    if (!t.text)
        return fail(lx, t, "out of memory");
    if (t.kind == GV_TOK_IDENT)
        t.kw = gv_keyword(t.text, t.len);
    return t;
}

static gv_token scan_var(gv_lexer *lx)
{
    gv_token t = make(lx, GV_TOK_VAR);
    if (!is_alpha(peek_at(lx, 1))) {
        advance(lx, 1);
        return fail(lx, t, "expected a variable name after '%'");
    }
    advance(lx, 1);
    size_t p = lx->pos;
    while (p < lx->len && is_ident((unsigned char)lx->src[p]))
        p++;
    t.text = gv_arena_strndup(lx->arena, lx->src + lx->pos, p - lx->pos);
    t.len = p - lx->pos;
    advance(lx, p - lx->pos);
    t.end = lx->pos;
    return t.text ? t : fail(lx, t, "out of memory");
}

/* << ... >>: everything up to the first '>>' (a '<<' inside is just text,
 * as in several Control Tower files), newlines included. */
static gv_token scan_message(gv_lexer *lx)
{
    gv_token t = make(lx, GV_TOK_MESSAGE);
    advance(lx, 2);
    size_t from = lx->pos;
    while (lx->pos < lx->len && !(peek_at(lx, 0) == '>' && peek_at(lx, 1) == '>'))
        advance(lx, 1);
    if (lx->pos >= lx->len)
        return fail(lx, t, "unterminated custom message: missing '>>'");
    t.text = gv_arena_strndup(lx->arena, lx->src + from, lx->pos - from);
    t.len = lx->pos - from;
    advance(lx, 2);
    t.end = lx->pos;
    return t.text ? t : fail(lx, t, "out of memory");
}

static gv_token scan_operator(gv_lexer *lx, int c)
{
    int d = peek_at(lx, 1);
    switch (c) {
    case '=': return d == '=' ? punct(lx, GV_TOK_EQ, 2) : punct(lx, GV_TOK_ASSIGN, 1);
    case '!': return d == '=' ? punct(lx, GV_TOK_NE, 2) : punct(lx, GV_TOK_BANG, 1);
    case '<':
        if (d == '<')
            return scan_message(lx);
        return d == '=' ? punct(lx, GV_TOK_LE, 2) : punct(lx, GV_TOK_LT, 1);
    case '>': return d == '=' ? punct(lx, GV_TOK_GE, 2) : punct(lx, GV_TOK_GT, 1);
    case '|':
        if (lx->pos + 4 <= lx->len && memcmp(lx->src + lx->pos, "|OR|", 4) == 0)
            return punct(lx, GV_TOK_PIPE_OR, 4);
        break;
    }
    gv_token t = make(lx, GV_TOK_ERROR);
    advance(lx, 1);
    if (c == '|')
        return fail(lx, t, "expected '|OR|'");
    const char *why = c >= 0x20 && c < 0x7f ? gv_arena_sprintf(lx->arena, "unexpected character '%c'", c)
                                            : gv_arena_sprintf(lx->arena, "unexpected byte 0x%02x", c);
    return fail(lx, t, why ? why : "unexpected character");
}

gv_token gv_lex_next(gv_lexer *lx)
{
    skip_blank(lx);
    int c = peek_at(lx, 0);
    switch (c) {
    case -1: return make(lx, GV_TOK_EOF);
    case '{': return punct(lx, GV_TOK_LBRACE, 1);
    case '}': return punct(lx, GV_TOK_RBRACE, 1);
    case '[': return punct(lx, GV_TOK_LBRACKET, 1);
    case ']': return punct(lx, GV_TOK_RBRACKET, 1);
    case '(': return punct(lx, GV_TOK_LPAREN, 1);
    case ')': return punct(lx, GV_TOK_RPAREN, 1);
    case '.': return punct(lx, GV_TOK_DOT, 1);
    case ',': return punct(lx, GV_TOK_COMMA, 1);
    case ':': return punct(lx, GV_TOK_COLON, 1);
    case '*': return punct(lx, GV_TOK_STAR, 1);
    case '%': return scan_var(lx);
    case '"': return scan_quoted(lx, GV_TOK_STRING, '"', "unterminated string literal");
    case '\'': return scan_quoted(lx, GV_TOK_STRING, '\'', "unterminated string literal");
    case '/': return scan_quoted(lx, GV_TOK_REGEX, '/', "unterminated regex literal");
    }
    if (is_digit(c) || (c == '-' && is_digit(peek_at(lx, 1))))
        return scan_number(lx);
    if (is_alpha(c))
        return scan_word(lx);
    return scan_operator(lx, c);
}

gv_token gv_lex_map_key(gv_lexer *lx)
{
    skip_blank(lx);
    int c = peek_at(lx, 0);
    if (c == '"' || c == '\'')
        return scan_quoted(lx, GV_TOK_STRING, c, "unterminated string literal");
    gv_token t = make(lx, GV_TOK_STRING);
    size_t p = lx->pos;
    while (p < lx->len && (is_ident((unsigned char)lx->src[p]) || lx->src[p] == '-'))
        p++;
    if (p == lx->pos)
        return gv_lex_next(lx);
    t.text = gv_arena_strndup(lx->arena, lx->src + lx->pos, p - lx->pos);
    t.len = p - lx->pos;
    advance(lx, p - lx->pos);
    t.end = lx->pos;
    return t.text ? t : fail(lx, t, "out of memory");
}

/* Spellings accepted by cfn-guard 3.1.1 (probed): lower case everywhere;
 * upper case for the operators and some/not/in/or/when/this; capitalised
 * only for True/False; NULL but not Null. `keys` is lower case only. */
static const struct { const char *word; gv_kw kw; } keywords[] = {
    {"let", GV_KW_LET}, {"rule", GV_KW_RULE},
    {"when", GV_KW_WHEN}, {"WHEN", GV_KW_WHEN},
    {"some", GV_KW_SOME}, {"SOME", GV_KW_SOME},
    {"not", GV_KW_NOT}, {"NOT", GV_KW_NOT},
    {"or", GV_KW_OR}, {"OR", GV_KW_OR},
    {"in", GV_KW_IN}, {"IN", GV_KW_IN},
    {"this", GV_KW_THIS}, {"THIS", GV_KW_THIS},
    {"keys", GV_KW_KEYS},
    {"true", GV_KW_TRUE}, {"True", GV_KW_TRUE},
    {"false", GV_KW_FALSE}, {"False", GV_KW_FALSE},
    {"null", GV_KW_NULL}, {"NULL", GV_KW_NULL},
    {"exists", GV_KW_EXISTS}, {"EXISTS", GV_KW_EXISTS},
    {"empty", GV_KW_EMPTY}, {"EMPTY", GV_KW_EMPTY},
    {"is_string", GV_KW_IS_STRING}, {"IS_STRING", GV_KW_IS_STRING},
    {"is_list", GV_KW_IS_LIST}, {"IS_LIST", GV_KW_IS_LIST},
    {"is_struct", GV_KW_IS_STRUCT}, {"IS_STRUCT", GV_KW_IS_STRUCT},
    {"is_bool", GV_KW_IS_BOOL}, {"IS_BOOL", GV_KW_IS_BOOL},
    {"is_int", GV_KW_IS_INT}, {"IS_INT", GV_KW_IS_INT},
    {"is_float", GV_KW_IS_FLOAT}, {"IS_FLOAT", GV_KW_IS_FLOAT},
    {"is_null", GV_KW_IS_NULL}, {"IS_NULL", GV_KW_IS_NULL},
};

gv_kw gv_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, n) == 0)
            return keywords[i].kw;
    return GV_KW_NONE;
}

const char *gv_tok_kind_name(gv_tok_kind k)
{
    static const char *names[GV_TOK__COUNT] = {
        [GV_TOK_EOF] = "end of file", [GV_TOK_ERROR] = "invalid token",
        [GV_TOK_IDENT] = "identifier", [GV_TOK_TYPENAME] = "type name",
        [GV_TOK_VAR] = "variable", [GV_TOK_STRING] = "string",
        [GV_TOK_REGEX] = "regex", [GV_TOK_INT] = "integer",
        [GV_TOK_FLOAT] = "float", [GV_TOK_MESSAGE] = "custom message",
        [GV_TOK_LBRACE] = "'{'", [GV_TOK_RBRACE] = "'}'",
        [GV_TOK_LBRACKET] = "'['", [GV_TOK_RBRACKET] = "']'",
        [GV_TOK_LPAREN] = "'('", [GV_TOK_RPAREN] = "')'",
        [GV_TOK_DOT] = "'.'", [GV_TOK_COMMA] = "','", [GV_TOK_COLON] = "':'",
        [GV_TOK_STAR] = "'*'", [GV_TOK_EQ] = "'=='", [GV_TOK_NE] = "'!='",
        [GV_TOK_LT] = "'<'", [GV_TOK_LE] = "'<='", [GV_TOK_GT] = "'>'",
        [GV_TOK_GE] = "'>='", [GV_TOK_BANG] = "'!'", [GV_TOK_ASSIGN] = "'='",
        [GV_TOK_PIPE_OR] = "'|OR|'",
    };
    return (unsigned)k < GV_TOK__COUNT && names[k] ? names[k] : "token";
}

const char *gv_tok_describe(gv_arena *a, const gv_token *t)
{
    switch (t->kind) {
    case GV_TOK_IDENT:
    case GV_TOK_TYPENAME:
        return gv_arena_sprintf(a, "'%.40s'", t->text);
    case GV_TOK_VAR:
        return gv_arena_sprintf(a, "'%%%.40s'", t->text);
    case GV_TOK_INT:
    case GV_TOK_FLOAT:
        return gv_arena_sprintf(a, "%s %.40s", gv_tok_kind_name(t->kind), t->text);
    case GV_TOK_STRING:
        return gv_arena_sprintf(a, "string \"%.40s\"", t->text);
    case GV_TOK_REGEX:
        return gv_arena_sprintf(a, "regex /%.40s/", t->text);
    default:
        return gv_tok_kind_name(t->kind);
    }
}
