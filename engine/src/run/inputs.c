#define _XOPEN_SOURCE 700
#include "run/inputs.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/ruleset.h"
#include "util/blob.h"
#include "util/file.h"
#include "vm/bundle.h"

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static char *real_name(const char *path)
{
    char buf[PATH_MAX];
    return strdup(realpath(path, buf) ? buf : path);
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Takes ownership of name and text. path, st: the file it was read from
 * (NULL: it cannot be read again). */
static int add_data(gv_inputs *in, char *name, char *text, size_t len, const char *path, const struct stat *st,
                    const gv_input_opts *o, gv_error *err)
{
    gv_data_input *d = &in->data[in->ndata];
    memset(d, 0, sizeof *d);
    d->name = name;
    d->len = len;
    in->ndata++; /* freed with the rest from now on */
    if (!name || !text || !(d->lines = gv_lines_new(text, len))) {
        free(text);
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading data");
        return -1;
    }
    if (blank(text, len)) { /* cfn-guard refuses empty data */
        gv_error_set(err, GV_E_DATA, name, (gv_loc){ 0, 0 }, "data file is empty");
        return -1;
    }
    d->doc = gv_doc_load_mem(name, text, len, o->load, err);
    if (!d->doc)
        return -1;
    d->root = gv_doc_root(d->doc);
    /* a large file's text goes: its snippets' lines are read again */
    if (path && len > o->keep_text_max)
        gv_lines_drop_text(d->lines, path, st);
    return 0;
}

static int grow_data(gv_inputs *in, size_t n)
{
    gv_data_input *p = realloc(in->data, (in->ndata + n + 1) * sizeof *p);
    if (!p)
        return -1;
    in->data = p;
    return 0;
}

static int load_data_files(gv_inputs *in, const gv_strlist *paths, const gv_input_opts *o, gv_error *err)
{
    if (grow_data(in, paths->n) < 0) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading data");
        return -1;
    }
    for (size_t i = 0; i < paths->n; i++) {
        size_t len;
        struct stat st;
        char *text = gv_read_file_stat(paths->items[i], o->load->max_file_size, &len, &st, err);
        if (!text)
            return -1;
        if (add_data(in, real_name(paths->items[i]), text, len, paths->items[i], &st, o, err) < 0)
            return -1;
    }
    return 0;
}

static int collect(const gv_strlist *args, const char *const *exts, int any, int by_mtime, gv_strlist *out,
                   gv_error *err)
{
    for (size_t i = 0; i < args->n; i++)
        if (gv_collect_files_ordered(args->items[i], exts, any, by_mtime, out, err) < 0)
            return -1;
    return 0;
}

static int load_stdin_data(gv_inputs *in, const gv_input_opts *o, gv_error *err)
{
    size_t len;
    char *text = gv_read_file("-", o->load->max_file_size, &len, err);
    if (!text || grow_data(in, 1) < 0) {
        if (text)
            gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading data");
        free(text);
        return -1;
    }
    return add_data(in, strdup("STDIN"), text, len, NULL, NULL, o, err);
}

static int load_rules_text(gv_inputs *in, const char *name, const char *path, const char *text, size_t len,
                           gv_rules_error_fn on_error)
{
    gv_rules_input *r = &in->rules[in->nrules];
    gv_error err;
    gv_error_clear(&err);
    r->name = strdup(name);
    r->prog = r->name ? gv_ruleset_load_texts(path, text, len, &r->texts, &err) : NULL;
    if (!r->name)
        gv_error_set(&err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory loading rules");
    if (!r->prog) {
        on_error(&err);
        in->rules_failed = 1;
    }
    in->nrules++;
    return 0;
}

/* A bundle given with -r: each of its programs is a rules file, reported
 * under the name of the file it was compiled from. Rules entries are sized
 * for one per file; a bundle makes room for its own. */
static int load_bundle(gv_inputs *in, const char *path, gv_blob *blob, size_t files_left,
                       gv_rules_error_fn on_error)
{
    gv_error err;
    gv_error_clear(&err);
    uint32_t n = 0;
    gv_clause_texts **texts = NULL;
    gv_program **progs = gv_ruleset_read_bundle(path, gv_blob_data(blob), gv_blob_len(blob), blob, &n,
                                                &texts, &err);
    if (!progs)
        n = 0;
    gv_rules_input *grown = progs ? realloc(in->rules, (in->nrules + n + files_left + 1) * sizeof *grown) : NULL;
    if (grown)
        in->rules = grown;
    for (uint32_t i = 0; i < n; i++) {
        gv_rules_input *r = &in->rules[in->nrules];
        r->name = grown ? strdup(base_name(progs[i]->source)) : NULL;
        if (!r->name) {
            gv_program_free(progs[i]);
            gv_clause_texts_free(texts[i]);
            continue;
        }
        r->prog = progs[i];
        r->texts = texts[i];
        in->nrules++;
    }
    if (progs && (!grown || in->nrules < n))
        gv_error_set(&err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory loading rules");
    free(progs);
    free(texts);
    if (err.code != GV_OK) {
        on_error(&err);
        in->rules_failed = 1;
    }
    return 0;
}

/* Each -r file is recognised by its content: a bundle, or rules text. */
static void load_rules_path(gv_inputs *in, const char *path, size_t files_left, gv_rules_error_fn on_error)
{
    gv_error err;
    gv_error_clear(&err);
    gv_blob *blob = gv_blob_open(path, (size_t)64 << 20, &err);
    if (!blob) {
        in->rules[in->nrules].name = strdup(base_name(path));
        in->nrules++;
        on_error(&err);
        in->rules_failed = 1;
    } else if (gv_bundle_sniff(gv_blob_data(blob), gv_blob_len(blob))) {
        load_bundle(in, path, blob, files_left, on_error);
    } else {
        load_rules_text(in, base_name(path), path, gv_blob_data(blob), gv_blob_len(blob), on_error);
    }
    gv_blob_release(blob);
}

static int load_rules_files(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err)
{
    gv_strlist files = { 0 };
    int rc = collect(o->rules, gv_rule_exts, 1, o->by_mtime, &files, err);
    in->rules = rc == 0 ? calloc(files.n + 1, sizeof *in->rules) : NULL;
    if (rc == 0 && !in->rules) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading rules");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < files.n; i++)
        load_rules_path(in, files.items[i], files.n - i - 1, on_error);
    gv_strlist_free(&files);
    return rc;
}

/* ---- parameters (-i) ---- */

static int has_key(const gv_node *m, const gv_key *k)
{
    return m->kind == GV_MAP && gv_map_get(m, k->str, k->len, k->hash) != NULL;
}

static int conflict(gv_error *err, const char *name, const gv_key *k)
{
    gv_error_set(err, GV_E_DATA, name, (gv_loc){ 0, 0 },
                 "key '%s' is set both here and in another data or parameter file", k->str);
    return -1;
}

/* The top-level members of every parameter file, then of the data file:
 * cfn-guard refuses any key defined twice. */
static int merge_params(gv_inputs *in, gv_data_input *d, const char *const *pnames, gv_error *err)
{
    const gv_node *data = d->root;
    uint32_t total = data->kind == GV_MAP ? data->len : 0;
    for (size_t i = 0; i < in->nparams; i++)
        total += gv_doc_root(in->params[i])->len;
    gv_node *m = gv_arena_zalloc(&in->merged, sizeof *m);
    gv_member *mem = gv_arena_alloc(&in->merged, (total ? total : 1) * sizeof *mem);
    if (!m || !mem) {
        gv_error_set(err, GV_E_NOMEM, d->name, (gv_loc){ 0, 0 }, "out of memory merging parameters");
        return -1;
    }
    *m = *data;
    m->kind = GV_MAP;
    m->indexed = 0; /* lookups scan: merged roots are small */
    m->u.members = mem;
    m->len = 0;
    for (size_t i = 0; i < in->nparams; i++) {
        const gv_node *p = gv_doc_root(in->params[i]);
        for (uint32_t k = 0; k < p->len; k++) {
            if (has_key(m, p->u.members[k].key))
                return conflict(err, pnames[i], p->u.members[k].key);
            mem[m->len++] = p->u.members[k];
        }
    }
    for (uint32_t k = 0; data->kind == GV_MAP && k < data->len; k++) {
        if (has_key(m, data->u.members[k].key))
            return conflict(err, d->name, data->u.members[k].key);
        mem[m->len++] = data->u.members[k];
    }
    d->root = m;
    return 0;
}

static int load_params(gv_inputs *in, const gv_input_opts *o, gv_error *err)
{
    gv_strlist files = { 0 };
    int rc = collect(o->params, gv_data_exts, 0, o->by_mtime, &files, err);
    in->params = rc == 0 ? calloc(files.n + 1, sizeof *in->params) : NULL;
    if (rc == 0 && !in->params) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading parameters");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < files.n; i++) {
        in->params[in->nparams] = gv_doc_load_file(files.items[i], o->load, err);
        if (!in->params[in->nparams])
            rc = -1;
        else if (gv_doc_root(in->params[in->nparams++])->kind != GV_MAP) {
            gv_error_set(err, GV_E_DATA, files.items[i], (gv_loc){ 0, 0 },
                         "parameters must be a mapping of names to values");
            rc = -1;
        }
    }
    for (size_t i = 0; rc == 0 && in->nparams && i < in->ndata; i++)
        rc = merge_params(in, &in->data[i], (const char *const *)files.items, err);
    gv_strlist_free(&files);
    return rc;
}

static int load_payload(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err);

int gv_inputs_load(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err)
{
    memset(in, 0, sizeof *in);
    gv_arena_init(&in->merged, 4096);
    if (o->payload)
        return load_payload(in, o, on_error, err);
    gv_strlist paths = { 0 };
    int rc = collect(o->data, gv_data_exts, 0, o->by_mtime, &paths, err);
    if (rc == 0 && o->data->n == 0)
        rc = load_stdin_data(in, o, err);
    else if (rc == 0)
        rc = load_data_files(in, &paths, o, err);
    gv_strlist_free(&paths);
    if (rc == 0)
        rc = load_params(in, o, err);
    if (rc == 0)
        rc = load_rules_files(in, o, on_error, err);
    return rc;
}

/* ---- -P: {"rules": ["<rules text>", ...], "data": ["<data text>", ...]} ---- */

static const gv_node *string_list(const gv_node *root, const char *key)
{
    const gv_node *l = root->kind == GV_MAP ? gv_map_get_str(root, key) : NULL;
    if (!l || l->kind != GV_LIST)
        return NULL;
    for (uint32_t i = 0; i < l->len; i++)
        if (l->u.items[i]->kind != GV_STRING)
            return NULL;
    return l;
}

static int payload_data(gv_inputs *in, const gv_node *data, const gv_input_opts *o, gv_error *err)
{
    if (grow_data(in, data->len) < 0) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading data");
        return -1;
    }
    for (uint32_t i = 0; i < data->len; i++) {
        char name[32];
        snprintf(name, sizeof name, "DATA_STDIN[%u]", i + 1);
        const gv_node *s = data->u.items[i];
        char *text = malloc(s->len + 1);
        if (text) {
            memcpy(text, s->u.s, s->len);
            text[s->len] = '\0';
        }
        if (add_data(in, strdup(name), text, s->len, NULL, NULL, o, err) < 0)
            return -1;
    }
    return 0;
}

static int load_payload(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err)
{
    size_t len;
    char *text = gv_read_file("-", o->load->max_file_size, &len, err);
    if (!text)
        return -1;
    gv_doc *p = gv_doc_load_mem("stdin", text, len, o->load, err);
    free(text);
    if (!p)
        return -1;
    const gv_node *root = gv_doc_root(p), *rules = string_list(root, "rules"), *data = string_list(root, "data");
    int rc = 0;
    if (!rules || !data) {
        gv_error_set(err, GV_E_DATA, "stdin", (gv_loc){ 0, 0 },
                     "the payload must be {\"rules\": [\"<rules>\", ...], \"data\": [\"<data>\", ...]}");
        rc = -1;
    }
    if (rc == 0)
        rc = payload_data(in, data, o, err);
    if (rc == 0)
        rc = load_params(in, o, err);
    in->rules = rc == 0 ? calloc(rules->len + 1, sizeof *in->rules) : NULL;
    if (rc == 0 && !in->rules) {
        gv_error_set(err, GV_E_NOMEM, NULL, (gv_loc){ 0, 0 }, "out of memory loading rules");
        rc = -1;
    }
    for (uint32_t i = 0; rc == 0 && i < rules->len; i++) {
        char name[32];
        snprintf(name, sizeof name, "RULES_STDIN[%u]", i + 1);
        load_rules_text(in, name, name, rules->u.items[i]->u.s, rules->u.items[i]->len, on_error);
    }
    gv_doc_free(p);
    return rc;
}

void gv_inputs_free(gv_inputs *in)
{
    for (size_t i = 0; i < in->ndata; i++) {
        free(in->data[i].name);
        gv_lines_free(in->data[i].lines);
        gv_doc_free(in->data[i].doc);
    }
    free(in->data);
    for (size_t i = 0; i < in->nrules; i++) {
        free(in->rules[i].name);
        gv_program_free(in->rules[i].prog);
        gv_clause_texts_free(in->rules[i].texts);
    }
    free(in->rules);
    for (size_t i = 0; i < in->nparams; i++)
        gv_doc_free(in->params[i]);
    free(in->params);
    gv_arena_free(&in->merged);
}

int gv_inputs_load_rules(gv_inputs *in, const gv_input_opts *o, gv_rules_error_fn on_error, gv_error *err)
{
    memset(in, 0, sizeof *in);
    gv_arena_init(&in->merged, 4096);
    return load_rules_files(in, o, on_error, err);
}
