/* Structured reports in cfn-guard's serde shape, per data file:
 *   {name, metadata, status, not_compliant: [{Rule: {name, metadata,
 *    messages, checks: [...]}}], not_applicable: [..], compliant: [..]}
 * described once, through a gv_jw: written as JSON or YAML while it is
 * made. */
#include <stdlib.h>
#include <string.h>

#include "report/fmt.h"
#include "report/jwrite.h"
#include "report/report_int.h"

static void str_of(gv_jw *w, const char *key,
                   void (*fn)(gv_buf *, const gv_report_item *, const gv_check *), const gv_report_item *it,
                   const gv_check *c)
{
    gv_buf_clear(&w->tmp);
    fn(&w->tmp, it, c);
    gv_jw_tmp(w, key);
}

/* The context: the clause's own text is kept escaped by the writer. */
static void context_of(gv_jw *w, const char *key, const gv_report_item *it, const gv_check *c)
{
    const char *fixed = gv_msg_context_fixed(it, c);
    if (fixed)
        gv_jw_const(w, key, fixed);
    else
        str_of(w, key, gv_msg_context, it, c);
}

static void path_value(gv_jw *w, const char *key, const gv_val *v)
{
    gv_jw_obj(w, key);
    gv_buf_clear(&w->tmp);
    gv_fmt_path(&w->tmp, v);
    gv_jw_tmp(w, "path");
    gv_jw_doc(w, "value", v->node ? v->node : v->reached);
    gv_jw_end(w);
}

static void comparison(gv_jw *w, const gv_report_item *it, const gv_check *c)
{
    int neg;
    const char *name = gv_msg_comparison(it, c, &neg);
    gv_jw_arr(w, "comparison");
    gv_jw_cstr(w, NULL, name);
    gv_jw_bool(w, NULL, neg);
    gv_jw_end(w);
}

static void messages(gv_jw *w, const gv_report_item *it, const gv_check *c, int null_custom)
{
    const char *msg = gv_msg_custom(it, c);
    gv_jw_obj(w, "messages");
    if (msg || !null_custom)
        gv_jw_const(w, "custom_message", msg ? msg : "");
    else
        gv_jw_null(w, "custom_message");
    gv_buf_clear(&w->tmp);
    gv_msg_error(&w->tmp, it, c);
    if (w->tmp.oom)
        w->oom = 1;
    gv_jw_hole_str_k(w, gv_jw_key_of("error_message"), w->tmp.data, w->tmp.len); /* see key_clauses */
    gv_jw_end(w);
}

static void unresolved(gv_jw *w, const char *key, const gv_report_item *it, const gv_check *c)
{
    gv_jw_obj(w, key);
    path_value(w, "traversed_to", &c->lhs);
    str_of(w, "remaining_query", gv_msg_remaining, it, c);
    str_of(w, "reason", gv_msg_reason, it, c);
    gv_jw_end(w);
}

static void binary_check(gv_jw *w, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    gv_jw_obj(w, "check");
    if (shape == GV_SHAPE_BINARY_MISSING) {
        gv_jw_obj(w, "UnResolved");
        unresolved(w, "value", it, c);
    } else if (shape == GV_SHAPE_IN) {
        gv_jw_obj(w, "InResolved");
        path_value(w, "from", gv_check_at(it, c));
        gv_jw_arr(w, "to");
        for (uint32_t i = 0; i < c->nrhs; i++)
            path_value(w, NULL, &c->rhs_all[i]);
        gv_jw_end(w);
    } else {
        gv_jw_obj(w, "Resolved");
        path_value(w, "from", &c->lhs);
        gv_path p0;
        gv_val rhs = gv_check_rhs(c, &p0);
        path_value(w, "to", &rhs);
    }
    comparison(w, it, c);
    gv_jw_end(w);
    gv_jw_end(w);
}

static void unary_check(gv_jw *w, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    gv_jw_obj(w, "check");
    if (shape == GV_SHAPE_RULE_REF) {
        const gv_program *p = it->prog;
        gv_jw_cstr(w, "UnResolvedContext", p->strings[p->refs[p->code[c->ip].a].name].s);
    } else if (shape == GV_SHAPE_NO_VALUES) {
        context_of(w, "UnResolvedContext", it, c);
    } else {
        if (shape == GV_SHAPE_UNARY_MISSING) {
            gv_jw_obj(w, "UnResolved");
            unresolved(w, "value", it, c);
        } else {
            gv_jw_obj(w, "Resolved");
            path_value(w, "value", &c->lhs);
        }
        comparison(w, it, c);
        gv_jw_end(w);
    }
    gv_jw_end(w);
}

/* What a clause's object holds. */
static void clause_body(gv_jw *w, const gv_report_item *it, const gv_check *c, gv_shape shape)
{
    if (shape == GV_SHAPE_BLOCK_MISSING) {
        gv_jw_obj(w, "Block");
        context_of(w, "context", it, c);
        messages(w, it, c, 0);
        unresolved(w, "unresolved", it, c);
    } else if (shape == GV_SHAPE_BINARY || shape == GV_SHAPE_IN || shape == GV_SHAPE_BINARY_MISSING) {
        gv_jw_obj(w, "Clause");
        gv_jw_obj(w, "Binary");
        context_of(w, "context", it, c);
        messages(w, it, c, shape == GV_SHAPE_IN);
        binary_check(w, it, c, shape);
        gv_jw_end(w);
    } else {
        gv_jw_obj(w, "Clause");
        gv_jw_obj(w, "Unary");
        unary_check(w, it, c, shape);
        context_of(w, "context", it, c);
        messages(w, it, c, 0);
        gv_jw_end(w);
    }
    gv_jw_end(w);
}

static void clause(gv_jw *w, const gv_report_item *it, const gv_check *c)
{
    gv_jw_obj(w, NULL);
    clause_body(w, it, c, gv_check_shape(it, c));
    gv_jw_end(w);
}

static void node_json(gv_jw *w, const gv_report_item *it, const gv_cnode *n);

static void checks(gv_jw *w, const gv_report_item *it, const gv_cnode *first)
{
    gv_jw_arr(w, "checks");
    for (const gv_cnode *c = first; c; c = c->next)
        node_json(w, it, c);
    gv_jw_end(w);
}

static void rule_json(gv_jw *w, const gv_report_item *it, const gv_cnode *n)
{
    gv_jw_obj(w, NULL);
    gv_jw_obj(w, "Rule");
    gv_buf_clear(&w->tmp);
    gv_report_rule_name(&w->tmp, it, n->rule);
    gv_jw_tmp(w, "name");
    gv_jw_obj(w, "metadata");
    gv_jw_end(w);
    gv_jw_obj(w, "messages");
    /* a called rule carries the message of the call */
    uint32_t msg = n->key ? it->prog->messages[n->key_ip] : GV_NONE;
    if (msg == GV_NONE)
        gv_jw_null(w, "custom_message");
    else
        gv_jw_const(w, "custom_message", it->prog->strings[msg].s);
    gv_jw_null(w, "error_message");
    gv_jw_end(w);
    checks(w, it, n->first);
    gv_jw_end(w);
    gv_jw_end(w);
}

/* The clauses of a bulk entry's keys differ only where they name the key:
 * the first key's clause body is kept with those places noted (holes),
 * and each later key's copies it around them. */
typedef struct key_template {
    gv_buf text;
    gv_jw_holes holes;
    gv_shape shape;
    int ready;
    /* the error message, escaped, around the key's location and display
     * (gv_msg_error_split): msg[0..msg_at) before, the rest after; when
     * split is clear, the message is written whole */
    gv_buf msg;
    size_t msg_at;
    int split;
} key_template;

/* Only these shapes name the compared value in nothing but the error
 * message and its own document value (a key's value: a string, constant
 * kind). */
static int templatable(const gv_jw *w, gv_shape shape)
{
    return !w->probe && (shape == GV_SHAPE_BINARY || shape == GV_SHAPE_IN);
}

static void record_key_clause(gv_jw *w, const gv_report_item *it, const gv_check *c, key_template *t)
{
    gv_jw_obj(w, NULL);
    gv_buf *out = w->out;
    w->out = &t->text;
    w->holes = &t->holes;
    clause_body(w, it, c, t->shape);
    w->out = out;
    w->holes = NULL;
    t->ready = !t->text.oom && !t->holes.overflow;
    gv_buf_append(out, t->text.data, t->text.len);
    gv_jw_end(w);

    if (w->yaml) /* YAML styles a message whole; JSON escapes it piece by piece */
        return;
    size_t at[2];
    gv_buf_clear(&w->tmp);
    gv_msg_error_split(&w->tmp, it, c, at);
    if (at[1] > at[0] && !w->tmp.oom) {
        gv_buf_json_escaped(&t->msg, w->tmp.data, at[0]);
        t->msg_at = t->msg.len;
        gv_buf_json_escaped(&t->msg, w->tmp.data + at[1], w->tmp.len - at[1]);
        t->split = !t->msg.oom;
    }
}

/* The check's error message as a string in hole h, from the template's
 * text around its left-hand value when it has it (JSON). */
static void key_error_message(gv_jw *w, const gv_report_item *it, const gv_check *c, const key_template *t,
                              const gv_jw_hole *h)
{
    gv_buf_clear(&w->tmp);
    if (!t->split) {
        gv_msg_error(&w->tmp, it, c);
        gv_jw_refill_str(w, h, w->tmp.data, w->tmp.len);
    } else {
        gv_msg_value_at(&w->tmp, it, &c->lhs);
        gv_buf_putc(w->out, '"');
        gv_buf_append(w->out, t->msg.data, t->msg_at);
        gv_buf_json_escaped(w->out, w->tmp.data ? w->tmp.data : "", w->tmp.len);
        gv_buf_append(w->out, t->msg.data + t->msg_at, t->msg.len - t->msg_at);
        gv_buf_putc(w->out, '"');
    }
    if (w->tmp.oom)
        w->oom = 1;
}

static void replay_key_clause(gv_jw *w, const gv_report_item *it, const gv_check *c, const key_template *t)
{
    gv_jw_obj(w, NULL);
    size_t at = 0;
    for (uint32_t i = 0; i < t->holes.n; i++) {
        const gv_jw_hole *h = &t->holes.at[i];
        gv_jw_raw(w, t->text.data + at, h->from - at);
        if (h->node)
            gv_jw_refill_doc(w, h, c->lhs.node);
        else
            key_error_message(w, it, c, t, h);
        at = h->to;
    }
    gv_jw_raw(w, t->text.data + at, t->text.len - at);
    gv_jw_end(w);
}

/* A bulk entry of failed key tests (gv_eval_lazy) stands where its
 * expanded checks would, as consecutive leaves: the builder places a check
 * by its frames and instruction only, which they share. Written one key
 * at a time, nothing kept but the template (a tree keeps pointing into
 * what it is given). */
static void key_clauses(gv_jw *w, const gv_report_item *it, const gv_check *bulk)
{
    gv_node key;
    gv_check c;
    key_template t = { .holes.node = &key };
    gv_buf_init(&t.text);
    gv_buf_init(&t.msg);
    int tried = 0;
    for (uint32_t m = 0; !w->oom && gv_key_check_next(bulk, &m, &key, &c);) {
        gv_shape shape = gv_check_shape(it, &c);
        if (t.ready && shape == t.shape) {
            replay_key_clause(w, it, &c, &t);
        } else if (!tried && templatable(w, shape)) {
            tried = 1;
            t.shape = shape;
            record_key_clause(w, it, &c, &t);
        } else {
            clause(w, it, &c);
        }
    }
    gv_buf_free(&t.text);
    gv_buf_free(&t.msg);
}

static void node_json(gv_jw *w, const gv_report_item *it, const gv_cnode *n)
{
    if (n->kind == GV_CN_CHECK && n->check->kind == GV_CHECK_KEYS_BULK) {
        key_clauses(w, it, n->check);
    } else if (n->kind == GV_CN_CHECK) {
        clause(w, it, n->check);
    } else if (n->kind == GV_CN_RULE) {
        rule_json(w, it, n);
    } else {
        gv_jw_obj(w, NULL);
        gv_jw_obj(w, "Disjunctions");
        checks(w, it, n->first);
        gv_jw_end(w);
        gv_jw_end(w);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rule names of one status over the items, sorted bytewise, each once. */
static void names(gv_jw *w, gv_arena *a, const char *key, const gv_report_item *items, size_t n,
                  gv_rstatus want)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        total += items[i].res->nrules;
    gv_arena_mark m = gv_arena_save(a);
    char **all = gv_arena_alloc(a, (total ? total : 1) * sizeof *all);
    gv_jw_arr(w, key);
    if (!all)
        w->oom = 1;
    for (size_t i = 0; all && i < n; i++)
        for (uint32_t r = 0; r < items[i].res->nrules; r++) {
            if (items[i].res->rules[r].status != want)
                continue;
            gv_buf_clear(&w->tmp);
            gv_report_rule_name(&w->tmp, &items[i], items[i].res->rules[r].rule);
            all[k] = gv_arena_strndup(a, w->tmp.data ? w->tmp.data : "", w->tmp.len);
            if (all[k])
                k++;
        }
    qsort(all, k, sizeof *all, cmp_str);
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(all[i], all[i - 1]) != 0)
            gv_jw_cstr(w, NULL, all[i]);
    gv_jw_end(w);
    gv_arena_reset(a, m);
}

static void failing_rules_of(gv_arena *a, const gv_report_item *it, gv_failing_rule_fn fn, void *ctx)
{
    for (uint32_t r = 0; r < it->res->nrules; r++) {
        if (it->res->rules[r].status != GV_RS_FAIL)
            continue;
        gv_arena_mark m = gv_arena_save(a);
        fn(ctx, it, &it->res->rules[r]);
        gv_arena_reset(a, m); /* what fn made goes: one rule's memory at a time */
    }
}

int gv_report_failing_rules(gv_arena *a, const gv_report_item *item, const gv_report_sink *sink,
                            gv_failing_rule_fn fn, void *ctx)
{
    if (!item->replay || item->res->status != GV_RS_FAIL) {
        failing_rules_of(a, item, fn, ctx);
        return 0;
    }
    if (!sink || !sink->replay)
        return -1;
    gv_arena ra;
    gv_arena_init(&ra, 256 * 1024);
    gv_eval_result res;
    gv_report_item full = *item;
    full.res = &res;
    full.replay = 0;
    int rc = sink->replay(sink->ctx, item, &ra, &res);
    if (rc == 0)
        failing_rules_of(a, &full, fn, ctx);
    gv_arena_free(&ra);
    return rc;
}

typedef struct rule_writer {
    gv_jw *w;
    gv_arena *a; /* the rule's check tree, emptied after it */
} rule_writer;

/* A failing rule's check tree, written (bulk key tests key by key). */
static void write_failing_rule(void *ctx, const gv_report_item *it, const gv_rule_result *rr)
{
    gv_jw *w = ((rule_writer *)ctx)->w;
    gv_arena *a = ((rule_writer *)ctx)->a;
    if (w->oom)
        return;
    int oom = 0;
    gv_cnode *t = gv_check_tree(a, it, rr, NULL, 0, &oom);
    gv_cnode empty = { GV_CN_RULE, rr->rule, NULL, NULL, 0, NULL, NULL, NULL };
    if (oom)
        w->oom = 1;
    else
        rule_json(w, it, t ? t : &empty);
}

static int record(gv_jw *w, gv_arena *a, const char *data_name, const gv_report_item *items, size_t n,
                  const gv_report_sink *sink)
{
    gv_rstatus st = GV_RS_SKIP;
    for (size_t i = 0; i < n; i++)
        if (items[i].res->status == GV_RS_FAIL || (items[i].res->status == GV_RS_PASS && st == GV_RS_SKIP))
            st = items[i].res->status;
    gv_jw_obj(w, NULL);
    gv_jw_cstr(w, "name", data_name);
    gv_jw_obj(w, "metadata");
    gv_jw_end(w);
    gv_jw_cstr(w, "status", st == GV_RS_FAIL ? "FAIL" : st == GV_RS_PASS ? "PASS" : "SKIP");
    gv_jw_arr(w, "not_compliant");
    rule_writer rw = { w, a };
    for (size_t i = 0; i < n && !w->oom; i++)
        if (gv_report_failing_rules(a, &items[i], sink, write_failing_rule, &rw) < 0)
            return -1;
    gv_jw_end(w);
    names(w, a, "not_applicable", items, n, GV_RS_SKIP);
    names(w, a, "compliant", items, n, GV_RS_PASS);
    gv_jw_end(w);
    return w->oom ? -1 : 0;
}

/* -z goes to the sink in pieces while it is written, even within one rule
 * (tens of megabytes when references dangle), so the output's memory stays
 * bounded however many checks fail (3.5 GB of JSON for 10,000 resources). */
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

static int records(gv_buf *out, gv_arena *a, const gv_report_file *files, size_t n, const gv_report_sink *sink,
                   int yaml)
{
    gv_jw w;
    if (yaml)
        gv_jw_init_yaml(&w, out);
    else
        gv_jw_init_json(&w, out, 0);
    int r = 0;
    gv_jw_arr(&w, NULL);
    for (size_t i = 0; i < n && r == 0; i++)
        r = record(&w, a, files[i].data_name, files[i].items, files[i].n, sink);
    gv_jw_end(&w);
    gv_jw_finish(&w);
    return r;
}

int gv_report_structured(gv_buf *out, const gv_report_file *files, size_t n, gv_out_format fmt,
                         const gv_report_sink *sink)
{
    size_t start = out->len;
    spill_state st = { sink, 0 };
    if (sink) {
        out->spill = spill_to_sink;
        out->spill_ctx = &st;
        out->spill_at = GV_REPORT_SINK_CHUNK;
    }
    gv_arena a;
    gv_arena_init(&a, 64 * 1024);
    int r = fmt == GV_OUT_JUNIT   ? gv_report_junit(out, &a, files, n, sink)
            : fmt == GV_OUT_SARIF ? gv_report_sarif(out, &a, files, n, sink)
                                  : records(out, &a, files, n, sink, fmt == GV_OUT_YAML);
    gv_arena_free(&a);
    out->spill = NULL;
    if (st.failed)
        return -2;
    if (r < 0 || out->oom) {
        if (out->len >= start) { /* nothing appended, unless the sink took some */
            out->len = start;
            if (out->data)
                out->data[start] = '\0';
        }
        return -1;
    }
    if (sink && out->len >= GV_REPORT_SINK_CHUNK)
        spill_to_sink(&st, out);
    return st.failed ? -2 : 0;
}

int gv_report_record(gv_buf *out, const gv_report_item *it, gv_out_format fmt)
{
    gv_arena a;
    gv_arena_init(&a, 16 * 1024);
    gv_jw w;
    if (fmt == GV_OUT_YAML)
        gv_jw_init_yaml(&w, out);
    else
        gv_jw_init_json(&w, out, 0);
    int r = record(&w, &a, it->data_name, it, 1, NULL);
    gv_jw_finish(&w);
    gv_arena_free(&a);
    return r;
}

