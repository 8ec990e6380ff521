/* Structured reports in cfn-guard's serde shape, per data file:
 *   {name, metadata, status, not_compliant: [{Rule: {name, metadata,
 *    messages, checks: [...]}}], not_applicable: [..], compliant: [..]}
 * built as a gv_jt tree, then rendered as JSON or YAML. */
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/jtree.h"
#include "report/report_int.h"

static gv_jt *str_of(gv_jb *b, void (*fn)(gv_buf *, const gv_report_item *, const gv_check *),
                     const gv_report_item *it, const gv_check *c)
{
    gv_buf_clear(&b->tmp);
    fn(&b->tmp, it, c);
    return gv_jt_buf(b, &b->tmp);
}

static gv_jt *path_value(gv_jb *b, const gv_val *v)
{
    gv_jt *o = gv_jt_obj(b);
    gv_buf_clear(&b->tmp);
    gv_fmt_path(&b->tmp, v);
    gv_jt_set(o, "path", gv_jt_buf(b, &b->tmp));
    gv_jt_set(o, "value", gv_jt_doc(b, v->node ? v->node : v->reached));
    return o;
}

static gv_jt *comparison(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    int neg;
    const char *name = gv_msg_comparison(it, c, &neg);
    gv_jt *a = gv_jt_arr(b);
    gv_jt_push(a, gv_jt_str(b, name));
    gv_jt_push(a, gv_jt_bool(b, neg));
    return a;
}

static gv_jt *messages(gv_jb *b, const gv_report_item *it, const gv_check *c, int null_custom)
{
    const char *msg = gv_msg_custom(it, c);
    gv_jt *m = gv_jt_obj(b);
    gv_jt_set(m, "custom_message", msg ? gv_jt_str(b, msg) : null_custom ? gv_jt_null(b) : gv_jt_str(b, ""));
    gv_jt_set(m, "error_message", str_of(b, gv_msg_error, it, c));
    return m;
}

static gv_jt *unresolved(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    gv_jt *u = gv_jt_obj(b);
    gv_jt_set(u, "traversed_to", path_value(b, &c->lhs));
    gv_jt_set(u, "remaining_query", str_of(b, gv_msg_remaining, it, c));
    gv_jt_set(u, "reason", str_of(b, gv_msg_reason, it, c));
    return u;
}

static gv_jt *binary_check(gv_jb *b, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    gv_jt *check = gv_jt_obj(b), *inner = gv_jt_obj(b);
    if (shape == GV_SHAPE_BINARY_MISSING) {
        gv_jt_set(check, "UnResolved", inner);
        gv_jt_set(inner, "value", unresolved(b, it, c));
    } else if (shape == GV_SHAPE_IN) {
        gv_jt_set(check, "InResolved", inner);
        gv_jt_set(inner, "from", path_value(b, gv_check_at(it, c)));
        gv_jt *to = gv_jt_set(inner, "to", gv_jt_arr(b));
        for (uint32_t i = 0; i < c->nrhs; i++)
            gv_jt_push(to, path_value(b, &c->rhs_all[i]));
    } else {
        gv_jt_set(check, "Resolved", inner);
        gv_jt_set(inner, "from", path_value(b, &c->lhs));
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        gv_jt_set(inner, "to", path_value(b, &rhs));
    }
    gv_jt_set(inner, "comparison", comparison(b, it, c));
    return check;
}

static gv_jt *unary_check(gv_jb *b, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    gv_jt *check = gv_jt_obj(b), *inner = gv_jt_obj(b);
    if (shape == GV_SHAPE_RULE_REF) {
        const gv_program *p = it->prog;
        gv_jt_set(check, "UnResolvedContext", gv_jt_str(b, p->strings[p->refs[p->code[c->ip].a].name].s));
        return check;
    }
    if (shape == GV_SHAPE_NO_VALUES) {
        gv_jt_set(check, "UnResolvedContext", str_of(b, gv_msg_context, it, c));
        return check;
    }
    if (shape == GV_SHAPE_UNARY_MISSING) {
        gv_jt_set(check, "UnResolved", inner);
        gv_jt_set(inner, "value", unresolved(b, it, c));
    } else {
        gv_jt_set(check, "Resolved", inner);
        gv_jt_set(inner, "value", path_value(b, &c->lhs));
    }
    gv_jt_set(inner, "comparison", comparison(b, it, c));
    return check;
}

static gv_jt *clause(gv_jb *b, const gv_report_item *it, const gv_check *c)
{
    gv_shape shape = gv_check_shape(it, c);
    gv_jt *outer = gv_jt_obj(b), *body = gv_jt_obj(b);
    gv_jt *context = str_of(b, gv_msg_context, it, c);
    if (shape == GV_SHAPE_BLOCK_MISSING) {
        gv_jt_set(outer, "Block", body);
        gv_jt_set(body, "context", context);
        gv_jt_set(body, "messages", messages(b, it, c, 0));
        gv_jt_set(body, "unresolved", unresolved(b, it, c));
        return outer;
    }
    gv_jt *kind = gv_jt_set(gv_jt_set(outer, "Clause", gv_jt_obj(b)),
                            shape == GV_SHAPE_UNARY || shape == GV_SHAPE_UNARY_MISSING || shape == GV_SHAPE_RULE_REF ||
                                    shape == GV_SHAPE_NO_VALUES
                                ? "Unary" : "Binary", body);
    (void)kind;
    if (shape == GV_SHAPE_BINARY || shape == GV_SHAPE_IN || shape == GV_SHAPE_BINARY_MISSING) {
        gv_jt_set(body, "context", context);
        gv_jt_set(body, "messages", messages(b, it, c, shape == GV_SHAPE_IN));
        gv_jt_set(body, "check", binary_check(b, it, c, shape));
    } else {
        gv_jt_set(body, "check", unary_check(b, it, c, shape));
        gv_jt_set(body, "context", context);
        gv_jt_set(body, "messages", messages(b, it, c, 0));
    }
    return outer;
}

static gv_jt *node_json(gv_jb *b, const gv_report_item *it, const gv_cnode *n);

static gv_jt *rule_json(gv_jb *b, const gv_report_item *it, const gv_cnode *n)
{
    gv_jt *outer = gv_jt_obj(b), *r = gv_jt_obj(b);
    gv_jt_set(outer, "Rule", r);
    gv_buf_clear(&b->tmp);
    gv_report_rule_name(&b->tmp, it, n->rule);
    gv_jt_set(r, "name", gv_jt_buf(b, &b->tmp));
    gv_jt_set(r, "metadata", gv_jt_obj(b));
    gv_jt *m = gv_jt_set(r, "messages", gv_jt_obj(b));
    /* a called rule carries the message of the call */
    uint32_t msg = n->key ? it->prog->messages[n->key_ip] : GV_NONE;
    gv_jt_set(m, "custom_message", msg == GV_NONE ? gv_jt_null(b) : gv_jt_str(b, it->prog->strings[msg].s));
    gv_jt_set(m, "error_message", gv_jt_null(b));
    gv_jt *checks = gv_jt_set(r, "checks", gv_jt_arr(b));
    for (const gv_cnode *c = n->first; c; c = c->next)
        gv_jt_push(checks, node_json(b, it, c));
    return outer;
}

static gv_jt *node_json(gv_jb *b, const gv_report_item *it, const gv_cnode *n)
{
    if (n->kind == GV_CN_CHECK)
        return clause(b, it, n->check);
    if (n->kind == GV_CN_RULE)
        return rule_json(b, it, n);
    gv_jt *outer = gv_jt_obj(b);
    gv_jt *checks = gv_jt_set(gv_jt_set(outer, "Disjunctions", gv_jt_obj(b)), "checks", gv_jt_arr(b));
    for (const gv_cnode *c = n->first; c; c = c->next)
        gv_jt_push(checks, node_json(b, it, c));
    return outer;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rule names of one status over the items, sorted bytewise, each once. */
static gv_jt *names(gv_jb *b, const gv_report_item *items, size_t n, gv_rstatus want)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += items[i].res->nrules;
    char **all = gv_arena_alloc(b->a, (total ? total : 1) * sizeof *all);
    gv_jt *arr = gv_jt_arr(b);
    if (!all) {
        b->oom = 1;
        return arr;
    }
    for (size_t i = 0; i < n; i++)
        for (uint32_t r = 0; r < items[i].res->nrules; r++) {
            if (items[i].res->rules[r].status != want)
                continue;
            gv_buf name;
            gv_buf_init(&name);
            gv_report_rule_name(&name, &items[i], items[i].res->rules[r].rule);
            all[k] = gv_arena_strndup(b->a, name.data ? name.data : "", name.len);
            gv_buf_free(&name);
            if (all[k])
                k++;
        }
    qsort(all, k, sizeof *all, cmp_str);
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
            gv_jt_push(arr, gv_jt_str(b, all[i]));
    return arr;
}

static gv_jt *record(gv_jb *b, const char *data_name, const gv_report_item *items, size_t n)
{
    gv_rstatus st = GV_RS_SKIP;
    for (size_t i = 0; i < n; i++)
        if (items[i].res->status == GV_RS_FAIL || (items[i].res->status == GV_RS_PASS && st == GV_RS_SKIP))
            st = items[i].res->status;
    gv_jt *o = gv_jt_obj(b);
    gv_jt_set(o, "name", gv_jt_str(b, data_name));
    gv_jt_set(o, "metadata", gv_jt_obj(b));
    gv_jt_set(o, "status", gv_jt_str(b, st == GV_RS_FAIL ? "FAIL" : st == GV_RS_PASS ? "PASS" : "SKIP"));
    gv_jt *nc = gv_jt_set(o, "not_compliant", gv_jt_arr(b));
    for (size_t i = 0; i < n; i++)
        for (uint32_t r = 0; r < items[i].res->nrules; r++) {
            const gv_rule_result *rr = &items[i].res->rules[r];
            if (rr->status != GV_RS_FAIL)
                continue;
            gv_cnode *t = gv_check_tree(b->a, &items[i], rr, NULL, 0, &b->oom);
            gv_cnode empty = { GV_CN_RULE, rr->rule, NULL, NULL, 0, NULL, NULL, NULL };
            gv_jt_push(nc, rule_json(b, &items[i], t ? t : &empty));
        }
    gv_jt_set(o, "not_applicable", names(b, items, n, GV_RS_SKIP));
    gv_jt_set(o, "compliant", names(b, items, n, GV_RS_PASS));
    return o;
}

/* ---- -z -o json, written as it is built ----
 * The frame of the records is written here and each failing rule is built,
 * rendered and freed in turn, so memory holds one rule's tree at a time
 * instead of the whole report's (46 MB of JSON for 1,000 resources). The
 * bytes are those of rendering the whole tree (render_json.c). */

static void member(gv_buf *out, const char *key, int depth, int first)
{
    if (!first)
        gv_buf_putc(out, ',');
    gv_json_newline(out, depth);
    gv_buf_putc(out, '"'); /* a name of the shape: nothing to escape */
    gv_buf_puts(out, key);
    gv_buf_append(out, "\": ", 3);
}

typedef struct spill_state {
    const gv_report_sink *sink;
    int failed;
} spill_state;

static int spill_to_sink(void *ctx, gv_buf *out)
{
    spill_state *st = ctx;
    if (st->sink->flush(st->sink->ctx, out) < 0) {
        st->failed = 1;
        return -1;
    }
    return 0;
}

/* v at depth, then its memory is given back. The text goes to the sink in
 * pieces of a megabyte, even within one rule's value (tens of megabytes
 * when references dangle), so the output's memory stays bounded however
 * many checks fail (3.5 GB of JSON for 10,000 resources). */
static int put_value(gv_buf *out, gv_jb *b, gv_arena_mark m, const gv_jt *v, int depth,
                     const gv_report_sink *sink)
{
    if (b->oom)
        return -1;
    spill_state st = { sink, 0 };
    if (sink) {
        out->spill = spill_to_sink;
        out->spill_ctx = &st;
        out->spill_at = GV_REPORT_SINK_CHUNK;
    }
    gv_jt_render_json_at(out, v, depth);
    out->spill = NULL;
    gv_arena_reset(b->a, m);
    if (!st.failed && sink && out->len >= GV_REPORT_SINK_CHUNK)
        spill_to_sink(&st, out);
    return st.failed ? -2 : 0;
}

static int stream_node(gv_buf *out, gv_jb *b, const gv_report_item *it, const gv_cnode *n, int depth,
                       const gv_report_sink *sink);

/* Ends {"Rule": {...}} or {"Disjunctions": {...}} opened at depth. */
static void close_wrapped(gv_buf *out, int depth)
{
    gv_json_newline(out, depth + 1);
    gv_buf_putc(out, '}');
    gv_json_newline(out, depth);
    gv_buf_putc(out, '}');
}

/* "checks": [...] of a rule or disjunction at depth, each element built,
 * written and freed in turn. */
static int stream_checks(gv_buf *out, gv_jb *b, const gv_report_item *it, const gv_cnode *first, int depth,
                         const gv_report_sink *sink)
{
    if (!first) {
        gv_buf_append(out, "[]", 2);
        return 0;
    }
    gv_buf_putc(out, '[');
    for (const gv_cnode *c = first; c; c = c->next) {
        if (c != first)
            gv_buf_putc(out, ',');
        gv_json_newline(out, depth + 1);
        int rc = stream_node(out, b, it, c, depth + 1, sink);
        if (rc < 0)
            return rc;
    }
    gv_json_newline(out, depth);
    gv_buf_putc(out, ']');
    return 0;
}

/* rule_json's bytes, written as they are made: one rule's tree runs to
 * hundreds of megabytes when references dangle in a large template. */
static int stream_rule(gv_buf *out, gv_jb *b, const gv_report_item *it, const gv_cnode *n, int depth,
                       const gv_report_sink *sink)
{
    gv_buf_putc(out, '{');
    member(out, "Rule", depth + 1, 1);
    gv_buf_putc(out, '{');
    member(out, "name", depth + 2, 1);
    gv_buf_clear(&b->tmp);
    gv_report_rule_name(&b->tmp, it, n->rule);
    gv_buf_json_string(out, b->tmp.data ? b->tmp.data : "", b->tmp.len);
    member(out, "metadata", depth + 2, 0);
    gv_buf_append(out, "{}", 2);
    member(out, "messages", depth + 2, 0);
    gv_arena_mark m = gv_arena_save(b->a);
    gv_jt *msgs = gv_jt_obj(b);
    /* a called rule carries the message of the call */
    uint32_t msg = n->key ? it->prog->messages[n->key_ip] : GV_NONE;
    gv_jt_set(msgs, "custom_message", msg == GV_NONE ? gv_jt_null(b) : gv_jt_str(b, it->prog->strings[msg].s));
    gv_jt_set(msgs, "error_message", gv_jt_null(b));
    int rc = put_value(out, b, m, msgs, depth + 2, sink);
    if (rc < 0)
        return rc;
    member(out, "checks", depth + 2, 0);
    if ((rc = stream_checks(out, b, it, n->first, depth + 2, sink)) < 0)
        return rc;
    close_wrapped(out, depth);
    return 0;
}

static int stream_node(gv_buf *out, gv_jb *b, const gv_report_item *it, const gv_cnode *n, int depth,
                       const gv_report_sink *sink)
{
    if (n->kind == GV_CN_RULE)
        return stream_rule(out, b, it, n, depth, sink);
    if (n->kind == GV_CN_CHECK) {
        gv_arena_mark m = gv_arena_save(b->a);
        return put_value(out, b, m, clause(b, it, n->check), depth, sink);
    }
    gv_buf_putc(out, '{');
    member(out, "Disjunctions", depth + 1, 1);
    gv_buf_putc(out, '{');
    member(out, "checks", depth + 2, 1);
    int rc = stream_checks(out, b, it, n->first, depth + 2, sink);
    if (rc < 0)
        return rc;
    close_wrapped(out, depth);
    return 0;
}

/* The failing rules of one evaluation, each written and freed in turn. */
static int item_not_compliant(gv_buf *out, gv_jb *b, const gv_report_item *it, int depth,
                              const gv_report_sink *sink, int *any)
{
    for (uint32_t r = 0; r < it->res->nrules; r++) {
        const gv_rule_result *rr = &it->res->rules[r];
        if (rr->status != GV_RS_FAIL)
            continue;
        gv_arena_mark m = gv_arena_save(b->a);
        gv_rule_result view;
        if (gv_rule_expand_checks(b->a, rr, &view) < 0)
            return -1;
        gv_cnode *t = gv_check_tree(b->a, it, &view, NULL, 0, &b->oom);
        gv_cnode empty = { GV_CN_RULE, rr->rule, NULL, NULL, 0, NULL, NULL, NULL };
        gv_buf_putc(out, *any ? ',' : '[');
        gv_json_newline(out, depth + 1);
        int rc = b->oom ? -1 : stream_rule(out, b, it, t ? t : &empty, depth + 1, sink);
        gv_arena_reset(b->a, m);
        if (rc < 0)
            return rc;
        *any = 1;
    }
    return 0;
}

static int not_compliant_stream(gv_buf *out, gv_jb *b, const gv_report_item *items, size_t n, int depth,
                                const gv_report_sink *sink)
{
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        if (!items[i].replay || items[i].res->status != GV_RS_FAIL) {
            int rc = item_not_compliant(out, b, &items[i], depth, sink, &any);
            if (rc < 0)
                return rc;
            continue;
        }
        /* its checks were not kept: evaluated again, written, dropped */
        if (!sink || !sink->replay)
            return -1;
        gv_arena a;
        gv_arena_init(&a, 256 * 1024);
        gv_eval_result res;
        gv_report_item full = items[i];
        full.res = &res;
        full.replay = 0;
        int rc = sink->replay(sink->ctx, &items[i], &a, &res);
        if (rc == 0)
            rc = item_not_compliant(out, b, &full, depth, sink, &any);
        gv_arena_free(&a);
        if (rc < 0)
            return rc;
    }
    if (!any) {
        gv_buf_append(out, "[]", 2);
        return 0;
    }
    gv_json_newline(out, depth);
    gv_buf_putc(out, ']');
    return 0;
}

static int record_stream(gv_buf *out, gv_jb *b, const char *data_name, const gv_report_item *items, size_t n,
                         int depth, const gv_report_sink *sink)
{
    gv_rstatus st = GV_RS_SKIP;
    for (size_t i = 0; i < n; i++)
        if (items[i].res->status == GV_RS_FAIL || (items[i].res->status == GV_RS_PASS && st == GV_RS_SKIP))
            st = items[i].res->status;
    gv_buf_putc(out, '{');
    member(out, "name", depth + 1, 1);
    gv_buf_json_string(out, data_name, strlen(data_name));
    member(out, "metadata", depth + 1, 0);
    gv_buf_append(out, "{}", 2);
    member(out, "status", depth + 1, 0);
    gv_buf_puts(out, st == GV_RS_FAIL ? "\"FAIL\"" : st == GV_RS_PASS ? "\"PASS\"" : "\"SKIP\"");
    member(out, "not_compliant", depth + 1, 0);
    int r = not_compliant_stream(out, b, items, n, depth + 1, sink);
    if (r < 0)
        return r;
    member(out, "not_applicable", depth + 1, 0);
    gv_arena_mark m = gv_arena_save(b->a);
    if ((r = put_value(out, b, m, names(b, items, n, GV_RS_SKIP), depth + 1, sink)) < 0)
        return r;
    member(out, "compliant", depth + 1, 0);
    if ((r = put_value(out, b, m, names(b, items, n, GV_RS_PASS), depth + 1, sink)) < 0)
        return r;
    gv_json_newline(out, depth);
    gv_buf_putc(out, '}');
    return 0;
}

static int structured_json(gv_buf *out, gv_jb *b, const gv_report_file *files, size_t n,
                           const gv_report_sink *sink)
{
    size_t start = out->len;
    int r;
    if (n == 0)
        gv_buf_append(out, "[]", 2);
    for (size_t i = 0; i < n; i++) {
        gv_buf_putc(out, i ? ',' : '[');
        gv_json_newline(out, 1);
        if ((r = record_stream(out, b, files[i].data_name, files[i].items, files[i].n, 1, sink)) < 0) {
            if (r == -2)
                return -2;
            if (out->len >= start) { /* nothing appended, unless the sink took some */
                out->len = start;
                if (out->data)
                    out->data[start] = '\0';
            }
            return -1;
        }
    }
    if (n) {
        gv_json_newline(out, 0);
        gv_buf_putc(out, ']');
    }
    return 0;
}

static int render(gv_buf *out, gv_jb *b, const gv_jt *v, gv_out_format fmt)
{
    if (b->oom)
        return -1;
    if (fmt == GV_OUT_YAML)
        gv_jt_render_yaml(out, v);
    else
        gv_jt_render_json(out, v);
    return 0;
}

int gv_report_record(gv_buf *out, const gv_report_item *it, gv_out_format fmt)
{
    gv_arena a;
    gv_arena_init(&a, 16 * 1024);
    gv_jb b = { .a = &a };
    int r = render(out, &b, record(&b, it->data_name, it, 1), fmt);
    gv_buf_free(&b.tmp);
    gv_arena_free(&a);
    return r;
}

int gv_report_structured(gv_buf *out, const gv_report_file *files, size_t n, gv_out_format fmt,
                         const gv_report_sink *sink)
{
    gv_arena a;
    gv_arena_init(&a, 64 * 1024);
    gv_jb b = { .a = &a };
    int r;
    if (fmt == GV_OUT_JUNIT || fmt == GV_OUT_SARIF) {
        r = fmt == GV_OUT_JUNIT ? gv_report_junit(out, files, n) : gv_report_sarif(out, &b, files, n);
    } else if (fmt == GV_OUT_JSON) {
        r = structured_json(out, &b, files, n, sink);
    } else {
        gv_jt *list = gv_jt_arr(&b);
        for (size_t i = 0; i < n; i++)
            gv_jt_push(list, record(&b, files[i].data_name, files[i].items, files[i].n));
        r = render(out, &b, list, fmt);
    }
    gv_buf_free(&b.tmp);
    gv_arena_free(&a);
    return r;
}
