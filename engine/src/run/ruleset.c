#include "run/ruleset.h"

#include <stdlib.h>

#include "lang/parser.h"
#include "lang/resolver.h"
#include "util/file.h"
#include "vm/bundle.h"
#include "vm/compile.h"

#define MAX_RULES_FILE ((size_t)64 << 20)

/* A bundle where one rules file is expected (gavel test, gavel compile). */
static gv_program *load_one_from_bundle(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                        gv_error *err)
{
    uint32_t n = 0;
    gv_clause_texts **tx = NULL;
    gv_program **progs = gv_ruleset_read_bundle(path, text, len, NULL, &n, &tx, err);
    if (!progs)
        return NULL;
    gv_program *p = NULL;
    if (n == 1) {
        p = progs[0];
        if (texts)
            *texts = tx[0];
        else
            gv_clause_texts_free(tx[0]);
    } else {
        gv_error_set(err, GV_E_BUNDLE, path, (gv_loc){ 0, 0 },
                     "the bundle holds %u programs where one rules file is expected", n);
        for (uint32_t i = 0; i < n; i++) {
            gv_program_free(progs[i]);
            gv_clause_texts_free(tx[i]);
        }
    }
    free(progs);
    free(tx);
    return p;
}

static gv_program *compile_text(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                gv_error *err)
{
    gv_arena ast;
    gv_arena_init(&ast, 64 * 1024);
    gv_program *p = NULL;
    gv_rules_file *f = gv_parse_rules(&ast, path, text, len, err);
    if (f && gv_resolve_rules_opts(&ast, f, GV_RESOLVE_LENIENT, err) == 0)
        p = gv_compile(f, err);
    if (p && texts)
        *texts = gv_clause_texts_build(f);
    gv_arena_free(&ast);
    return p;
}

gv_program *gv_ruleset_load_texts(const char *path, const char *text, size_t len, gv_clause_texts **texts,
                                  gv_error *err)
{
    char *owned = NULL;
    if (texts)
        *texts = NULL;
    if (!text) {
        owned = gv_read_file(path, MAX_RULES_FILE, &len, err);
        if (!owned)
            return NULL;
        text = owned;
    }
    gv_program *p = gv_bundle_sniff(text, len) ? load_one_from_bundle(path, text, len, texts, err)
                                               : compile_text(path, text, len, texts, err);
    free(owned);
    return p;
}

gv_program *gv_ruleset_load(const char *path, const char *text, size_t len, gv_error *err)
{
    return gv_ruleset_load_texts(path, text, len, NULL, err);
}

gv_program **gv_ruleset_read_bundle(const char *path, const char *data, size_t len, gv_blob *keep,
                                    uint32_t *n, gv_clause_texts ***texts, gv_error *err)
{
    gv_bundle_blob *blobs = NULL;
    gv_program **progs = gv_bundle_read(path, data, len, n, &blobs, keep, err);
    if (!progs) {
        *n = 0;
        return NULL;
    }
    gv_clause_texts **tx = calloc(*n ? *n : 1, sizeof *tx);
    uint32_t i = 0;
    for (; tx && i < *n; i++) {
        /* an empty blob: a bundle without texts (reports lose clause contexts) */
        if (blobs[i].len && !(tx[i] = keep ? gv_clause_texts_read_lazily(blobs[i].data, blobs[i].len, keep)
                                           : gv_clause_texts_read(blobs[i].data, blobs[i].len)))
            break;
    }
    free(blobs);
    if (tx && i == *n) {
        *texts = tx;
        return progs;
    }
    if (tx)
        gv_error_set(err, GV_E_BUNDLE, path, (gv_loc){ 0, 0 },
                     "corrupt bundle: the clause texts of program %u are malformed", i + 1);
    else
        gv_error_set(err, GV_E_NOMEM, path, (gv_loc){ 0, 0 }, "out of memory reading bundle");
    for (uint32_t j = 0; j < *n; j++) {
        gv_program_free(progs[j]);
        if (tx)
            gv_clause_texts_free(tx[j]);
    }
    free(progs);
    free(tx);
    return NULL;
}

int gv_ruleset_write_bundle(gv_buf *out, gv_program *const *progs, gv_clause_texts *const *texts, uint32_t n)
{
    gv_buf *bufs = calloc(n ? n : 1, sizeof *bufs);
    gv_bundle_blob *blobs = calloc(n ? n : 1, sizeof *blobs);
    int rc = bufs && blobs ? 0 : -1;
    for (uint32_t i = 0; rc == 0 && i < n; i++) {
        gv_buf_init(&bufs[i]);
        if (texts && texts[i])
            gv_clause_texts_write(texts[i], &bufs[i]);
        if (bufs[i].oom || bufs[i].len > UINT32_MAX)
            rc = -1;
        blobs[i] = (gv_bundle_blob){ bufs[i].data ? bufs[i].data : "", (uint32_t)bufs[i].len };
    }
    if (rc == 0)
        rc = gv_bundle_write(out, progs, blobs, n);
    for (uint32_t i = 0; bufs && i < n; i++)
        gv_buf_free(&bufs[i]);
    free(bufs);
    free(blobs);
    return rc;
}
