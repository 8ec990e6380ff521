/* Entry points: read the file, apply cfn-guard's checks on the whole text
 * (valid UTF-8, not blank), then load it: JSON-looking text through the
 * fast path when it is plain JSON, everything else through the YAML loader,
 * as cfn-guard reads every data file. */
#include <stdlib.h>
#include <string.h>

#include "doc/loaders.h"
#include "doc/utf8.h"
#include "util/file.h"

static const gv_load_opts *opts_or_default(const gv_load_opts *o, gv_load_opts *defaults)
{
    if (o)
        return o;
    gv_load_opts_default(defaults);
    return defaults;
}

/* Whether the first token is '{' or '[' (after a BOM and blank lines). */
static int looks_like_json(const char *text, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    return i < len && (text[i] == '{' || text[i] == '[');
}

static int check_text(const char *name, const char *text, size_t len, const gv_load_opts *o,
                      gv_error *err)
{
    if (o->max_file_size && len > o->max_file_size) {
        gv_error_set(err, GV_E_LIMIT, name, (gv_loc){ 0, 0 },
                     "expected at most %zu bytes (--max-file-size), found %zu", o->max_file_size, len);
        return 0;
    }
    size_t bad = gv_utf8_check(text, len);
    if (bad < len) {
        gv_error_set(err, GV_E_DATA, name, gv_text_loc(text, len, bad),
                     "expected UTF-8 text, found byte 0x%02x", (unsigned char)text[bad]);
        return 0;
    }
    if (gv_utf8_is_blank(text, len)) {
        gv_error_set(err, GV_E_DATA, name, (gv_loc){ 1, 1 },
                     "expected a JSON or YAML document, found %s", len ? "only whitespace" : "an empty file");
        return 0;
    }
    return 1;
}

static gv_doc *new_doc(const char *name, gv_error *err)
{
    gv_doc *d = gv_doc_new(name);
    if (!d)
        gv_error_set(err, GV_E_NOMEM, name, (gv_loc){ 0, 0 }, "out of memory");
    return d;
}

gv_doc *gv_doc_load_mem(const char *name, const char *text, size_t len,
                        const gv_load_opts *o, gv_error *err)
{
    gv_load_opts defaults;
    o = opts_or_default(o, &defaults);
    if (!check_text(name, text, len, o, err))
        return NULL;
    gv_doc *d = new_doc(name, err);
    if (!d)
        return NULL;
    /* the fast path types scalars as the data loader does only */
    if (o->scalars == GV_SCALARS_LOADER && looks_like_json(text, len)) {
        gv_json_result r = gv_json_load(d, text, len, o, &d->root, err);
        if (r == GV_JSON_OK) {
            d->json = true;
            return d;
        }
        gv_doc_free(d); /* what the fast path built (keys included) goes */
        if (r == GV_JSON_FAILED || !(d = new_doc(name, err)))
            return NULL;
        d->json = true;
    }
    d->root = gv_yaml_load(d, text, len, o, err);
    if (!d->root) {
        gv_doc_free(d);
        return NULL;
    }
    return d;
}

gv_doc *gv_doc_load_file(const char *path, const gv_load_opts *o, gv_error *err)
{
    gv_load_opts defaults;
    o = opts_or_default(o, &defaults);
    size_t len;
    char *text = gv_read_file(path, o->max_file_size, &len, err);
    if (!text)
        return NULL;
    gv_doc *d = gv_doc_load_mem(path, text, len, o, err);
    free(text);
    return d;
}
