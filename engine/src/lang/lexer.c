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
    const unsigned char *s = (const unsigned char *)lx->src;
    size_t pos = lx->pos, end = pos + n < lx->len ? pos + n : lx->len;
    uint32_t line = lx->line, col = lx->col;
    for (; pos < end; pos++) {
        unsigned char c = s[pos];
        if (c == '\n') {
            line++;
            col = 1;
        } else {
            col += (c & 0xC0) != 0x80;
        }
    }
    lx->pos = pos;
    lx->line = line;
    lx->col = col;
}

/* For tokens known to be ASCII without newlines (words, numbers, operators). */
static void advance_ascii(gv_lexer *lx, size_t n)
{
    lx->pos += n;
    lx->col += (uint32_t)n;
}

static int is_alpha(int c) { return (unsigned)((c | 0x20) - 'a') < 26; }
static int is_digit(int c) { return (unsigned)(c - '0') < 10; }
static int is_ident(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }

/* Blanks and comments: one tight loop, as most of a rules file is either. */
static void skip_blank(gv_lexer *lx)
{
    const unsigned char *s = (const unsigned char *)lx->src;
    size_t pos = lx->pos, len = lx->len;
    uint32_t line = lx->line, col = lx->col;
    while (pos < len) {
        unsigned char c = s[pos];
        if (c == '\n') {
            line++;
            col = 1;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            col++;
        } else if (c == '#') {
            /* the newline ending a comment resets the column: only a
             * comment running to the end of the file needs counting */
            const unsigned char *nl = memchr(s + pos, '\n', len - pos);
            if (nl) {
                pos = (size_t)(nl - s);
                continue;
            }
            for (; pos < len; pos++)
                col += (s[pos] & 0xC0) != 0x80;
            continue;
        } else {
            break;
        }
        pos++;
    }
    lx->pos = pos;
    lx->line = line;
    lx->col = col;
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
    advance_ascii(lx, n);
    t.end = lx->pos;
    return t;
}

/* Quoted text where only backslash-before-terminator is an escape: cfn-guard
 * 3.1.1 keeps every other backslash verbatim ("a\nb" is 4 chars, "a\\b" is
 * 4 chars) and `\<quote>` yields the quote. Used for strings and regexes. */
static gv_token scan_quoted(gv_lexer *lx, gv_tok_kind k, int quote, const char *unterminated)
{
    gv_token t = make(lx, k);
    const char *src = lx->src;
    size_t from = lx->pos + 1, i = from, n = 0;
    while (i < lx->len && src[i] != quote)
        i += src[i] == '\\' && i + 1 < lx->len && src[i + 1] == quote ? 2 : 1;
    if (i >= lx->len) {
        advance(lx, lx->len - lx->pos);
        return fail(lx, t, unterminated);
    }
    char *out = gv_arena_alloc_bytes(lx->arena, i - from + 1);
    if (!out)
        return fail(lx, t, "out of memory");
    for (size_t j = from; j < i; j++) {
        if (src[j] == '\\' && j + 1 < i && src[j + 1] == quote)
            j++;
        out[n++] = src[j];
    }
    out[n] = '\0';
    advance(lx, i + 1 - lx->pos);
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
    t.len = p - lx->pos;
    advance_ascii(lx, p - lx->pos);
    t.end = lx->pos;
    if (!txt)
        return fail(lx, t, "out of memory");
    t.text = txt;
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
    advance_ascii(lx, p - lx->pos);
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
    advance_ascii(lx, 1);
    size_t p = lx->pos;
    while (p < lx->len && is_ident((unsigned char)lx->src[p]))
        p++;
    t.text = gv_arena_strndup(lx->arena, lx->src + lx->pos, p - lx->pos);
    t.len = p - lx->pos;
    advance_ascii(lx, p - lx->pos);
    t.end = lx->pos;
    return t.text ? t : fail(lx, t, "out of memory");
}

/* << ... >>: everything up to the first '>>' (a '<<' inside is just text,
 * as in several Control Tower files), newlines included. */
static gv_token scan_message(gv_lexer *lx)
{
    gv_token t = make(lx, GV_TOK_MESSAGE);
    advance_ascii(lx, 2);
    size_t from = lx->pos, i = from;
    for (;;) { /* custom messages are long: find each '>' with memchr */
        const char *gt = i < lx->len ? memchr(lx->src + i, '>', lx->len - i) : NULL;
        i = gt ? (size_t)(gt - lx->src) : lx->len;
        if (i + 1 >= lx->len || lx->src[i + 1] == '>')
            break;
        i++;
    }
    advance(lx, (i + 1 < lx->len ? i : lx->len) - lx->pos);
    if (lx->pos >= lx->len)
        return fail(lx, t, "unterminated custom message: missing '>>'");
    t.text = gv_arena_strndup(lx->arena, lx->src + from, lx->pos - from);
    t.len = lx->pos - from;
    advance_ascii(lx, 2);
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
    advance_ascii(lx, p - lx->pos);
    t.end = lx->pos;
    return t.text ? t : fail(lx, t, "out of memory");
}

/* Spellings accepted by cfn-guard 3.1.1 (probed): lower case everywhere;
 * upper case for the operators and some/not/in/or/when/this; capitalised
 * only for True/False; NULL but not Null. `keys` is lower case only. */
static const struct { const char *word; uint8_t len; gv_kw kw; } keywords[] = {
    {"let", 3, GV_KW_LET}, {"rule", 4, GV_KW_RULE},
    {"when", 4, GV_KW_WHEN}, {"WHEN", 4, GV_KW_WHEN},
    {"some", 4, GV_KW_SOME}, {"SOME", 4, GV_KW_SOME},
    {"not", 3, GV_KW_NOT}, {"NOT", 3, GV_KW_NOT},
    {"or", 2, GV_KW_OR}, {"OR", 2, GV_KW_OR},
    {"in", 2, GV_KW_IN}, {"IN", 2, GV_KW_IN},
    {"this", 4, GV_KW_THIS}, {"THIS", 4, GV_KW_THIS},
    {"keys", 4, GV_KW_KEYS},
    {"true", 4, GV_KW_TRUE}, {"True", 4, GV_KW_TRUE},
    {"false", 5, GV_KW_FALSE}, {"False", 5, GV_KW_FALSE},
    {"null", 4, GV_KW_NULL}, {"NULL", 4, GV_KW_NULL},
    {"exists", 6, GV_KW_EXISTS}, {"EXISTS", 6, GV_KW_EXISTS},
    {"empty", 5, GV_KW_EMPTY}, {"EMPTY", 5, GV_KW_EMPTY},
    {"is_string", 9, GV_KW_IS_STRING}, {"IS_STRING", 9, GV_KW_IS_STRING},
    {"is_list", 7, GV_KW_IS_LIST}, {"IS_LIST", 7, GV_KW_IS_LIST},
    {"is_struct", 9, GV_KW_IS_STRUCT}, {"IS_STRUCT", 9, GV_KW_IS_STRUCT},
    {"is_bool", 7, GV_KW_IS_BOOL}, {"IS_BOOL", 7, GV_KW_IS_BOOL},
    {"is_int", 6, GV_KW_IS_INT}, {"IS_INT", 6, GV_KW_IS_INT},
    {"is_float", 8, GV_KW_IS_FLOAT}, {"IS_FLOAT", 8, GV_KW_IS_FLOAT},
    {"is_null", 7, GV_KW_IS_NULL}, {"IS_NULL", 7, GV_KW_IS_NULL},
};

/* Every identifier is looked up: words of other lengths (most of them) or
 * first letters are turned away before any comparison. */
gv_kw gv_keyword(const char *s, size_t n)
{
    if (n < 2 || n > 9)
        return GV_KW_NONE;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (keywords[i].len == n && keywords[i].word[0] == s[0] && memcmp(keywords[i].word, s, n) == 0)
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
