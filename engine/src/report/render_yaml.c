/* serde_yaml 0.9 (libyaml's emitter): block mappings and indentless block
 * sequences, two-space indent, {} and [] for empty collections, and the
 * scalar style libyaml picks: plain when that reads back as the same
 * string, else single-quoted, else double-quoted; strings with line
 * breaks as literal blocks when possible. */
#include <string.h>

#include "report/fmt.h"
#include "report/jtree.h"
#include "report/yaml_emit.h"

/* A value to emit: a tree node or a document node. */
typedef struct yv {
    const gv_jt *jt;
    const gv_node *doc;
} yv;

static void emit_value(gv_buf *out, yv v, int ind, int in_seq);

/* ---- scalar style ---- */

static int utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* libyaml's IS_PRINTABLE on the UTF-8 sequence at s, with characters
 * beyond the BMP printable as the oracle's emitter has them (probed). */
static int printable(const unsigned char *s, size_t left)
{
    unsigned char c = s[0], n1 = left > 1 ? s[1] : 0, n2 = left > 2 ? s[2] : 0;
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && n1 >= 0xA0) || (c > 0xC2 && c < 0xED) ||
           (c >= 0xF0 && c <= 0xF4) ||
           (c == 0xED && n1 < 0xA0) || c == 0xEE ||
           (c == 0xEF && !(n1 == 0xBB && n2 == 0xBF) && !(n1 == 0xBF && (n2 == 0xBE || n2 == 0xBF)));
}

static int is_break(unsigned char c) { return c == '\n' || c == '\r'; }
static int is_blankz(const char *s, size_t i, size_t n)
{
    return i >= n || s[i] == ' ' || s[i] == '\t' || is_break((unsigned char)s[i]);
}

typedef struct analysis {
    int multiline, flow_plain, block_plain, single_ok, block_ok;
} analysis;

/* A byte that, past the first, changes nothing in the analysis below but
 * the state a plain character leaves: printable ASCII other than space and
 * the indicators looked at after the first byte (, ? [ ] { } : #). Most of
 * a report's text: runs of them are stepped over at once. */
static const unsigned char dull[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The first byte from i on that is neither dull nor a space followed by
 * a dull byte, or n. Entered after a dull byte, such a run leaves the
 * analysis as a dull byte does: a space inside it follows no line break,
 * precedes no line break, no `#` and is not last. Text is mostly words. */
static size_t skip_dull(const char *s, size_t i, size_t n)
{
    while (i < n) {
        if (dull[(unsigned char)s[i]])
            i++;
        else if (s[i] == ' ' && i + 1 < n && dull[(unsigned char)s[i + 1]])
            i += 2;
        else
            break;
    }
    return i;
}

/* yaml_emitter_analyze_scalar. */
static analysis analyze(const char *s, size_t n)
{
    analysis a = { 0, 1, 1, 1, 1 };
    if (n == 0) {
        a.flow_plain = a.block_plain = a.block_ok = 0;
        return a;
    }
    int flow_ind = 0, block_ind = 0, line_breaks = 0, special = 0;
    int lead_space = 0, lead_break = 0, trail_space = 0, trail_break = 0, break_space = 0, space_break = 0;
    int prev_space = 0, prev_break = 0, preceded_ws = 1;
    if ((n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3))))
        flow_ind = block_ind = 1;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (i > 0 && dull[c]) {
            i = skip_dull(s, i + 1, n);
            prev_space = prev_break = preceded_ws = 0;
            continue;
        }
        size_t w = (size_t)utf8_len(c);
        int first = i == 0, last = i + w >= n, followed_ws = is_blankz(s, i + w, n);
        if (first) {
            if (strchr("#,[]{}&*!|>'\"%@`", c) && c) flow_ind = block_ind = 1;
            if (c == '?' || c == ':') {
                flow_ind = 1;
                if (followed_ws) block_ind = 1;
            }
            if (c == '-' && followed_ws) flow_ind = block_ind = 1;
        } else {
            if (c && strchr(",?[]{}", c)) flow_ind = 1;
            if (c == ':') {
                flow_ind = 1;
                if (followed_ws) block_ind = 1;
            }
            if (c == '#' && preceded_ws) flow_ind = block_ind = 1;
        }
        if (!printable((const unsigned char *)s + i, n - i) || (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB && (unsigned char)s[i + 2] == 0xBF))
            special = 1;
        if (is_break(c))
            line_breaks = 1;
        if (c == ' ') {
            if (first) lead_space = 1;
            if (last) trail_space = 1;
            if (prev_break) break_space = 1;
            prev_space = 1;
            prev_break = 0;
        } else if (is_break(c)) {
            if (first) lead_break = 1;
            if (last) trail_break = 1;
            if (prev_space) space_break = 1;
            prev_break = 1;
            prev_space = 0;
        } else {
            prev_space = prev_break = 0;
        }
        preceded_ws = c == ' ' || c == '\t' || is_break(c);
        i += w;
    }
    a.multiline = line_breaks;
    if (lead_space || lead_break || trail_space || trail_break)
        a.flow_plain = a.block_plain = 0;
    if (trail_space)
        a.block_ok = 0;
    if (break_space)
        a.flow_plain = a.block_plain = a.single_ok = 0;
    if (space_break || special)
        a.flow_plain = a.block_plain = a.single_ok = a.block_ok = 0;
    if (line_breaks)
        a.flow_plain = a.block_plain = 0;
    if (flow_ind)
        a.flow_plain = 0;
    if (block_ind)
        a.block_plain = 0;
    return a;
}

static int all_in(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]) || !s[i])
            return 0;
    return n > 0;
}

/* [+-]? digits, or 0x / 0o / 0b forms: serde_yaml reads these as integers. */
static int looks_int(const char *s, size_t n)
{
    if (n && (s[0] == '+' || s[0] == '-'))
        s++, n--;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b'))
        return all_in(s + 2, n - 2, s[1] == 'x' ? "0123456789abcdefABCDEF" : s[1] == 'o' ? "01234567" : "01");
    return all_in(s, n, "0123456789");
}

/* What Rust's f64 parser accepts (finite values only), and YAML's .inf/.nan. */
static int looks_float(const char *s, size_t n)
{
    static const char *const named[] = { ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf",
                                         "+.Inf", "+.INF", ".nan", ".NaN", ".NAN" };
    for (size_t k = 0; n <= 5 && k < sizeof named / sizeof *named; k++) /* none is longer */
        if (strlen(named[k]) == n && !memcmp(named[k], s, n))
            return 1;
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (!digits)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = 0;
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            e++;
        if (!e)
            return 0;
    }
    return i == n;
}

/* serde_yaml quotes strings that would read back as null, bool or number. */
static int reads_as_other(const char *s, size_t n)
{
    static const char *const words[] = { "~", "null", "Null", "NULL", "true", "True", "TRUE",
                                         "false", "False", "FALSE" };
    if (n == 0)
        return 1;
    for (size_t k = 0; n <= 5 && k < sizeof words / sizeof *words; k++) /* none is longer */
        if (strlen(words[k]) == n && !memcmp(words[k], s, n))
            return 1;
    /* YAML 1.2 reads 0123 as a string, and serde_yaml neither an int nor a float */
    const char *d = s;
    size_t dn = n;
    if (dn && (d[0] == '-' || d[0] == '+'))
        d++, dn--;
    if (dn > 1 && d[0] == '0' && all_in(d + 1, dn - 1, "0123456789"))
        return 0;
    return looks_int(s, n) || looks_float(s, n);
}

static void single_quoted(gv_buf *out, const char *s, size_t n)
{
    gv_buf_putc(out, '\'');
    for (size_t i = 0; i < n;) { /* up to and with each quote, which is doubled */
        const char *q = memchr(s + i, '\'', n - i);
        size_t j = q ? (size_t)(q - s) + 1 : n;
        gv_buf_append(out, s + i, j - i);
        if (q)
            gv_buf_putc(out, '\'');
        i = j;
    }
    gv_buf_putc(out, '\'');
}

static unsigned decode(const unsigned char *s, size_t w)
{
    if (w == 1)
        return s[0];
    unsigned c = s[0] & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < w; k++)
        c = (c << 6) | (s[k] & 0x3F);
    return c;
}

static void double_quoted(gv_buf *out, const char *s, size_t n)
{
    gv_buf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)s + i;
        size_t w = (size_t)utf8_len(u[0]);
        if (w > n - i)
            w = n - i;
        unsigned c = decode(u, w);
        int bom = c == 0xFEFF;
        if (!printable(u, n - i) || bom || is_break(u[0]) || c == '"' || c == '\\') {
            switch (c) {
            case 0: gv_buf_puts(out, "\\0"); break;
            case 7: gv_buf_puts(out, "\\a"); break;
            case 8: gv_buf_puts(out, "\\b"); break;
            case 9: gv_buf_puts(out, "\\t"); break;
            case 10: gv_buf_puts(out, "\\n"); break;
            case 11: gv_buf_puts(out, "\\v"); break;
            case 12: gv_buf_puts(out, "\\f"); break;
            case 13: gv_buf_puts(out, "\\r"); break;
            case 27: gv_buf_puts(out, "\\e"); break;
            case '"': gv_buf_puts(out, "\\\""); break;
            case '\\': gv_buf_puts(out, "\\\\"); break;
            case 0x85: gv_buf_puts(out, "\\N"); break;
            case 0xA0: gv_buf_puts(out, "\\_"); break;
            case 0x2028: gv_buf_puts(out, "\\L"); break;
            case 0x2029: gv_buf_puts(out, "\\P"); break;
            default:
                gv_buf_printf(out, c <= 0xFF ? "\\x%02X" : c <= 0xFFFF ? "\\u%04X" : "\\U%08X", c);
            }
        } else {
            gv_buf_append(out, s + i, w);
        }
        i += w;
    }
    gv_buf_putc(out, '"');
}

static void literal_block(gv_buf *out, const char *s, size_t n, int ind)
{
    gv_buf_putc(out, '|');
    if (s[0] == ' ' || is_break((unsigned char)s[0]))
        gv_buf_putc(out, '2');
    if (!is_break((unsigned char)s[n - 1]))
        gv_buf_putc(out, '-');
    else if (n == 1 || is_break((unsigned char)s[n - 2]))
        gv_buf_putc(out, '+');
    gv_buf_putc(out, '\n');
    for (size_t i = 0; i < n;) { /* line by line, each indented unless empty */
        const char *nl = memchr(s + i, '\n', n - i);
        size_t j = nl ? (size_t)(nl - s) : n;
        if (j > i && ind > 0)
            gv_buf_fill(out, ' ', (size_t)ind);
        gv_buf_append(out, s + i, j - i);
        if (nl)
            gv_buf_putc(out, '\n');
        i = nl ? j + 1 : n;
    }
    if (!is_break((unsigned char)s[n - 1]))
        gv_buf_putc(out, '\n');
}

/* A string scalar, styled as serde_yaml asks (literal for text with line
 * breaks, single quotes for what would read back as another type, else
 * plain) and libyaml then allows. key: in simple-key context. Returns 1 if
 * it wrote a literal block (which ends its own line). */
static int emit_string(gv_buf *out, const char *s, size_t n, int key, int ind)
{
    enum { PLAIN, SINGLE, DOUBLE, LITERAL } style;
    analysis a = analyze(s, n);
    style = memchr(s, '\n', n) ? LITERAL : reads_as_other(s, n) ? SINGLE : PLAIN;
    if (style == PLAIN && (!a.block_plain || (n == 0 && key)))
        style = SINGLE;
    if (style == SINGLE && !a.single_ok)
        style = DOUBLE;
    if (style == LITERAL && (!a.block_ok || key))
        style = DOUBLE;
    switch (style) {
    case PLAIN: gv_buf_append(out, s, n); return 0;
    case SINGLE: single_quoted(out, s, n); return 0;
    case DOUBLE: double_quoted(out, s, n); return 0;
    default: literal_block(out, s, n, ind); return 1;
    }
}

/* ---- values ---- */

static int yv_is_map(yv v) { return v.jt ? v.jt->kind == GV_JT_OBJ : v.doc->kind == GV_MAP; }
static int yv_is_seq(yv v) { return v.jt ? v.jt->kind == GV_JT_ARR : v.doc->kind == GV_LIST; }
static int yv_empty(yv v) { return v.jt ? v.jt->first == NULL : v.doc->len == 0; }

static yv as_yv(const gv_jt *j)
{
    yv v = { j, NULL };
    if (j->kind == GV_JT_DOC) {
        v.jt = NULL;
        v.doc = j->doc;
    }
    return v;
}

/* Scalars and empty collections; returns 1 if the line is already ended. */
static int emit_scalar(gv_buf *out, yv v, int ind)
{
    if (yv_is_map(v))
        gv_buf_puts(out, "{}");
    else if (yv_is_seq(v))
        gv_buf_puts(out, "[]");
    else if (v.jt) {
        switch (v.jt->kind) {
        case GV_JT_NULL: gv_buf_puts(out, "null"); break;
        case GV_JT_BOOL: gv_buf_puts(out, v.jt->b ? "true" : "false"); break;
        default: return emit_string(out, v.jt->s, v.jt->len, 0, ind);
        }
    } else {
        const gv_node *n = v.doc;
        gv_buf t;
        switch (n->kind) {
        case GV_NULL:
        case GV_BOOL:
        case GV_INT:
        case GV_FLOAT: gv_fmt_scalar_json(out, n); break; /* spelled in YAML as in JSON */
        case GV_STRING:
        case GV_CHAR: return emit_string(out, n->u.s, n->len, 0, ind);
        default: {
            gv_buf_init(&t);
            gv_fmt_value(&t, n);
            int skip = n->kind == GV_REGEX; /* "/re/" without the quotes */
            int r = emit_string(out, t.data ? t.data + skip : "", t.len - 2 * (size_t)skip, 0, ind);
            gv_buf_free(&t);
            return r;
        }
        }
    }
    return 0;
}

static void spaces(gv_buf *out, int n)
{
    if (n > 0)
        gv_buf_fill(out, ' ', (size_t)n);
}

/* The value after "key:" or "- ". */
static void emit_entry_value(gv_buf *out, yv v, int ind, int after_dash)
{
    if ((yv_is_map(v) || yv_is_seq(v)) && !yv_empty(v)) {
        if (after_dash) {
            emit_value(out, v, ind + 2, 1);
            return;
        }
        gv_buf_putc(out, '\n');
        if (yv_is_map(v))
            emit_value(out, v, ind + 2, 0);
        else
            emit_value(out, v, ind, 0); /* sequences in mappings are not indented */
        return;
    }
    if (!after_dash)
        gv_buf_putc(out, ' ');
    if (!emit_scalar(out, v, ind + 2))
        gv_buf_putc(out, '\n');
}

static void emit_key(gv_buf *out, const char *k, size_t n, int ind, int inline_first)
{
    if (!inline_first)
        spaces(out, ind);
    emit_string(out, k, n, 1, ind);
    gv_buf_putc(out, ':');
}

/* A non-empty collection at indent ind; inline_first: its first line
 * continues a "- " already written. */
static void emit_value(gv_buf *out, yv v, int ind, int inline_first)
{
    int first = 1;
    if (v.jt) {
        for (const gv_jt *c = v.jt->first; c; c = c->next, first = 0) {
            if (v.jt->kind == GV_JT_OBJ) {
                emit_key(out, c->key, c->keylen, ind, first && inline_first);
                emit_entry_value(out, as_yv(c), ind, 0);
            } else {
                if (!(first && inline_first))
                    spaces(out, ind);
                gv_buf_puts(out, "- ");
                emit_entry_value(out, as_yv(c), ind, 1);
            }
        }
        return;
    }
    const gv_node *n = v.doc;
    for (uint32_t i = 0; i < n->len; i++, first = 0) {
        if (n->kind == GV_MAP) {
            const gv_member *m = &n->u.members[i];
            emit_key(out, m->key->str, m->key->len, ind, first && inline_first);
            emit_entry_value(out, (yv){ NULL, m->value }, ind, 0);
        } else {
            if (!(first && inline_first))
                spaces(out, ind);
            gv_buf_puts(out, "- ");
            emit_entry_value(out, (yv){ NULL, n->u.items[i] }, ind, 1);
        }
    }
}

static void render_root(gv_buf *out, yv v)
{
    if ((yv_is_map(v) || yv_is_seq(v)) && !yv_empty(v))
        emit_value(out, v, 0, 0);
    else if (!emit_scalar(out, v, 0))
        gv_buf_putc(out, '\n');
}

void gv_jt_render_yaml(gv_buf *out, const gv_jt *j)
{
    if (j)
        render_root(out, as_yv(j));
}

int gv_yaml_string(gv_buf *out, const char *s, size_t n, int key, int ind)
{
    return emit_string(out, s, n, key, ind);
}

void gv_yaml_doc_entry(gv_buf *out, const gv_node *n, int ind, int after_dash)
{
    emit_entry_value(out, (yv){ NULL, n }, ind, after_dash);
}

void gv_yaml_doc_root(gv_buf *out, const gv_node *n)
{
    render_root(out, (yv){ NULL, n });
}
