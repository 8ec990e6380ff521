/* JSON fast path. cfn-guard reads JSON with its YAML parser, so a JSON file
 * means what YAML flow syntax says it means, quirks included (trailing
 * commas, "[1 2]", keys whose ':' is on the next line fail, ...). This
 * scanner handles plain JSON only, where the two readings are provably the
 * same, and declines everything else to the YAML loader: it never reports
 * a syntax error of its own. Locations are the libyaml marks the YAML
 * loader would give: 0-based internally, characters not bytes. */
#include <stdlib.h>
#include <string.h>

#include "doc/loaders.h"
#include "doc/utf8.h"
#include "doc/yaml_scalar.h"

/* libyaml forgets a pending key once its ':' is more than this many bytes
 * away (cfn-guard's libyaml counts bytes); the YAML loader then fails. */
#define JSON_KEY_REACH 1024

typedef struct jframe {
    gv_node *node;
    size_t mark;         /* scratch-stack position of its first child */
    const gv_key *key;   /* maps: key read, value pending */
    uint32_t key_line, key_col;
} jframe;

typedef struct jscan {
    const char *p, *end;
    const char *line_start;
    uint32_t line;       /* 0-based */
    uint32_t cont;       /* UTF-8 continuation bytes since line_start */
    const gv_load_opts *opts;
    gv_builder b;
    jframe *frames;
    size_t depth, cap;
    char *scratch;       /* decoded escaped keys */
    size_t scratch_cap;
    int oom;
} jscan;

enum { J_DECLINE = 0, J_OK = 1 };

static uint32_t scan_col(const jscan *s)
{
    return (uint32_t)(s->p - s->line_start) - s->cont;
}

static int new_line(jscan *s, size_t br)
{
    s->p += br;
    s->line++;
    s->line_start = s->p;
    s->cont = 0;
    return 1;
}

/* Blanks between tokens inside a collection (tabs are fine there). */
static void skip_ws(jscan *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ' || c == '\t')
            s->p++;
        else if (c == '\n' || c == '\r')
            new_line(s, gv_text_break(s->p, (size_t)(s->end - s->p)));
        else
            break;
    }
}

/* Blanks outside the root collection: a tab there starts a token to YAML. */
static void skip_outer_ws(jscan *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == ' ')
            s->p++;
        else if (c == '\n' || c == '\r')
            new_line(s, gv_text_break(s->p, (size_t)(s->end - s->p)));
        else
            break;
    }
}

static int hex4(const char *p, const char *end, uint32_t *out)
{
    if (end - p < 4)
        return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *out = v;
    return 1;
}

/* A non-ASCII character inside a string that YAML reads as the same
 * character: not C1 controls (NEL is a line break), LS, PS, U+FFFE/F. */
static size_t plain_multibyte(const unsigned char *q, const char *end)
{
    size_t n;
    uint32_t cp = gv_utf8_decode((const char *)q, (size_t)(end - (const char *)q), &n);
    if (cp < 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

/* Finds the end of the string at s->p (the opening quote). Returns its raw
 * length, sets *escaped; 0 with *bad set when YAML might read it otherwise. */
static size_t string_extent(jscan *s, int *escaped, int *bad)
{
    const unsigned char *q = (const unsigned char *)s->p + 1, *end = (const unsigned char *)s->end;
    *escaped = *bad = 0;
    while (q < end && *q != '"') {
        unsigned char c = *q;
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            q++;
        } else if (c == '\\') {
            *escaped = 1;
            if (q + 1 >= end)
                break;
            q += 2;
        } else if (c >= 0x80) {
            size_t n = plain_multibyte(q, s->end);
            if (!n)
                break;
            s->cont += (uint32_t)(n - 1);
            q += n;
        } else {
            break; /* raw control character or line break: YAML folds or rejects */
        }
    }
    if (q >= end || *q != '"') {
        *bad = 1;
        return 0;
    }
    return (size_t)(q - (const unsigned char *)s->p) - 1;
}

/* Decodes raw (the escaped text between the quotes) into out; returns the
 * decoded length, or (size_t)-1 on an escape YAML reads otherwise. */
static size_t decode_escapes(const char *raw, size_t n, char *out)
{
    const char *p = raw, *end = raw + n;
    char *o = out;
    while (p < end) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        uint32_t cp;
        switch (*p) {
        case '"': case '\\': case '/': *o++ = *p; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u':
            /* libyaml rejects surrogate escapes, pairs included */
            if (!hex4(p + 1, end, &cp) || (cp >= 0xD800 && cp <= 0xDFFF))
                return (size_t)-1;
            o += gv_utf8_encode(cp, o); /* never longer than the escape */
            p += 4;
            break;
        default:
            return (size_t)-1; /* YAML-only escapes such as \x41, \e, \N */
        }
        p++;
    }
    return (size_t)(o - out);
}

static int scratch_reserve(jscan *s, size_t n)
{
    if (n <= s->scratch_cap)
        return 1;
    size_t cap = s->scratch_cap ? s->scratch_cap : 256;
    while (cap < n)
        cap *= 2;
    char *p = realloc(s->scratch, cap);
    if (!p) {
        s->oom = 1;
        return 0;
    }
    s->scratch = p;
    s->scratch_cap = cap;
    return 1;
}

/* Reads the string at s->p; *out points at its bytes (arena copy when
 * in_arena, else the text or the scratch buffer). */
static int scan_string(jscan *s, int in_arena, const char **out, size_t *len)
{
    int escaped, bad;
    const char *raw = s->p + 1;
    size_t n = string_extent(s, &escaped, &bad);
    if (bad)
        return J_DECLINE;
    s->p = raw + n + 1;
    char *buf = NULL;
    if (escaped) {
        buf = in_arena ? gv_arena_alloc(gv_doc_arena(s->b.doc), n + 1)
                       : (scratch_reserve(s, n + 1) ? s->scratch : NULL);
        if (!buf)
            return s->oom = 1, J_DECLINE;
        n = decode_escapes(raw, n, buf);
        if (n == (size_t)-1)
            return J_DECLINE;
        buf[n] = '\0';
        raw = buf;
    } else if (in_arena) {
        if (!(buf = gv_arena_strndup(gv_doc_arena(s->b.doc), raw, n)))
            return s->oom = 1, J_DECLINE;
        raw = buf;
    }
    *out = raw;
    *len = n;
    return J_OK;
}

static int is_delim(const jscan *s)
{
    if (s->p >= s->end)
        return 1;
    char c = *s->p;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}';
}

static const char *skip_digits(const char *p, const char *end)
{
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* Past the JSON number at p, or NULL when there is none. */
static const char *number_end(const char *p, const char *end)
{
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0')
        p++;
    else if (p < end && *p >= '1' && *p <= '9')
        p = skip_digits(p, end);
    else
        return NULL;
    if (p < end && *p == '.') {
        const char *f = p + 1;
        if ((p = skip_digits(f, end)) == f)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *e = p;
        if ((p = skip_digits(e, end)) == e)
            return NULL;
    }
    return p;
}

static const char *literal_end(const char *p, const char *end)
{
    static const char *const words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
            return p + n;
    }
    return NULL;
}

/* JSON number, true, false or null: typed as the YAML plain scalar it is. */
static gv_node *scan_word(jscan *s, uint32_t line, uint32_t col)
{
    const char *start = s->p;
    const char *p = number_end(start, s->end);
    if (!p)
        p = literal_end(start, s->end);
    if (!p)
        return NULL;
    s->p = p;
    if (!is_delim(s))
        return NULL;
    gv_node *n = gv_yaml_plain_scalar(s->b.doc, start, (size_t)(p - start), line, col);
    if (!n)
        s->oom = 1;
    return n;
}

static int push_frame(jscan *s, int is_map, uint32_t line, uint32_t col)
{
    if (s->depth >= s->opts->max_depth)
        return J_DECLINE; /* the YAML loader reports it, at the same place */
    if (s->depth == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        jframe *f = realloc(s->frames, cap * sizeof *f);
        if (!f)
            return s->oom = 1, J_DECLINE;
        s->frames = f;
        s->cap = cap;
    }
    jframe *f = &s->frames[s->depth++];
    memset(f, 0, sizeof *f);
    f->node = gv_node_new(s->b.doc, is_map ? GV_MAP : GV_LIST, line + 1, col + 1);
    f->mark = is_map ? s->b.mlen : s->b.ilen;
    s->p++;
    return f->node ? J_OK : (s->oom = 1, J_DECLINE);
}

/* Reads `"key" :` and leaves s->p on the value. */
static int scan_key(jscan *s)
{
    jframe *f = &s->frames[s->depth - 1];
    if (s->p >= s->end || *s->p != '"')
        return J_DECLINE;
    const char *start = s->p;
    uint32_t line = s->line, col = scan_col(s);
    const char *k;
    size_t n;
    if (!scan_string(s, 0, &k, &n))
        return J_DECLINE;
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
        s->p++;
    /* the ':' must be where libyaml still takes the string for a key */
    if (s->p >= s->end || *s->p != ':' || s->p - start > JSON_KEY_REACH)
        return J_DECLINE;
    s->p++;
    if (!(f->key = gv_doc_intern(s->b.doc, k, n)))
        return s->oom = 1, J_DECLINE;
    f->key_line = line + 1;
    f->key_col = col + 1;
    skip_ws(s);
    return J_OK;
}

static int attach(jscan *s, gv_node *node)
{
    jframe *f = &s->frames[s->depth - 1];
    int ok = f->node->kind == GV_LIST
                 ? gv_builder_push_item(&s->b, node)
                 : gv_builder_push_member(&s->b, f->key, node, f->key_line, f->key_col);
    return ok ? J_OK : (s->oom = 1, J_DECLINE);
}

static gv_node *close_frame(jscan *s)
{
    jframe *f = &s->frames[--s->depth];
    const gv_member *dup;
    s->p++;
    int ok = f->node->kind == GV_LIST ? gv_builder_finish_list(&s->b, f->node, f->mark)
                                      : gv_builder_finish_map(&s->b, f->node, f->mark,
                                                              GV_YAML_DUPKEYS, &dup) > 0;
    return ok ? f->node : (s->oom = 1, NULL);
}

/* Reads the value at s->p. A collection opens a frame and yields NULL with
 * *opened set; a scalar yields its node. */
static gv_node *scan_value(jscan *s, int *opened)
{
    uint32_t line = s->line, col = scan_col(s);
    *opened = 0;
    if (s->p >= s->end)
        return NULL;
    char c = *s->p;
    if (c == '{' || c == '[') {
        *opened = push_frame(s, c == '{', line, col);
        return NULL;
    }
    if (c != '"')
        return scan_word(s, line + 1, col + 1);
    const char *str;
    size_t n;
    gv_node *node;
    if (!scan_string(s, 1, &str, &n) || n > UINT32_MAX ||
        !(node = gv_node_new(s->b.doc, GV_STRING, line + 1, col + 1)))
        return NULL;
    node->u.s = str;
    node->len = (uint32_t)n;
    return node;
}

/* After a value: ',' and the next entry, or the end of the collection.
 * Returns J_OK with *done set when the root has closed. */
static int scan_after(jscan *s, gv_node **root, int *done)
{
    for (;;) {
        skip_ws(s);
        jframe *f = &s->frames[s->depth - 1];
        char close = f->node->kind == GV_MAP ? '}' : ']';
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            skip_ws(s);
            if (s->p < s->end && (*s->p == '}' || *s->p == ']'))
                return J_DECLINE; /* trailing comma: YAML takes it, JSON does not */
            return f->node->kind == GV_MAP ? scan_key(s) : J_OK;
        }
        if (s->p >= s->end || *s->p != close)
            return J_DECLINE;
        gv_node *node = close_frame(s);
        if (!node)
            return J_DECLINE;
        if (s->depth == 0) {
            *root = node;
            *done = 1;
            return J_OK;
        }
        if (!attach(s, node))
            return J_DECLINE;
    }
}

/* Just after a collection opened: empty, or its first entry. Returns 1
 * when it closed at once (the node is then attached or the root). */
static int scan_open(jscan *s, gv_node **root, int *done)
{
    skip_ws(s);
    jframe *f = &s->frames[s->depth - 1];
    char close = f->node->kind == GV_MAP ? '}' : ']';
    if (s->p < s->end && *s->p == close)
        return scan_after(s, root, done);
    return f->node->kind == GV_MAP ? scan_key(s) : J_OK;
}

static int scan_document(jscan *s, gv_node **root)
{
    int done = 0, opened;
    if (!push_frame(s, *s->p == '{', s->line, scan_col(s)) || !scan_open(s, root, &done))
        return J_DECLINE;
    while (!done) {
        gv_node *v = scan_value(s, &opened);
        if (opened) {
            if (!scan_open(s, root, &done))
                return J_DECLINE;
            continue;
        }
        if (!v || !attach(s, v) || !scan_after(s, root, &done))
            return J_DECLINE;
    }
    skip_outer_ws(s);
    return s->p == s->end; /* anything after the root is YAML's business */
}

gv_json_result gv_json_load(gv_doc *d, const char *text, size_t len, const gv_load_opts *o,
                            gv_node **root, gv_error *err)
{
    jscan s = { 0 };
    s.p = s.line_start = text;
    s.end = text + len;
    s.opts = o;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        s.p += 3, s.cont = 2; /* one column, as libyaml counts it */
    gv_builder_init(&s.b, d);
    skip_outer_ws(&s);
    int ok = s.p < s.end && (*s.p == '{' || *s.p == '[') && s.opts->max_depth > 0 &&
             scan_document(&s, root);
    gv_builder_free(&s.b);
    free(s.frames);
    free(s.scratch);
    if (s.oom) {
        gv_error_set(err, GV_E_NOMEM, gv_doc_name(d), (gv_loc){ 0, 0 }, "out of memory loading JSON");
        return GV_JSON_FAILED;
    }
    return ok ? GV_JSON_OK : GV_JSON_DECLINED;
}
